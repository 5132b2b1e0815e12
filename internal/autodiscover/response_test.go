package autodiscover

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseResponseFixtures(t *testing.T) {
	cases := map[string]Response{
		"exchange.xml": {
			Kind:        KindSettings,
			DisplayName: "Alice Example",
			Protocols: []Protocol{
				{Type: "IMAP", Server: "imap.example.com", Port: 993, LoginName: "alice@example.com", SSL: "on", SPA: "off", DomainRequired: "off", AuthRequired: "on"},
				{Type: "POP3", Server: "pop.example.com", Port: 995, SSL: "on", Encryption: "SSL"},
				{Type: "SMTP", Server: "smtp.example.com", Port: 587, LoginName: "alice@example.com", Encryption: "TLS", SPA: "off", DomainRequired: "off", AuthRequired: "on"},
			},
			OtherTypes: []string{"EXCH", "EXPR", "WEB"},
		},
		"mox.xml": {
			Kind: KindSettings,
			Protocols: []Protocol{
				{Type: "IMAP", Server: "mail.mox.example", Port: 993, LoginName: "mjl@mox.example", SSL: "on", Encryption: "TLS", SPA: "off", AuthRequired: "on"},
				{Type: "SMTP", Server: "mail.mox.example", Port: 587, LoginName: "mjl@mox.example", SSL: "on", SPA: "off", AuthRequired: "on"},
			},
		},
		"automx.xml": {
			Kind:        KindSettings,
			DisplayName: "Example Mail",
			Protocols: []Protocol{
				{Type: "IMAP", Server: "mail.example.org", Port: 143, LoginName: "bob@example.org", Encryption: "TLS", SPA: "off", DomainRequired: "off", AuthRequired: "on"},
				{Type: "SMTP", Server: "mail.example.org", Port: 465, LoginName: "bob@example.org", Encryption: "SSL", SPA: "off", DomainRequired: "off", AuthRequired: "on"},
			},
		},
		"redirect-url.xml":  {Kind: KindRedirectURL, RedirectURL: "https://autodiscover-s.example.com/autodiscover/autodiscover.xml"},
		"redirect-addr.xml": {Kind: KindRedirectAddr, RedirectAddr: "alice@corp.example.com"},
		"error.xml":         {Kind: KindError, ErrorCode: "500", ErrorMessage: "The e-mail address cannot be found."},
		"prefixed.xml": {Kind: KindSettings, Protocols: []Protocol{
			{Type: "IMAP", Server: "imap.example.net", Port: 993, SSL: "ON"},
		}},
	}
	for name, want := range cases {
		got, err := ParseResponse(fixture(t, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
}

// The readings of each fixture, as Thunderbird's port rule gives them.
func TestFixtureEncryption(t *testing.T) {
	want := map[string][]TLSMode{
		"exchange.xml": {ImplicitTLS, ImplicitTLS, STARTTLS},
		"mox.xml":      {ImplicitTLS, STARTTLS},
		"automx.xml":   {STARTTLS, ImplicitTLS},
	}
	for name, modes := range want {
		r, _ := ParseResponse(fixture(t, name))
		var got []TLSMode
		for _, p := range r.Protocols {
			got = append(got, p.TLS())
		}
		if !reflect.DeepEqual(got, modes) {
			t.Errorf("%s: %v, want %v", name, got, modes)
		}
	}
}

func TestEncryptionSpellings(t *testing.T) {
	cases := []struct {
		ssl, enc string
		port     int
		want     TLSMode
	}{
		{"on", "SSL", 993, ImplicitTLS},
		{"on", "TLS", 993, ImplicitTLS}, // mox's spelling of implicit TLS
		{"on", "TLS", 587, STARTTLS},    // automx's and Outlook's spelling of STARTTLS
		{"on", "TLS", 143, STARTTLS},
		{"on", "SSL", 587, STARTTLS}, // the port decides, as in Thunderbird
		{"on", "SSL", 110, STARTTLS},
		{"on", "Auto", 143, STARTTLS},
		{"on", "Auto", 465, ImplicitTLS},
		{"on", "", 25, STARTTLS},
		{"", "", 995, ImplicitTLS}, // SSL absent means on
		{"", "", 110, STARTTLS},
		{"", "", 2525, ImplicitTLS}, // any other port: implicit TLS
		{"", "", 8993, ImplicitTLS},
		{"on", "bogus", 993, ImplicitTLS},
		{"off", "", 993, Plaintext},
		{"OFF", "SSL", 993, Plaintext},
		{"Off", "", 143, Plaintext},
		{"on", "None", 993, Plaintext},
		{"on", "none", 465, Plaintext},
		{"", "NONE", 587, Plaintext},
	}
	for _, c := range cases {
		p := Protocol{Type: "IMAP", Server: "imap.example.com", Port: c.port, SSL: c.ssl, Encryption: c.enc}
		if got := p.TLS(); got != c.want {
			t.Errorf("SSL=%q Encryption=%q port %d: %v, want %v", c.ssl, c.enc, c.port, got, c.want)
		}
	}
	for spa, want := range map[string]bool{"": true, "on": true, "On": true, "off": false, "OFF": false} {
		if got := (Protocol{SPA: spa}).WantsSPA(); got != want {
			t.Errorf("SPA=%q: WantsSPA %v, want %v", spa, got, want)
		}
	}
	if s := TLSMode(9).String(); s != "Mode(9)" {
		t.Errorf("String = %q", s)
	}
}

// settings wraps protocol XML in a settings response.
func settings(inner string) []byte {
	return []byte(`<?xml version="1.0"?><Autodiscover xmlns="` + RootResponseSchema + `"><Response xmlns="` + ResponseSchema +
		`"><Account><AccountType>email</AccountType><Action>settings</Action>` + inner + `</Account></Response></Autodiscover>`)
}

func proto(typ, server, port string) string {
	return "<Protocol><Type>" + typ + "</Type><Server>" + server + "</Server><Port>" + port + "</Port></Protocol>"
}

func TestParseResponseDropsBadProtocols(t *testing.T) {
	var dropped []string
	p := Parser{Dropped: func(what string, reason error) { dropped = append(dropped, what+": "+reason.Error()) }}
	bad := []struct{ server, port, reason string }{
		{"192.0.2.1", "993", "IP address"},
		{"[::1]", "993", "IP address"},
		{"imap.example.com:993", "993", "port"},
		{"localhost", "993", "single-label"},
		{"imap.exa mple.com", "993", "space"},
		{"", "993", "empty"},
		{"imap.example.com", "993abc", "Port"},
		{"imap.example.com", "0", "Port"},
		{"imap.example.com", "65536", "Port"},
		{"imap.example.com", "-1", "Port"},
		{"imap.example.com", "", "Port"},
	}
	var inner strings.Builder
	for _, b := range bad {
		inner.WriteString(proto("IMAP", b.server, b.port))
	}
	inner.WriteString(proto("IMAP", "imap.example.com", "993"))
	inner.WriteString(proto("IMAP", "imap.example.com", "993")) // a duplicate
	r, err := p.ParseResponse(settings(inner.String()))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Protocol{{Type: "IMAP", Server: "imap.example.com", Port: 993}}; !reflect.DeepEqual(r.Protocols, want) {
		t.Errorf("Protocols = %+v", r.Protocols)
	}
	if len(dropped) != len(bad) {
		t.Fatalf("dropped %d, want %d: %q", len(dropped), len(bad), dropped)
	}
	for i, b := range bad {
		if !strings.Contains(dropped[i], b.reason) {
			t.Errorf("dropped[%d] = %q, want a reason about %q", i, dropped[i], b.reason)
		}
	}
}

func TestParseResponseSanitizes(t *testing.T) {
	body := []byte(`<Autodiscover><Response><User><DisplayName>Evil&#x202E;lieve &#x85;[2J` + strings.Repeat("x", 400) +
		`</DisplayName></User><Account><Action>settings</Action><Protocol><Type>IMAP</Type><Server>imap.example.com</Server>` +
		`<Port>993</Port><LoginName>bob&#x200F;&#x85;@example.com</LoginName><SSL>on&#x2066;</SSL></Protocol></Account></Response></Autodiscover>`)
	r, err := ParseResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.DisplayName, "Evil lieve [2J") || len(r.DisplayName) > maxDisplayName {
		t.Errorf("DisplayName = %q", r.DisplayName)
	}
	if p := r.Protocols[0]; p.LoginName != "bob @example.com" || p.SSL != "on" {
		t.Errorf("Protocol = %+v", p)
	}
}

func TestParseResponseMisc(t *testing.T) {
	// Only the first Account is read.
	r, err := ParseResponse([]byte(`<Autodiscover><Response><Account><Action>settings</Action>` + proto("IMAP", "a.example.com", "993") +
		`</Account><Account><Action>redirectAddr</Action><RedirectAddr>x@evil.test</RedirectAddr>` + proto("IMAP", "evil.test", "993") +
		`</Account></Response></Autodiscover>`))
	if err != nil || r.Kind != KindSettings || len(r.Protocols) != 1 || r.Protocols[0].Server != "a.example.com" {
		t.Errorf("two Accounts: %+v, %v", r, err)
	}
	// Without Action, the content decides.
	r, err = ParseResponse([]byte(`<Autodiscover><Response><Account><RedirectUrl>https://x.example.com/a</RedirectUrl></Account></Response></Autodiscover>`))
	if err != nil || r.Kind != KindRedirectURL {
		t.Errorf("RedirectUrl without Action: %+v, %v", r, err)
	}
	// An Exchange server without IMAP: settings, with the other types named.
	r, err = ParseResponse(settings("<Protocol><Type>EXCH</Type><Server>mbx.example.com</Server></Protocol>"))
	if err != nil || r.Kind != KindSettings || len(r.Protocols) != 0 || !reflect.DeepEqual(r.OtherTypes, []string{"EXCH"}) {
		t.Errorf("EXCH only: %+v, %v", r, err)
	}
	// More than MaxProtocols: the rest are not read.
	var dropped int
	var many strings.Builder
	for i := range MaxProtocols + 10 {
		many.WriteString(proto("IMAP", fmt.Sprintf("h%d.example.com", i), "993"))
	}
	r, err = Parser{Dropped: func(string, error) { dropped++ }}.ParseResponse(settings(many.String()))
	if err != nil || len(r.Protocols) != MaxProtocols || dropped != 1 {
		t.Errorf("many: %d protocols, %d dropped, %v", len(r.Protocols), dropped, err)
	}
}

func TestParseResponseRefuses(t *testing.T) {
	deep := func(n int) []byte {
		return []byte("<Autodiscover>" + strings.Repeat("<a>", n-1) + strings.Repeat("</a>", n-1) + "</Autodiscover>")
	}
	// Depth MaxDepth is read (and found to hold nothing).
	if _, err := ParseResponse(deep(MaxDepth)); err == nil || strings.Contains(err.Error(), "deeper") {
		t.Errorf("depth %d: %v, want the no-settings error", MaxDepth, err)
	}
	cases := map[string][]byte{
		"DOCTYPE": []byte(`<?xml version="1.0"?><!DOCTYPE Autodiscover [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
			`<Autodiscover><Response><User><DisplayName>&b;</DisplayName></User></Response></Autodiscover>`),
		"external entity": []byte(`<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Autodiscover>&xxe;</Autodiscover>`),
		"undeclared entity": []byte(`<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>IMAP</Type>` +
			`<Server>&host;</Server><Port>993</Port></Protocol></Account></Response></Autodiscover>`),
		"too deep":          deep(MaxDepth + 1),
		"very deep":         []byte("<Autodiscover>" + strings.Repeat("<a>", 400_000)),
		"too large":         append(settings(proto("IMAP", "imap.example.com", "993")), make([]byte, MaxBodySize)...),
		"long text":         settings("<Protocol><Type>IMAP</Type><Server>" + strings.Repeat("a", MaxText+1) + "</Server></Protocol>"),
		"HTML page":         []byte(`<html><body>Autodiscover</body></html>`),
		"not XML":           []byte(`{"Protocol":"IMAP"}`),
		"empty":             nil,
		"unclosed":          []byte(`<Autodiscover><Response>`),
		"mismatched":        []byte(`<Autodiscover><Response></Account></Autodiscover>`),
		"two roots":         []byte(`<Autodiscover></Autodiscover><Autodiscover></Autodiscover>`),
		"NUL character":     []byte(`<Autodiscover><Response><User><DisplayName>a&#x0;b</DisplayName></User></Response></Autodiscover>`),
		"ESC character":     []byte("<Autodiscover><Response><User><DisplayName>a\x1bb</DisplayName></User></Response></Autodiscover>"),
		"redirect, no URL":  []byte(`<Autodiscover><Response><Account><Action>redirectUrl</Action></Account></Response></Autodiscover>`),
		"redirect, no addr": []byte(`<Autodiscover><Response><Account><Action>redirectAddr</Action></Account></Response></Autodiscover>`),
		"nothing":           []byte(`<Autodiscover><Response><Account></Account></Response></Autodiscover>`),
	}
	cases["unknown action"] = []byte(`<Autodiscover><Response><Account><Action>mobileSync</Action></Account></Response></Autodiscover>`)
	for name, body := range cases {
		start := time.Now()
		r, err := ParseResponse(body)
		if !errors.Is(err, ErrResponse) {
			t.Errorf("%s: %+v, %v, want ErrResponse", name, r, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}
