package mailsettings_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// TestEnumCodes: the codes of Protocol, Encryption, UsernameForm and
// PasswordKind are their JSON forms; an endpoint's String names them in
// words, and names an invalid code without trusting it.
func TestEnumCodes(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{string(mailsettings.IMAP), "imap"}, {string(mailsettings.POP3), "pop3"}, {string(mailsettings.SMTP), "smtp"},
		{string(mailsettings.ImplicitTLS), "tls"}, {string(mailsettings.STARTTLS), "starttls"}, {string(mailsettings.Plaintext), "plain"},
		{string(mailsettings.UsernameLocalPart), "%EMAILLOCALPART%"}, {string(mailsettings.PasswordAuthCode), "authorization-code"},
	} {
		if tt.got != tt.want {
			t.Errorf("code %q, want %q", tt.got, tt.want)
		}
	}
	for e, want := range map[mailsettings.ServerEndpoint]string{
		{Protocol: mailsettings.IMAP, Host: "imap.qq.com", Port: 993, Encryption: mailsettings.ImplicitTLS}:     "IMAP imap.qq.com:993 implicit TLS",
		{Protocol: mailsettings.POP3, Host: "pop.qq.com", Port: 110, Encryption: mailsettings.STARTTLS}:         "POP3 pop.qq.com:110 STARTTLS",
		{Protocol: mailsettings.SMTP, Host: "smtp.qq.com", Port: 25, Encryption: mailsettings.Plaintext}:        "SMTP smtp.qq.com:25 plaintext",
		{Protocol: "imap4\x1b[2J", Host: "x.example", Port: 1, Encryption: "ssl"}:                               `invalid protocol "imap4\x1b[2J" x.example:1 invalid encryption "ssl"`,
		{Protocol: mailsettings.Protocol(strings.Repeat("p", 100)), Host: "x.example", Port: 1, Encryption: ""}: `invalid protocol "` + strings.Repeat("p", 30),
	} {
		if got := e.String(); !strings.HasPrefix(got, want) || strings.ContainsRune(got, 0x1b) {
			t.Errorf("String = %q, want %q", got, want)
		}
	}
}

// TestEndpointJSON: an endpoint's JSON uses the codes, reads back, and is
// refused for an invalid code; the zero endpoint is null.
func TestEndpointJSON(t *testing.T) {
	in := mailsettings.ServerEndpoint{Protocol: mailsettings.SMTP, Host: "smtp.example.com", Port: 465,
		Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameLocalPart}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"protocol":"smtp","host":"smtp.example.com","port":465,"encryption":"tls","username":"%EMAILLOCALPART%"}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var out mailsettings.ServerEndpoint
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip = %+v, %v", out, err)
	}
	// The zero endpoint is an unset optional field: null, and back.
	type holder struct {
		E mailsettings.ServerEndpoint `json:"e"`
	}
	b, err = json.Marshal(holder{})
	if err != nil || string(b) != `{"e":null}` {
		t.Errorf("zero ServerEndpoint = %s, %v", b, err)
	}
	out = in
	if err := json.Unmarshal([]byte(`null`), &out); err != nil || out != in {
		t.Errorf("null into a set endpoint = %+v, %v (want it unchanged, as encoding/json does for null)", out, err)
	}
	var h holder
	if err := json.Unmarshal(b, &h); err != nil || h.E != (mailsettings.ServerEndpoint{}) {
		t.Errorf("null = %+v, %v", h.E, err)
	}
	for _, bad := range []mailsettings.ServerEndpoint{
		{Protocol: "imap4", Host: "x.example", Port: 1, Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress},
		{Protocol: mailsettings.IMAP, Host: "x.example", Port: 1, Encryption: "ssl", Username: mailsettings.UsernameAddress},
		{Protocol: mailsettings.IMAP, Host: "x.example", Port: 1, Encryption: mailsettings.ImplicitTLS, Username: "%EMAIL%"},
	} {
		if _, err := json.Marshal(bad); err == nil {
			t.Errorf("%v marshals", bad)
		}
	}
}

func TestEndpointValidate(t *testing.T) {
	good := mailsettings.ServerEndpoint{Protocol: mailsettings.IMAP, Host: "imap.example.com", Port: 993,
		Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%v) = %v", good, err)
	}
	bad := []func(*mailsettings.ServerEndpoint){
		func(e *mailsettings.ServerEndpoint) { e.Protocol = "" },
		func(e *mailsettings.ServerEndpoint) { e.Protocol = "IMAP" },
		func(e *mailsettings.ServerEndpoint) { e.Encryption = "" },
		func(e *mailsettings.ServerEndpoint) { e.Encryption = "ssl" },
		func(e *mailsettings.ServerEndpoint) { e.Username = "" },
		func(e *mailsettings.ServerEndpoint) { e.Username = "alice" },
		func(e *mailsettings.ServerEndpoint) { e.Port = 0 },
		func(e *mailsettings.ServerEndpoint) { e.Host = "" },
		func(e *mailsettings.ServerEndpoint) { e.Host = "IMAP.example.com" },
		func(e *mailsettings.ServerEndpoint) { e.Host = "imap.example.com." },
		func(e *mailsettings.ServerEndpoint) { e.Host = "imap example.com" },
		func(e *mailsettings.ServerEndpoint) { e.Host = "10.0.0.1" },
		func(e *mailsettings.ServerEndpoint) { e.Host = "xn--zz.example" },
		func(e *mailsettings.ServerEndpoint) { e.Host = "imap.\x00.example" },
	}
	for i, mut := range bad {
		e := good
		mut(&e)
		if err := e.Validate(); err == nil {
			t.Errorf("case %d: Validate(%+v) = nil", i, e)
		}
	}
}
