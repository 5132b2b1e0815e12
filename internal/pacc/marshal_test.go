package pacc

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMarshalVector(t *testing.T) {
	got, err := Marshal(vectorConfig)
	if err != nil {
		t.Fatal(err)
	}
	if want := readVector(t); !bytes.Equal(got, want) {
		t.Errorf("Marshal(vector config) =\n%s\nwant the published bytes\n%s", got, want)
	}
	if txt := TXTRecord(got); txt != vectorTXT {
		t.Errorf("TXTRecord = %q, want %q", txt, vectorTXT)
	}
}

// goldenConfigs are written to testdata/NAME.golden.json.
var goldenConfigs = map[string]Config{
	"oauth-only": {
		IMAP:             []Server{{"imap.mail.example.test", 143, STARTTLS}, {"imap.mail.example.test", 993, ImplicitTLS}},
		Submit:           []Server{{"smtp.mail.example.test", 587, STARTTLS}, {"smtp.mail.example.test", 465, ImplicitTLS}},
		Password:         PasswordNo,
		OAuthIssuer:      "https://login.example.test",
		ProviderName:     "Mail & More <Example>",
		DocumentationURL: "https://help.example.test/setup?lang=en&x=1",
		CardDAV:          "https://dav.example.test/addressbooks/",
		CalDAV:           "https://dav.example.test/calendars/",
	},
	"unicode": {
		POP3:              []Server{{"pop.xn--bcher-kva.example", 995, ImplicitTLS}},
		Password:          PasswordYes,
		ProviderName:      "Bücher Post 書信",
		ProviderShortName: "Bücher",
	},
}

func TestMarshalGolden(t *testing.T) {
	for name, c := range goldenConfigs {
		got, err := Marshal(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join("testdata", name+".golden.json")
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
			t.Errorf("%s: Marshal =\n%s\nwant\n%s", name, got, want)
		}
		if again, _ := Marshal(c); !bytes.Equal(again, got) {
			t.Errorf("%s: Marshal is not deterministic", name)
		}
	}
}

// published is what Parse gives back for c: the servers Marshal chose.
func published(c Config) Config {
	first := func(ss []Server, port int) []Server {
		for _, s := range ss {
			if s.TLS == ImplicitTLS && s.Port == port {
				return []Server{s}
			}
		}
		return nil
	}
	c.IMAP, c.POP3, c.Submit = first(c.IMAP, IMAPPort), first(c.POP3, POP3Port), first(c.Submit, SubmitPort)
	return c
}

func TestMarshalRoundTrip(t *testing.T) {
	configs := []Config{vectorConfig}
	for _, c := range goldenConfigs {
		configs = append(configs, c)
	}
	for _, c := range configs {
		body, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var dropped []string
		got, err := Parser{Dropped: func(m string, _ error) { dropped = append(dropped, m) }}.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if want := published(c); !reflect.DeepEqual(got, want) || len(dropped) > 0 {
			t.Errorf("Parse(Marshal(c)) =\n%+v\nwant\n%+v\n(dropped %v)", got, want, dropped)
		}
		if ok, err := VerifyDigest(body, [][]string{{TXTRecord(body)}}); !ok {
			t.Errorf("own digest refused: %v", err)
		}
	}
	body, _ := Marshal(goldenConfigs["oauth-only"])
	if bytes.Contains(body, []byte(`\u0026`)) || !bytes.Contains(body, []byte(`Mail & More <Example>`)) {
		t.Errorf("HTML characters escaped: %s", body)
	}
}

func TestMarshalRefuses(t *testing.T) {
	base := Config{
		IMAP:         []Server{{"imap.example.test", 993, ImplicitTLS}},
		Password:     PasswordYes,
		ProviderName: "Example",
	}
	with := func(f func(*Config)) Config {
		c := base
		f(&c)
		return c
	}
	starttlsOnly := map[string]Config{
		"submission on 587": with(func(c *Config) { c.Submit = []Server{{"smtp.example.test", 587, STARTTLS}} }),
		"imap on 143":       with(func(c *Config) { c.IMAP = []Server{{"imap.example.test", 143, STARTTLS}} }),
		"pop3 STARTTLS and plaintext": with(func(c *Config) {
			c.POP3 = []Server{{"pop.example.test", 110, STARTTLS}, {"pop.example.test", 110, Plaintext}}
		}),
	}
	for name, c := range starttlsOnly {
		if _, err := Marshal(c); !errors.Is(err, ErrSTARTTLSOnly) {
			t.Errorf("%s: Marshal = %v, want ErrSTARTTLSOnly", name, err)
		}
	}
	unpublishable := map[string]Config{
		"implicit TLS on another port": with(func(c *Config) { c.Submit = []Server{{"smtp.example.test", 4465, ImplicitTLS}} }),
		"STARTTLS and implicit TLS on another port": with(func(c *Config) {
			c.IMAP = []Server{{"imap.example.test", 143, STARTTLS}, {"imap.example.test", 9993, ImplicitTLS}}
		}),
		"plaintext only":         with(func(c *Config) { c.IMAP = []Server{{"imap.example.test", 143, Plaintext}} }),
		"no mail server":         with(func(c *Config) { c.IMAP = nil; c.JMAP = "https://jmap.example.test/" }),
		"upper-case host":        with(func(c *Config) { c.IMAP = []Server{{"IMAP.example.test", 993, ImplicitTLS}} }),
		"host with port":         with(func(c *Config) { c.IMAP = []Server{{"imap.example.test:993", 993, ImplicitTLS}} }),
		"IP address":             with(func(c *Config) { c.IMAP = []Server{{"192.0.2.1", 993, ImplicitTLS}} }),
		"Unicode host":           with(func(c *Config) { c.IMAP = []Server{{"imap.bücher.example", 993, ImplicitTLS}} }),
		"http URL":               with(func(c *Config) { c.JMAP = "http://jmap.example.test/" }),
		"http documentation":     with(func(c *Config) { c.DocumentationURL = "http://help.example.test/" }),
		"issuer with a fragment": with(func(c *Config) { c.OAuthIssuer = "https://id.example.test/#x" }),
		"no provider name":       with(func(c *Config) { c.ProviderName = "" }),
		"bidi in name":           with(func(c *Config) { c.ProviderName = "Exa\u202emple" }),
		"newline in short name":  with(func(c *Config) { c.ProviderShortName = "Ex\nample" }),
		"name too long":          with(func(c *Config) { c.ProviderName = strings.Repeat("x", MaxTextLen+1) }),
		"password unstated":      with(func(c *Config) { c.Password = PasswordUnstated }),
		"no way to log in":       with(func(c *Config) { c.Password = PasswordNo }),
		"unknown password value": with(func(c *Config) { c.Password = 9 }),
	}
	for name, c := range unpublishable {
		if b, err := Marshal(c); !errors.Is(err, ErrUnpublishable) {
			t.Errorf("%s: Marshal = %s, %v, want ErrUnpublishable", name, b, err)
		}
	}
	// A STARTTLS endpoint beside an implicit TLS one is simply not listed.
	c := with(func(c *Config) {
		c.Submit = []Server{{"smtp.example.test", 587, STARTTLS}, {"smtp.example.test", 465, ImplicitTLS}}
	})
	if b, err := Marshal(c); err != nil || !bytes.Contains(b, []byte(`"submit":{"host":"smtp.example.test"}`)) {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}
