package mailsettings

import (
	"slices"
	"testing"

	"golang.org/x/net/idna"
)

// TestTableInvariants checks every record of the built-in table.
func TestTableInvariants(t *testing.T) {
	tab := builtinTable()
	if len(tab.providers) == 0 {
		t.Fatal("empty table")
	}
	if tab.err != nil {
		t.Fatal(tab.err)
	}
	mxTargets := map[string]bool{}
	for _, id := range tab.mxExact {
		mxTargets[id] = true
	}
	for _, id := range tab.mxSuffix {
		mxTargets[id] = true
	}
	ids := map[string]bool{}
	indexed := 0
	for _, p := range tab.providers {
		if err := p.check(); err != nil {
			t.Error(err)
		}
		if ids[p.info.ID] {
			t.Errorf("duplicate provider id %q", p.info.ID)
		}
		ids[p.info.ID] = true
		if p.info.Source == "" {
			t.Errorf("%s: no source", p.info.ID)
		}
		if len(p.info.Domains) == 0 && !mxTargets[p.info.ID] {
			t.Errorf("%s: no domains and no MX pattern", p.info.ID)
		}
		if tab.byID[p.info.ID] != p {
			t.Errorf("%s: not indexed by id", p.info.ID)
		}
		for _, d := range p.info.Domains {
			indexed++
			if q, err := parseQuery(d); err != nil || q.Domain != d || q.Local != "" {
				t.Errorf("%s: domain %q is not normalized (%q, %v)", p.info.ID, d, q.Domain, err)
			}
			if tab.byDomain[d] != p {
				t.Errorf("%s: domain %q is indexed to %v", p.info.ID, d, tab.byDomain[d])
			}
		}
		incoming, outgoing := false, false
		for i, e := range p.info.Endpoints {
			if err := e.Validate(); err != nil {
				t.Errorf("%s: %v", p.info.ID, err)
			}
			if _, err := idna.Registration.ToASCII(e.Host); err != nil {
				t.Errorf("%s: host %q fails IDNA registration rules: %v", p.info.ID, e.Host, err)
			}
			if i > 0 && e.less(p.info.Endpoints[i-1]) {
				t.Errorf("%s: endpoint %v is out of preference order", p.info.ID, e)
			}
			if slices.Index(p.info.Endpoints, e) != i {
				t.Errorf("%s: duplicate endpoint %v", p.info.ID, e)
			}
			incoming = incoming || e.Protocol.Incoming()
			outgoing = outgoing || e.Protocol == SMTP
		}
		if !incoming || !outgoing {
			t.Errorf("%s: needs an incoming and an outgoing endpoint", p.info.ID)
		}
		if p.PlaintextOnly() && !slices.ContainsFunc(p.info.Notes, func(n Note) bool { return n.Kind == NotePlaintext }) {
			t.Errorf("%s: plaintext-only provider without a plaintext note", p.info.ID)
		}
		for _, n := range p.info.Notes {
			if !n.Kind.Valid() || n.Text.String() == "" || zhHans(n.Text) == "" {
				t.Errorf("%s: incomplete note %+v", p.info.ID, n)
			}
		}
	}
	if indexed != len(tab.byDomain) {
		t.Errorf("providers list %d domains, index has %d", indexed, len(tab.byDomain))
	}
}

// TestNewTableFirstLayerWins checks how layers of data combine.
func TestNewTableFirstLayerWins(t *testing.T) {
	a := ProviderInfo{ID: "a", Domains: []string{"x.example", "y.example"}, Endpoints: []ServerEndpoint{
		ep(SMTP, "smtp.x.example", 587, STARTTLS, addr),
		ep(IMAP, "imap.x.example", 143, Plaintext, addr),
		ep(POP3, "pop.x.example", 995, ImplicitTLS, addr),
		ep(IMAP, "imap.x.example", 993, ImplicitTLS, addr),
	}}
	b := ProviderInfo{ID: "b", Domains: []string{"y.example", "z.example"}}
	c := ProviderInfo{ID: "c", Domains: []string{"x.example"}}
	tab := newTable([]ProviderInfo{a}, []ProviderInfo{b, c})
	pa, pb := tab.byDomain["x.example"], tab.byDomain["z.example"]
	if pa.ID() != "a" || tab.byDomain["y.example"] != pa || pb.ID() != "b" {
		t.Errorf("index = %v", tab.byDomain)
	}
	if !slices.Equal(pb.Domains(), []string{"z.example"}) {
		t.Errorf("b keeps domains %v, want only z.example", pb.Domains())
	}
	if len(tab.providers) != 2 {
		t.Errorf("%d providers kept, want 2 (c owns no domain)", len(tab.providers))
	}
	want := []string{"imap.x.example:993", "pop.x.example:995", "smtp.x.example:587", "imap.x.example:143"}
	var got []string
	for _, e := range pa.Endpoints() {
		got = append(got, e.Addr())
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted endpoints = %v, want %v", got, want)
	}
}
