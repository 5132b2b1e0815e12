package mailsettings_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestEnumText(t *testing.T) {
	type textEnum interface {
		MarshalText() ([]byte, error)
		String() string
	}
	tests := []struct {
		v          textEnum
		text, name string
	}{
		{mailsettings.IMAP, "imap", "IMAP"},
		{mailsettings.POP3, "pop3", "POP3"},
		{mailsettings.SMTP, "smtp", "SMTP"},
		{mailsettings.ImplicitTLS, "tls", "implicit TLS"},
		{mailsettings.STARTTLS, "starttls", "STARTTLS"},
		{mailsettings.Plaintext, "plain", "plaintext"},
		{mailsettings.UsernameLocalPart, "%EMAILLOCALPART%", "%EMAILLOCALPART%"},
		{mailsettings.PasswordAuthCode, "authorization-code", "authorization-code"},
	}
	for _, tt := range tests {
		b, err := tt.v.MarshalText()
		if err != nil || string(b) != tt.text || tt.v.String() != tt.name {
			t.Errorf("%v: MarshalText = %q, %v; String = %q; want %q, %q", tt.v, b, err, tt.v.String(), tt.text, tt.name)
		}
	}
	// Zero and out-of-range values are invalid: they do not marshal, and
	// String names them without panicking.
	invalid := []textEnum{mailsettings.Protocol(0), mailsettings.Protocol(200), mailsettings.Encryption(0),
		mailsettings.Encryption(9), mailsettings.UsernameForm(0), mailsettings.PasswordKind(99)}
	for _, v := range invalid {
		if _, err := v.MarshalText(); err == nil {
			t.Errorf("%v: MarshalText succeeded", v)
		}
		if !strings.Contains(v.String(), "(") {
			t.Errorf("String() = %q, want a Type(N) form", v.String())
		}
	}
}

func TestEnumUnmarshal(t *testing.T) {
	var p mailsettings.Protocol
	if err := p.UnmarshalText([]byte("POP3")); err != nil || p != mailsettings.POP3 {
		t.Errorf("UnmarshalText(POP3) = %v, %v", p, err)
	}
	if err := p.UnmarshalText([]byte("imap4")); err == nil {
		t.Error("UnmarshalText(imap4) succeeded")
	}
	var e mailsettings.Encryption
	if err := e.UnmarshalText([]byte("StartTLS")); err != nil || e != mailsettings.STARTTLS {
		t.Errorf("UnmarshalText(StartTLS) = %v, %v", e, err)
	}
	if err := e.UnmarshalText([]byte("ssl")); err == nil {
		t.Error("UnmarshalText(ssl) succeeded: autoconfig spellings belong to the XML decoder")
	}
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
	if _, err := json.Marshal(mailsettings.ServerEndpoint{Protocol: 9, Host: "x.example", Port: 1}); err == nil {
		t.Error("an endpoint with an invalid protocol marshals")
	}
}

func TestEndpointValidate(t *testing.T) {
	good := mailsettings.ServerEndpoint{Protocol: mailsettings.IMAP, Host: "imap.example.com", Port: 993,
		Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%v) = %v", good, err)
	}
	bad := []func(*mailsettings.ServerEndpoint){
		func(e *mailsettings.ServerEndpoint) { e.Protocol = 0 },
		func(e *mailsettings.ServerEndpoint) { e.Encryption = 0 },
		func(e *mailsettings.ServerEndpoint) { e.Username = 0 },
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
