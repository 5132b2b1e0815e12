package mailsettings

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestParseAutoconfig(t *testing.T) {
	f, err := os.Open("testdata/autoconfig/example.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dropped []string
	info, err := AutoconfigParser{Dropped: func(e string, r error) { dropped = append(dropped, e+": "+r.Error()) }}.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "example.test" || info.Name != "Example Mail" || info.DocURL != "https://help.example.test/mail" {
		t.Errorf("identity = %q %q %q", info.ID, info.Name, info.DocURL)
	}
	if !slices.Equal(info.Domains, []string{"example.test", "example.org"}) {
		t.Errorf("domains = %v", info.Domains)
	}
	want := []ServerEndpoint{
		ep(IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress),
		ep(POP3, "pop.example.test", 110, STARTTLS, UsernameLocalPart),
		ep(SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress),
		ep(SMTP, "smtp.example.test", 587, STARTTLS, UsernameAddress), // username inherited from IMAP
	}
	if !slices.Equal(info.Endpoints, want) {
		t.Errorf("endpoints =\n%v\nwant\n%v", info.Endpoints, want)
	}
	if len(dropped) != 1 || !strings.Contains(dropped[0], "imap5") {
		t.Errorf("dropped = %q, want the imap5 entry only", dropped)
	}
	if info.OAuth2 == nil || info.OAuth2.Issuer != "auth.example.test" || !slices.Equal(info.OAuth2.Scopes, []string{"mail", "offline_access"}) {
		t.Errorf("oauth2 = %+v", info.OAuth2)
	}
	if info.SettingsURL != "https://mail.example.test/settings" || len(info.Notes) != 1 || info.Notes[0].Kind != NoteEnable {
		t.Errorf("enable = %q %+v", info.SettingsURL, info.Notes)
	}
	if info.Password != PasswordUnknown {
		t.Errorf("password = %v, want unknown (password and OAuth2 both listed)", info.Password)
	}
	if _, err := NewProvider(info); err != nil {
		t.Errorf("NewProvider(parsed) = %v", err)
	}
}

// doc builds a one-server document around the given server body.
func doc(server string) string {
	return `<clientConfig version="1.1"><emailProvider id="x.test"><domain>x.test</domain>` +
		`<incomingServer type="imap"><hostname>imap.x.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>` +
		server + `</emailProvider></clientConfig>`
}

func smtpDoc(host, port, socket, user string) string {
	return doc(fmt.Sprintf(`<outgoingServer type="smtp"><hostname>%s</hostname><port>%s</port><socketType>%s</socketType><username>%s</username></outgoingServer>`, host, port, socket, user))
}

func TestParseAutoconfigDropsBadEntries(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"port 0", smtpDoc("smtp.x.test", "0", "SSL", "%EMAILADDRESS%")},
		{"port -1", smtpDoc("smtp.x.test", "-1", "SSL", "%EMAILADDRESS%")},
		{"port 65536", smtpDoc("smtp.x.test", "65536", "SSL", "%EMAILADDRESS%")},
		{"port 993abc", smtpDoc("smtp.x.test", "993abc", "SSL", "%EMAILADDRESS%")},
		{"empty port", smtpDoc("smtp.x.test", "", "SSL", "%EMAILADDRESS%")},
		{"socket", smtpDoc("smtp.x.test", "465", "TLS1.3", "%EMAILADDRESS%")},
		{"username typo", smtpDoc("smtp.x.test", "465", "SSL", "%EMAILADDRESS")},
		{"literal username", smtpDoc("smtp.x.test", "465", "SSL", "alice")},
		{"IPv4 host", smtpDoc("127.0.0.1", "465", "SSL", "%EMAILADDRESS%")},
		{"metadata host", smtpDoc("169.254.169.254", "465", "SSL", "%EMAILADDRESS%")},
		{"IPv6 host", smtpDoc("[::1]", "465", "SSL", "%EMAILADDRESS%")},
		{"localhost", smtpDoc("localhost", "465", "SSL", "%EMAILADDRESS%")},
		{"space", smtpDoc("smtp x.test", "465", "SSL", "%EMAILADDRESS%")},
		{"tab", smtpDoc("smtp&#9;x.test", "465", "SSL", "%EMAILADDRESS%")},
		{"long", smtpDoc(strings.Repeat("a", 300)+".test", "465", "SSL", "%EMAILADDRESS%")},
		{"local part placeholder", smtpDoc("%EMAILLOCALPART%.x.test", "465", "SSL", "%EMAILADDRESS%")},
		{"host with port", smtpDoc("smtp.x.test:25", "465", "SSL", "%EMAILADDRESS%")},
		{"type on the wrong side", doc(`<outgoingServer type="imap"><hostname>smtp.x.test</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>`)},
		{"missing hostname", doc(`<outgoingServer type="smtp"><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			info, err := AutoconfigParser{Dropped: func(string, error) { n++ }}.Parse(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatalf("Parse error %v; want the IMAP entry kept", err)
			}
			if n != 1 || len(info.Endpoints) != 1 || info.Endpoints[0].Protocol != IMAP {
				t.Errorf("dropped %d entries, kept %v; want one dropped and only IMAP kept", n, info.Endpoints)
			}
		})
	}
}

func TestParseAutoconfigSubstitutesDomain(t *testing.T) {
	d := smtpDoc("smtp.%EMAILDOMAIN%", "465", "SSL", "%EMAILADDRESS%")
	info, err := AutoconfigParser{Domain: "corp.example"}.Parse(strings.NewReader(d))
	if err != nil || len(info.Endpoints) != 2 || info.Endpoints[1].Host != "smtp.corp.example" {
		t.Errorf("Parse = %v, %v; want smtp.corp.example", info.Endpoints, err)
	}
	// Without a domain the placeholder cannot be resolved and the entry goes.
	info, err = ParseAutoconfig(strings.NewReader(d))
	if err != nil || len(info.Endpoints) != 1 {
		t.Errorf("Parse without a domain = %v, %v", info.Endpoints, err)
	}
}

func TestParseAutoconfigRejectsDocuments(t *testing.T) {
	deep := "<clientConfig>" + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + "</clientConfig>"
	tests := []struct{ name, doc string }{
		{"empty", ""},
		{"not XML", "hello"},
		{"HTML", "<html><body>captive portal</body></html>"},
		{"truncated", doc("")[:120]},
		{"no provider", `<clientConfig version="1.1"></clientConfig>`},
		{"no usable server", `<clientConfig><emailProvider id="x"><domain>x.test</domain></emailProvider></clientConfig>`},
		{"deep", deep},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><clientConfig>&lol2;</clientConfig>`},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]><clientConfig><emailProvider id="&x;"/></clientConfig>`},
		{"NUL", smtpDoc("smtp.x.test&#0;", "465", "SSL", "%EMAILADDRESS%")},
		{"escape", smtpDoc("smtp&#27;[2J.x.test", "465", "SSL", "%EMAILADDRESS%")},
		{"big text", doc("<x>" + strings.Repeat("a", 10000) + "</x>")},
		{"ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + doc("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAutoconfig(strings.NewReader(tt.doc))
			if !errors.Is(err, ErrAutoconfig) {
				t.Errorf("Parse error = %v, want ErrAutoconfig", err)
			}
		})
	}
	// A body over 1 MiB is refused after reading at most 1 MiB + 1 byte.
	big := &countingReader{r: strings.NewReader(doc(strings.Repeat(" ", 5<<20)))}
	if _, err := ParseAutoconfig(big); !errors.Is(err, ErrAutoconfig) || big.n > maxAutoconfigSize+1 {
		t.Errorf("5 MiB document: err %v after reading %d bytes", err, big.n)
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzParseAutoconfig checks that the parser never panics and that what it
// returns is always a valid provider.
func FuzzParseAutoconfig(f *testing.F) {
	seed, err := os.ReadFile("testdata/autoconfig/example.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(smtpDoc("smtp.%EMAILDOMAIN%", "465", "SSL", "%EMAILLOCALPART%.%EMAILDOMAIN%")))
	f.Add([]byte(`<clientConfig><emailProvider id="a"><domain>例子.中国</domain></emailProvider></clientConfig>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := AutoconfigParser{Domain: "fuzz.example"}.Parse(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrAutoconfig) {
				t.Fatalf("error %v does not wrap ErrAutoconfig", err)
			}
			return
		}
		if info.Name == "" {
			info.Name = "unnamed"
		}
		if info.ID == "" {
			info.ID = "unnamed"
		}
		if _, err := NewProvider(info); err != nil {
			t.Fatalf("parsed provider is invalid: %v\n%q", err, b)
		}
	})
}
