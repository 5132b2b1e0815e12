package mobileconfig

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/plisttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var profiles = map[string]Profile{
	"imap-address": {
		Domain:           "example.com",
		EmailAddress:     "alice@example.com",
		AccountName:      "Alice Example",
		Description:      "Example Mail & <Co>",
		Organization:     "Example Ltd.",
		IncomingProtocol: IMAP,
		Incoming:         Server{Host: "imap.example.com", Port: 993, TLS: ImplicitTLS, Username: "alice@example.com"},
		Outgoing:         Server{Host: "smtp.example.com", Port: 465, TLS: ImplicitTLS, Username: "alice@example.com"},
	},
	"pop3-starttls-any-user": {
		Domain:           "xn--bcher-kva.example",
		IncomingProtocol: POP3,
		Incoming:         Server{Host: "pop.xn--bcher-kva.example", Port: 110, TLS: STARTTLS},
		Outgoing:         Server{Host: "mail.xn--bcher-kva.example", Port: 587, TLS: STARTTLS},
	},
}

func marshal(t *testing.T, p Profile) []byte {
	t.Helper()
	b, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMarshalGolden(t *testing.T) {
	for name, p := range profiles {
		got := marshal(t, p)
		path := filepath.Join("testdata", name+".golden.mobileconfig")
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
			t.Errorf("%s:\n%s\nwant\n%s", name, got, want)
		}
		if !bytes.Equal(marshal(t, p), got) {
			t.Errorf("%s: not deterministic", name)
		}
	}
}

// expected is the property list Marshal should write for p.
func expected(p Profile) map[string]any {
	desc := p.Description
	if desc == "" {
		desc = p.Domain
	}
	typ := "EmailTypeIMAP"
	if p.IncomingProtocol == POP3 {
		typ = "EmailTypePOP"
	}
	mail := map[string]any{
		"EmailAccountDescription":                desc,
		"EmailAccountType":                       typ,
		"IncomingMailServerAuthentication":       "EmailAuthPassword",
		"IncomingMailServerHostName":             p.Incoming.Host,
		"IncomingMailServerPortNumber":           int64(p.Incoming.Port),
		"IncomingMailServerUseSSL":               true,
		"OutgoingMailServerAuthentication":       "EmailAuthPassword",
		"OutgoingMailServerHostName":             p.Outgoing.Host,
		"OutgoingMailServerPortNumber":           int64(p.Outgoing.Port),
		"OutgoingMailServerUseSSL":               true,
		"OutgoingPasswordSameAsIncomingPassword": true,
		"PayloadDescription":                     "Configures the mail account.",
		"PayloadDisplayName":                     desc,
		"PayloadIdentifier":                      Identifier(p.Domain) + ".account",
		"PayloadType":                            "com.apple.mail.managed",
		"PayloadUUID":                            UUID(p.Domain, "mail"),
		"PayloadVersion":                         int64(1),
	}
	for k, v := range map[string]string{
		"EmailAccountName": p.AccountName, "EmailAddress": p.EmailAddress,
		"IncomingMailServerUsername": p.Incoming.Username, "OutgoingMailServerUsername": p.Outgoing.Username,
	} {
		if v != "" {
			mail[k] = v
		}
	}
	top := map[string]any{
		"PayloadContent":           []any{mail},
		"PayloadDescription":       "Sets up the mail account for " + p.Domain + ".",
		"PayloadDisplayName":       desc,
		"PayloadIdentifier":        Identifier(p.Domain),
		"PayloadRemovalDisallowed": false,
		"PayloadType":              "Configuration",
		"PayloadUUID":              UUID(p.Domain, "profile"),
		"PayloadVersion":           int64(1),
	}
	if p.Organization != "" {
		top["PayloadOrganization"] = p.Organization
	}
	return top
}

func TestRoundTrip(t *testing.T) {
	for name, p := range profiles {
		got, err := plisttest.Read(marshal(t, p))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := expected(p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", name, got, want)
		}
		// No password is ever written.
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if strings.Contains(strings.ToLower(k), "password") && k != "OutgoingPasswordSameAsIncomingPassword" {
						t.Errorf("%s: key %q", name, k)
					}
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(got)
	}
}

// TestPythonPlistlib reads every profile with Python's plistlib, a
// property list parser written independently of this package, and checks
// that it sees the same values as plisttest.Read.
func TestPythonPlistlib(t *testing.T) {
	var docs [][]byte
	var parsed []any
	for name, p := range profiles {
		b := marshal(t, p)
		v, err := plisttest.Read(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs, parsed = append(docs, b), append(parsed, v)
	}
	plisttest.ComparePlistlib(t, docs, parsed)
}

func TestUUIDNamespace(t *testing.T) {
	// RFC 9562 §6.6: the URL namespace.
	urlNS, _ := parseUUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
	h := sha1.New()
	h.Write(urlNS[:])
	h.Write([]byte("https://github.com/mailsettings/mailsettings/internal/mobileconfig"))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	if got := formatUUID(u); got != uuidNamespace {
		t.Errorf("namespace = %s, want %s", got, uuidNamespace)
	}
	// Independent values, from Python: uuid.uuid5(ns, "profile:example.com").
	for role, want := range map[string]string{
		"profile": "7346D334-2CAD-582A-B216-A38DEC715FCB",
		"mail":    "3B50418F-51D7-578C-822E-D98DC92F80D9",
	} {
		if got := UUID("example.com", role); got != want {
			t.Errorf("UUID(example.com, %s) = %s, want %s", role, got, want)
		}
	}
	if UUID("example.com", "mail") == UUID("example.net", "mail") {
		t.Error("two domains share a UUID")
	}
	if id := Identifier("mail.example.co.uk"); id != "uk.co.example.mail.mailsettings.email" {
		t.Errorf("Identifier = %q", id)
	}
}

func TestMarshalRefuses(t *testing.T) {
	base := profiles["imap-address"]
	with := func(f func(*Profile)) Profile {
		p := base
		f(&p)
		return p
	}
	cases := map[string]Profile{
		"no domain":                  with(func(p *Profile) { p.Domain = "" }),
		"upper-case domain":          with(func(p *Profile) { p.Domain = "Example.com" }),
		"no protocol":                with(func(p *Profile) { p.IncomingProtocol = 0 }),
		"plaintext incoming":         with(func(p *Profile) { p.Incoming = Server{Host: "imap.example.com", Port: 143, TLS: Plaintext} }),
		"plaintext outgoing":         with(func(p *Profile) { p.Outgoing = Server{Host: "smtp.example.com", Port: 25, TLS: Plaintext} }),
		"no TLS mode":                with(func(p *Profile) { p.Incoming.TLS = 0 }),
		"implicit TLS on 8993":       with(func(p *Profile) { p.Incoming.Port = 8993 }),
		"implicit TLS on 587":        with(func(p *Profile) { p.Outgoing.Port = 587 }),
		"STARTTLS on 993":            with(func(p *Profile) { p.Incoming.TLS = STARTTLS }),
		"STARTTLS on 2525":           with(func(p *Profile) { p.Outgoing = Server{Host: "smtp.example.com", Port: 2525, TLS: STARTTLS} }),
		"POP3 on the IMAP port":      with(func(p *Profile) { p.IncomingProtocol = POP3 }),
		"IP host":                    with(func(p *Profile) { p.Incoming.Host = "192.0.2.1" }),
		"host with port":             with(func(p *Profile) { p.Outgoing.Host = "smtp.example.com:465" }),
		"port 0":                     with(func(p *Profile) { p.Outgoing.Port = 0 }),
		"bad address":                with(func(p *Profile) { p.EmailAddress = "alice" }),
		"upper-case address domain":  with(func(p *Profile) { p.EmailAddress = "alice@Example.com" }),
		"bidi in the name":           with(func(p *Profile) { p.AccountName = "Al\u202eice" }),
		"newline in the description": with(func(p *Profile) { p.Description = "a\nb" }),
		"noncharacter":               with(func(p *Profile) { p.Organization = "a\uFFFEb" }),
		"long username":              with(func(p *Profile) { p.Incoming.Username = strings.Repeat("u", 300) }),
	}
	for name, p := range cases {
		if b, err := Marshal(p); !errors.Is(err, ErrUnpublishable) {
			t.Errorf("%s: %.80s, %v, want ErrUnpublishable", name, b, err)
		}
	}
}

type fakeSigner struct {
	got []byte
	out []byte
	err error
}

func (s *fakeSigner) Sign(unsigned []byte) ([]byte, error) {
	s.got = append([]byte(nil), unsigned...)
	return s.out, s.err
}

func TestMarshalSigned(t *testing.T) {
	p := profiles["imap-address"]
	s := &fakeSigner{out: []byte("signed")}
	b, err := MarshalSigned(p, s)
	if err != nil || string(b) != "signed" || !bytes.Equal(s.got, marshal(t, p)) {
		t.Errorf("MarshalSigned = %q, %v; signer got %d bytes", b, err, len(s.got))
	}
	boom := errors.New("no key")
	if _, err := MarshalSigned(p, &fakeSigner{err: boom}); !errors.Is(err, ErrSign) || !errors.Is(err, boom) {
		t.Errorf("failing signer: %v", err)
	}
	if _, err := MarshalSigned(p, &fakeSigner{}); !errors.Is(err, ErrSign) {
		t.Errorf("empty signature: %v", err)
	}
	if _, err := MarshalSigned(p, nil); !errors.Is(err, ErrSign) {
		t.Errorf("nil signer: %v", err)
	}
	s = &fakeSigner{out: []byte("x")}
	if _, err := MarshalSigned(Profile{}, s); !errors.Is(err, ErrUnpublishable) || s.got != nil {
		t.Errorf("invalid profile: %v, signer called %v", err, s.got != nil)
	}
}
