package mailsettings

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestEvidenceText(t *testing.T) {
	for e, want := range map[Evidence]string{
		EvidenceReported: "reported", EvidenceCorroborated: "corroborated", EvidenceCurated: "curated", EvidenceOfficial: "official",
	} {
		if !e.valid() || e.String() != want {
			t.Errorf("%d: Valid %v, String %q, want %q", e, e.valid(), e, want)
		}
		b, err := e.MarshalText()
		if err != nil || string(b) != want {
			t.Errorf("MarshalText(%d) = %q, %v", e, b, err)
		}
		var back Evidence
		if err := back.UnmarshalText([]byte(strings.ToUpper(want))); err != nil || back != e {
			t.Errorf("UnmarshalText(%q) = %v, %v", want, back, err)
		}
	}
	if EvidenceNone.valid() || EvidenceNone.String() != "none" || Evidence(9).String() != "Evidence(9)" {
		t.Errorf("none/invalid: %v %q %q", EvidenceNone.valid(), EvidenceNone, Evidence(9))
	}
	if _, err := EvidenceNone.MarshalText(); err == nil {
		t.Error("EvidenceNone marshals")
	}
	var e Evidence
	if err := e.UnmarshalText([]byte("none")); err == nil {
		t.Error(`"none" unmarshals`)
	}
	if !(EvidenceReported < EvidenceCorroborated && EvidenceCorroborated < EvidenceCurated && EvidenceCurated < EvidenceOfficial) {
		t.Error("levels are not ordered weakest first")
	}
}

// TestBestRespectsEvidence: for every built-in provider and protocol, no
// endpoint precedes one of a higher level among the encrypted endpoints,
// and no plaintext endpoint precedes an encrypted one; so Best returns an
// encrypted endpoint of the highest level offered.
func TestBestRespectsEvidence(t *testing.T) {
	for _, p := range builtinTable().providers {
		s := Settings{Provider: p}
		for _, proto := range []Protocol{IMAP, POP3, SMTP} {
			var encrypted []ServerEndpoint
			seenPlain := false
			for _, e := range s.Endpoints() {
				if e.Protocol != proto {
					continue
				}
				if e.Encryption == Plaintext {
					seenPlain = true
					continue
				}
				if seenPlain {
					t.Errorf("%s: %v comes after a plaintext endpoint", p.data().ID, e)
				}
				encrypted = append(encrypted, e)
			}
			for i := 1; i < len(encrypted); i++ {
				if p.level(encrypted[i]) > p.level(encrypted[i-1]) {
					t.Errorf("%s: %v (%v) comes after %v (%v)", p.data().ID, encrypted[i], p.level(encrypted[i]), encrypted[i-1], p.level(encrypted[i-1]))
				}
			}
			best, ok := s.Best(proto)
			if len(encrypted) > 0 && (!ok || best != encrypted[0]) {
				t.Errorf("%s: Best(%v) = %v, want %v", p.data().ID, proto, best, encrypted[0])
			}
		}
	}
}

// TestNewProviderSortsByEvidence: a provider built by a caller with evidence
// is ordered by it, within the plaintext rule.
func TestNewProviderSortsByEvidence(t *testing.T) {
	tls465 := ep(SMTP, "smtp.x.example", 465, ImplicitTLS, addr)
	start587 := ep(SMTP, "smtp2.x.example", 587, STARTTLS, addr)
	plain25 := ep(SMTP, "smtp3.x.example", 25, Plaintext, addr)
	imap := ep(IMAP, "imap.x.example", 993, ImplicitTLS, addr)
	info := ProviderInfo{ID: "x", Name: "X", Endpoints: []ServerEndpoint{plain25, tls465, start587, imap},
		Evidence: []EndpointEvidence{
			{Endpoint: tls465, Level: EvidenceReported, Sources: []string{"a report"}},
			{Endpoint: start587, Level: EvidenceOfficial, Sources: []string{"https://x.example/help"}},
			{Endpoint: plain25, Level: EvidenceOfficial, Sources: []string{"https://x.example/help"}},
		}}
	p, err := NewProvider(info)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.data().Endpoints, []ServerEndpoint{imap, start587, tls465, plain25}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if e, ok := p.Evidence(start587); !ok || e.Level != EvidenceOfficial || e.Sources[0] != "https://x.example/help" {
		t.Errorf("Evidence(%v) = %+v, %v", start587, e, ok)
	}
	if _, ok := p.Evidence(imap); ok {
		t.Error("evidence for an endpoint without any")
	}
	for _, bad := range [][]EndpointEvidence{
		{{Endpoint: ep(IMAP, "other.example", 993, ImplicitTLS, addr), Level: EvidenceCurated}},
		{{Endpoint: imap, Level: EvidenceNone}},
		{{Endpoint: imap, Level: EvidenceCurated}, {Endpoint: imap, Level: EvidenceReported}},
	} {
		info.Evidence = bad
		if _, err := NewProvider(info); err == nil {
			t.Errorf("NewProvider accepted evidence %+v", bad)
		}
	}
}

// TestEvidenceOfBuiltins: every built-in endpoint has a valid level, a
// source and a date, the accessor returns copies, and the JSON carries it.
func TestEvidenceOfBuiltins(t *testing.T) {
	for _, p := range builtinTable().providers {
		for _, e := range p.data().Endpoints {
			f, ok := p.Evidence(e)
			if !ok || !f.Level.valid() || len(f.Sources) == 0 || f.Checked == "" || f.Endpoint != e {
				t.Errorf("%s: evidence for %v = %+v, %v", p.data().ID, e, f, ok)
			}
		}
	}
	qq, _ := ProviderByID("qq")
	imap, _ := Settings{Provider: qq}.Best(IMAP)
	f, _ := qq.Evidence(imap)
	f.Sources[0] = "evil"
	again, _ := qq.Evidence(imap)
	info := qq.Info()
	info.Evidence[0].Sources[0] = "evil"
	if again.Sources[0] == "evil" || qq.Info().Evidence[0].Sources[0] == "evil" {
		t.Error("a caller changed the shared evidence")
	}
	s := mustLookup(t, "alice@qq.com")
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Endpoints []struct {
			Host     string
			Evidence *struct {
				Level   string
				Sources []string
				Checked string
			}
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, e := range got.Endpoints {
		if e.Evidence == nil || e.Evidence.Level == "" || len(e.Evidence.Sources) == 0 || e.Evidence.Checked == "" {
			t.Errorf("JSON endpoint %s without evidence: %s", e.Host, b)
		}
	}
	if got.Endpoints[0].Evidence.Level != "curated" || !slices.Contains(got.Endpoints[0].Evidence.Sources, "ispdb:qq.com.xml") {
		t.Errorf("JSON evidence of imap.qq.com = %+v", got.Endpoints[0].Evidence)
	}
	// A provider without evidence writes none.
	p, _ := NewProvider(ProviderInfo{ID: "x", Name: "X", Endpoints: []ServerEndpoint{ep(IMAP, "imap.x.example", 993, ImplicitTLS, addr)}})
	b, _ = json.Marshal(Settings{Query: "x.example", Domain: "x.example", Provider: p})
	if strings.Contains(string(b), "evidence") {
		t.Errorf("JSON of a caller's provider has evidence: %s", b)
	}
}

// TestStoredBuiltinsRoundTrip: the stored form of the settings of every
// built-in domain (and of a tenant domain found by suffix) reads back to
// the same provider: the preference order by evidence is the one the
// stale check expects.
func TestStoredBuiltinsRoundTrip(t *testing.T) {
	domains := []string{"alice@contoso.onmicrosoft.com"}
	for d := range Domains() {
		domains = append(domains, "alice@"+d)
	}
	for _, in := range domains {
		s, _ := Lookup(in)
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var back Settings
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if back.Provider != s.Provider || back.Address() != s.Address() {
			t.Errorf("%s: read back as %v", in, back.Provider)
		}
	}
}
