package mailsettings

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/autodiscover"
)

// TestAutodiscoverLikeMox publishes the settings mox v0.0.15 answers for
// alice@example.test (testdata/mox, from a real mox) and compares the two
// answers element by element: the same Protocol blocks in the same order,
// the same values for the settings both write, and the same reading by
// Thunderbird's rule (by port). The differences are pinned, so that a
// change on either side shows:
//   - mox writes DirectoryPort and ReferralPort (0, fields of Exchange's
//     own EXCH/LDAP blocks that IMAP and SMTP clients do not read), and no
//     User block; mailsettings writes DomainRequired "off" and a User block
//     with the address;
//   - for implicit TLS, mox writes Encryption "TLS" and mailsettings "SSL":
//     Outlook's convention (automx's) reads "TLS" as STARTTLS and "SSL" as
//     implicit TLS, so only mailsettings' answer reads the same by port and
//     by Encryption.
func TestAutodiscoverLikeMox(t *testing.T) {
	moxDoc, err := os.ReadFile("testdata/mox/autodiscover-response.xml")
	if err != nil {
		t.Fatal(err)
	}
	mox, err := autodiscover.ParseResponse(moxDoc)
	if err != nil || mox.Kind != autodiscover.KindSettings {
		t.Fatalf("mox's answer: %v, kind %v", err, mox.Kind)
	}
	const addr = "alice@example.test"
	info := ProviderInfo{ID: "mox", Name: "mox", Domains: []string{"example.test"}}
	for _, pr := range mox.Protocols {
		if formOf(pr.LoginName, "alice", "example.test") != UsernameAddress {
			t.Fatalf("mox's %s login name %q", pr.Type, pr.LoginName)
		}
		enc := map[autodiscover.TLSMode]Encryption{autodiscover.ImplicitTLS: ImplicitTLS, autodiscover.STARTTLS: STARTTLS}[pr.TLS()]
		info.Endpoints = append(info.Endpoints, ServerEndpoint{Protocol: protocolNamed(pr.Type), Host: pr.Server, Port: uint16(pr.Port), Encryption: enc, Username: UsernameAddress})
	}
	p, err := NewProvider(info)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := p.MarshalAutodiscover(addr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := autodiscover.ParseResponse(ours)
	if err != nil || len(got.Protocols) != len(mox.Protocols) {
		t.Fatalf("our answer: %v, %d protocols, mox %d\n%s", err, len(got.Protocols), len(mox.Protocols), ours)
	}
	for k, m := range mox.Protocols {
		o := got.Protocols[k]
		if o.Type != m.Type || o.Server != m.Server || o.Port != m.Port || o.LoginName != m.LoginName ||
			o.SSL != m.SSL || o.SPA != m.SPA || o.AuthRequired != m.AuthRequired || o.TLS() != m.TLS() || o.WantsSPA() != m.WantsSPA() {
			t.Errorf("protocol %d: ours %+v, mox %+v", k, o, m)
		}
		if m.TLS() == autodiscover.ImplicitTLS && (m.Encryption != "TLS" || o.Encryption != "SSL") {
			t.Errorf("%s implicit TLS: Encryption ours %q, mox %q; want SSL, TLS (see the test's comment)", m.Type, o.Encryption, m.Encryption)
		}
	}

	// The elements, block by block.
	moxShape, ourShape := xmlShape(t, moxDoc), xmlShape(t, ours)
	onlyMox, onlyOurs := shapeDiff(moxShape, ourShape), shapeDiff(ourShape, moxShape)
	wantOnlyMox := []string{"Account/Protocol/DirectoryPort", "Account/Protocol/ReferralPort"}
	wantOnlyOurs := []string{"Account/Protocol/DomainRequired", "User", "User/AutoDiscoverSMTPAddress", "User/DisplayName"}
	if !slices.Equal(onlyMox, wantOnlyMox) || !slices.Equal(onlyOurs, wantOnlyOurs) {
		t.Errorf("elements only mox writes %q (want %q), only ours %q (want %q)", onlyMox, wantOnlyMox, onlyOurs, wantOnlyOurs)
	}
	// Apart from those, the same elements as often (the order inside a
	// block differs, which POX does not fix).
	drop := func(shape []string) []string {
		shape = slices.DeleteFunc(slices.Clone(shape), func(s string) bool {
			return slices.Contains(wantOnlyMox, s) || slices.Contains(wantOnlyOurs, s)
		})
		slices.Sort(shape)
		return shape
	}
	if a, b := drop(moxShape), drop(ourShape); !slices.Equal(a, b) {
		t.Errorf("elements differ beyond the pinned differences:\nmox  %q\nours %q", a, b)
	}
}

// xmlShape returns the path below Autodiscover/Response of every element
// of doc, in document order, with one entry per element.
func xmlShape(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var path, shape []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return shape
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			path = append(path, e.Name.Local)
			if len(path) > 2 {
				shape = append(shape, strings.Join(path[2:], "/"))
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}

// shapeDiff returns the element paths of a that b lacks, sorted, once each.
func shapeDiff(a, b []string) []string {
	var d []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(d, s) {
			d = append(d, s)
		}
	}
	slices.Sort(d)
	return d
}

// TestAutoconfigLikeMox: mox's autoconfig answer and ours for the same
// settings read back to the same endpoints.
func TestAutoconfigLikeMox(t *testing.T) {
	f, err := os.Open("testdata/mox/autoconfig.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mox, err := AutoconfigParser{}.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProvider(mox)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := p.MarshalAutoconfig()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := AutoconfigParser{}.Parse(bytes.NewReader(doc))
	if err != nil || !slices.Equal(ours.Endpoints, p.data().Endpoints) || len(ours.Endpoints) != 2 {
		t.Errorf("ours read back %v, %v; mox's %v", ours.Endpoints, err, p.data().Endpoints)
	}
}
