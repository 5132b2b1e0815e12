package autodiscover

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s\nwant\n%s", name, got, want)
	}
}

var sampleSettings = Settings{
	EmailAddress: "alice@example.com",
	DisplayName:  "Example <Mail> & Co",
	Servers: []Server{
		{Type: "IMAP", Host: "imap.example.com", Port: 993, TLS: ImplicitTLS},
		{Type: "IMAP", Host: "imap.example.com", Port: 143, TLS: STARTTLS},
		{Type: "POP3", Host: "pop.example.com", Port: 995, TLS: ImplicitTLS, LoginName: "alice"},
		{Type: "SMTP", Host: "smtp.example.com", Port: 465, TLS: ImplicitTLS},
		{Type: "SMTP", Host: "smtp.example.com", Port: 587, TLS: STARTTLS},
	},
}

func TestMarshalGolden(t *testing.T) {
	b, err := MarshalResponse(sampleSettings)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "response.golden.xml", b)
	golden(t, "error.golden.xml", MarshalError("600", "Invalid Request"))
	golden(t, "request.golden.xml", Request("alice@example.com"))
}

func TestMarshalRoundTrip(t *testing.T) {
	b, err := MarshalResponse(sampleSettings)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindSettings || r.DisplayName != sampleSettings.DisplayName || len(r.Protocols) != len(sampleSettings.Servers) {
		t.Fatalf("read back %+v", r)
	}
	for i, p := range r.Protocols {
		s := sampleSettings.Servers[i]
		login := s.LoginName
		if login == "" {
			login = sampleSettings.EmailAddress
		}
		got := Server{Type: p.Type, Host: p.Server, Port: p.Port, TLS: p.TLS(), LoginName: p.LoginName}
		if want := (Server{s.Type, s.Host, s.Port, s.TLS, login}); got != want {
			t.Errorf("Protocol %d reads back as %+v, want %+v", i, got, want)
		}
		if p.WantsSPA() {
			t.Errorf("Protocol %d asks for SPA", i)
		}
	}
	// Every mode and port pairing the writer accepts reads back the same.
	for _, port := range []int{25, 110, 143, 465, 587, 993, 995, 2525, 8993} {
		for _, mode := range []TLSMode{ImplicitTLS, STARTTLS} {
			s := Settings{EmailAddress: "a@example.com", Servers: []Server{{Type: "SMTP", Host: "mail.example.com", Port: port, TLS: mode}}}
			b, err := MarshalResponse(s)
			if err != nil {
				if !errors.Is(err, ErrUnpublishable) {
					t.Errorf("port %d %v: %v", port, mode, err)
				}
				continue
			}
			r, err := ParseResponse(b)
			if err != nil || len(r.Protocols) != 1 || r.Protocols[0].TLS() != mode {
				t.Errorf("port %d %v: read back %+v, %v", port, mode, r, err)
			}
		}
	}
	r, err = ParseResponse(MarshalError("500", "The e-mail address cannot be found."))
	if err != nil || r.Kind != KindError || r.ErrorCode != "500" || r.ErrorMessage != "The e-mail address cannot be found." {
		t.Errorf("error response reads back as %+v, %v", r, err)
	}
}

func TestMarshalRefuses(t *testing.T) {
	srv := func(typ, host string, port int, mode TLSMode) Settings {
		return Settings{EmailAddress: "alice@example.com", Servers: []Server{{Type: typ, Host: host, Port: port, TLS: mode}}}
	}
	cases := map[string]Settings{
		"plaintext":                 srv("IMAP", "imap.example.com", 143, Plaintext),
		"no mode":                   srv("IMAP", "imap.example.com", 993, 0),
		"STARTTLS on 2525":          srv("SMTP", "smtp.example.com", 2525, STARTTLS),
		"STARTTLS on 993":           srv("IMAP", "imap.example.com", 993, STARTTLS),
		"implicit TLS on 587":       srv("SMTP", "smtp.example.com", 587, ImplicitTLS),
		"implicit TLS on 143":       srv("IMAP", "imap.example.com", 143, ImplicitTLS),
		"unknown type":              srv("EXCH", "mbx.example.com", 443, ImplicitTLS),
		"lower-case type":           srv("imap", "imap.example.com", 993, ImplicitTLS),
		"upper-case host":           srv("IMAP", "IMAP.example.com", 993, ImplicitTLS),
		"IP host":                   srv("IMAP", "192.0.2.1", 993, ImplicitTLS),
		"host with port":            srv("IMAP", "imap.example.com:993", 993, ImplicitTLS),
		"port 0":                    srv("IMAP", "imap.example.com", 0, ImplicitTLS),
		"port 70000":                srv("IMAP", "imap.example.com", 70000, ImplicitTLS),
		"no servers":                {EmailAddress: "alice@example.com"},
		"bad address":               {EmailAddress: "alice", Servers: srv("IMAP", "imap.example.com", 993, ImplicitTLS).Servers},
		"bidi in display name":      {EmailAddress: "alice@example.com", DisplayName: "a\u202eb", Servers: srv("IMAP", "imap.example.com", 993, ImplicitTLS).Servers},
		"newline in the login name": {EmailAddress: "alice@example.com", Servers: []Server{{"IMAP", "imap.example.com", 993, ImplicitTLS, "a\nb"}}},
	}
	for name, s := range cases {
		if b, err := MarshalResponse(s); !errors.Is(err, ErrUnpublishable) {
			t.Errorf("%s: %s, %v, want ErrUnpublishable", name, b, err)
		}
	}
	if b := MarshalError("5\x0000", "bad\u202e <x>"); !bytes.Contains(b, []byte("bad &lt;x&gt;")) || bytes.Contains(b, []byte("\u202e")) {
		t.Errorf("MarshalError did not clean its text: %s", b)
	}
}

func TestRequest(t *testing.T) {
	b := Request("alice@example.com")
	for _, want := range []string{RequestSchema, ResponseSchema, "<EMailAddress>alice@example.com</EMailAddress>"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("request lacks %q:\n%s", want, b)
		}
	}
	if got, err := ParseRequest(b); err != nil || got != "alice@example.com" {
		t.Errorf("ParseRequest(Request) = %q, %v", got, err)
	}
	hostile := Request(`x</EMailAddress><EMailAddress>evil@attacker.test`)
	if bytes.Count(hostile, []byte("<EMailAddress>")) != 1 {
		t.Errorf("address not escaped:\n%s", hostile)
	}
}

func TestParseRequest(t *testing.T) {
	// As Thunderbird sends it (ExchangeAutoDiscover.sys.mjs), indented.
	tb := `<?xml version="1.0" encoding="utf-8"?>
    <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
      <Request>
        <EMailAddress>Bob@Example.ORG</EMailAddress>
        <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
      </Request>
    </Autodiscover>`
	if got, err := ParseRequest([]byte(tb)); err != nil || got != "Bob@example.org" {
		t.Errorf("Thunderbird request: %q, %v", got, err)
	}
	req := func(email, schema string) []byte {
		return []byte(`<Autodiscover><Request><EMailAddress>` + email + `</EMailAddress><AcceptableResponseSchema>` +
			schema + `</AcceptableResponseSchema></Request></Autodiscover>`)
	}
	bad := map[string][]byte{
		"mobilesync schema": req("a@example.com", "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"),
		"no schema":         []byte(`<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress></Request></Autodiscover>`),
		"no address":        req("", ResponseSchema),
		"not an address":    req("alice", ResponseSchema),
		"address at an IP":  req("a@192.0.2.1", ResponseSchema),
		"two addresses":     []byte(`<Autodiscover><Request><EMailAddress>a@example.com</EMailAddress><EMailAddress>b@example.com</EMailAddress><AcceptableResponseSchema>` + ResponseSchema + `</AcceptableResponseSchema></Request></Autodiscover>`),
		"DOCTYPE":           append([]byte(`<!DOCTYPE x [<!ENTITY e "a@example.com">]>`), req("&e;", ResponseSchema)...),
		"wrong root":        []byte(`<Request><EMailAddress>a@example.com</EMailAddress></Request>`),
		"too large":         append(req("a@example.com", ResponseSchema), bytes.Repeat([]byte(" "), MaxRequestSize)...),
		"too deep":          []byte("<Autodiscover>" + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + "</Autodiscover>"),
		"malformed":         []byte(`<Autodiscover><Request>`),
		"empty":             nil,
	}
	for name, body := range bad {
		if got, err := ParseRequest(body); !errors.Is(err, ErrRequest) {
			t.Errorf("%s: %q, %v, want ErrRequest", name, got, err)
		}
	}
	if _, err := ParseRequest(bad["mobilesync schema"]); !errors.Is(err, ErrSchema) {
		t.Errorf("mobilesync schema: %v, want ErrSchema", err)
	}
}
