package pacc

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func readVector(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/vector.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vectorConfig is what the test vector says.
var vectorConfig = Config{
	IMAP:              []Server{{Host: "imap.example.test", Port: 993, TLS: ImplicitTLS}},
	POP3:              []Server{{Host: "pop.example.test", Port: 995, TLS: ImplicitTLS}},
	Submit:            []Server{{Host: "smtp.example.test", Port: 465, TLS: ImplicitTLS}},
	Password:          PasswordYes,
	OAuthIssuer:       "https://identity.example.test/",
	ProviderName:      "Example Provider",
	ProviderShortName: "Example",
	DocumentationURL:  "https://support.example.test/mail",
	JMAP:              "https://jmap.example.test/session",
	CalDAV:            "https://sync.example.test/calendar/",
}

// parseDropped parses body and returns the members reported as dropped.
func parseDropped(t *testing.T, body string) (Config, map[string]string) {
	t.Helper()
	dropped := map[string]string{}
	c, err := Parser{Dropped: func(m string, reason error) { dropped[m] = reason.Error() }}.Parse([]byte(body))
	if err != nil {
		t.Fatalf("Parse(%.80q) = %v", body, err)
	}
	return c, dropped
}

func TestParseVector(t *testing.T) {
	c, dropped := parseDropped(t, string(readVector(t)))
	if !reflect.DeepEqual(c, vectorConfig) {
		t.Errorf("Parse(vector) =\n%+v\nwant\n%+v", c, vectorConfig)
	}
	if len(dropped) != 0 {
		t.Errorf("dropped %v", dropped)
	}
	if !c.HasMail() || c.OAuth2Only() {
		t.Errorf("HasMail %v, OAuth2Only %v", c.HasMail(), c.OAuth2Only())
	}
}

func TestParseUnknownMembersIgnored(t *testing.T) {
	c, dropped := parseDropped(t, `{"version":7,"protocols":{"imap":{"host":"imap.example.test","future":[1,{"x":null}]},
		"managesieve":{"host":"sieve.example.test"},"ews":{"url":"http://x"}},"extra":{"a":[true,false,1.5e3]}}`)
	if len(c.IMAP) != 1 || c.IMAP[0].Host != "imap.example.test" {
		t.Errorf("IMAP = %v", c.IMAP)
	}
	if len(dropped) != 0 {
		t.Errorf("unknown members reported as dropped: %v", dropped)
	}
	// A port member is not PACC's: the server stays on the PACC port.
	c, _ = parseDropped(t, `{"protocols":{"imap":{"host":"imap.example.test","port":143}}}`)
	if want := []Server{{"imap.example.test", 993, ImplicitTLS}}; !reflect.DeepEqual(c.IMAP, want) {
		t.Errorf("with a port member: IMAP = %v, want %v", c.IMAP, want)
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	for _, body := range []string{
		`{"protocols":{"imap":{"host":"imap.example.test"}},"protocols":{"imap":{"host":"evil.example.test"}}}`,
		`{"protocols":{"imap":{"host":"imap.example.test","host":"evil.example.test"}}}`,
		`{"protocols":{"imap":{"host":"imap.example.test"},"\u0069map":{"host":"evil.example.test"}}}`,
		`{"unknown":{"a":1,"a":2},"protocols":{"imap":{"host":"imap.example.test"}}}`,
		`{"protocols":{"imap":{"host":"imap.example.test"}},"list":[{"k":1,"k":1}]}`,
	} {
		if _, err := Parse([]byte(body)); !errors.Is(err, ErrDocument) || !strings.Contains(err.Error(), "duplicate") {
			t.Errorf("Parse(%s) = %v, want a duplicate-key ErrDocument", body, err)
		}
	}
}

func TestParseSizeLimit(t *testing.T) {
	doc := `{"protocols":{"imap":{"host":"imap.example.test"}}}`
	atLimit := doc + strings.Repeat(" ", MaxBodySize-len(doc))
	if _, err := Parse([]byte(atLimit)); err != nil {
		t.Errorf("Parse(%d bytes) = %v", len(atLimit), err)
	}
	over := atLimit + " "
	_, err := Parse([]byte(over))
	if !errors.Is(err, ErrDocument) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Parse(%d bytes) = %v, want the size error", len(over), err)
	}
	// Refused before parsing: even bytes that are not JSON get the size error.
	_, err = Parse(make([]byte, MaxBodySize+1))
	if !errors.Is(err, ErrDocument) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Parse(zeros) = %v, want the size error", err)
	}
}

func TestParseDepth(t *testing.T) {
	nest := func(n int) string {
		return `{"x":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	if _, err := Parse([]byte(nest(MaxDepth))); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	if _, err := Parse([]byte(nest(MaxDepth + 1))); !errors.Is(err, ErrDocument) || !strings.Contains(err.Error(), "nested") {
		t.Errorf("depth %d: %v, want a nesting error", MaxDepth+1, err)
	}
	// 500 000 levels (1 MiB) are refused at once, without recursing far.
	deep := []byte(strings.Repeat("[", MaxBodySize/2) + strings.Repeat("]", MaxBodySize/2))
	start := time.Now()
	if _, err := Parse(deep); !errors.Is(err, ErrDocument) {
		t.Errorf("deep: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("deep nesting took %v", d)
	}
}

func TestParseHugeAndHostileText(t *testing.T) {
	huge := strings.Repeat("é", 400_000)
	c, _ := parseDropped(t, `{"info":{"provider":{"name":"`+huge+`","shortName":"Ex\u202Eelpmax\u0000\u001b[2J\u0085e"}}}`)
	if len(c.ProviderName) > MaxTextLen || !utf8.ValidString(c.ProviderName) || !strings.HasPrefix(c.ProviderName, "éé") {
		t.Errorf("name: %d bytes, valid %v", len(c.ProviderName), utf8.ValidString(c.ProviderName))
	}
	if want := "Ex elpmax [2J e"; c.ProviderShortName != want {
		t.Errorf("shortName = %q, want %q", c.ProviderShortName, want)
	}
	c, _ = parseDropped(t, `{"info":{"provider":{"name":"A\u2066B\u2069 \u200e C\u2028D"}}}`)
	if c.ProviderName != "A B C D" {
		t.Errorf("name = %q", c.ProviderName)
	}
	c, _ = parseDropped(t, "{\"info\":{\"provider\":{\"name\":\"bad\xff\xfeutf8\"}}}")
	if !utf8.ValidString(c.ProviderName) {
		t.Errorf("name %q is not UTF-8", c.ProviderName)
	}
}

func TestParseURLs(t *testing.T) {
	bad := []string{
		"http://jmap.example.test/session",
		"HTTP://jmap.example.test/",
		"ftp://jmap.example.test/",
		"javascript:alert(1)",
		"//jmap.example.test/session",
		"/session",
		"https://user:pw@jmap.example.test/",
		"https://127.0.0.1/session",
		"https://[::1]/session",
		"https://JMAP.example.test/",
		"https://localhost/",
		"https://jmap.example.test/a b",
		"https://jmap.example.test/\u0000",
		"https://jmap.example.test/\u202e",
		"https:jmap.example.test",
		"https://" + strings.Repeat("a", MaxURLLen) + ".example.test/",
	}
	for _, u := range bad {
		body := `{"protocols":{"jmap":{"url":"` + jsonEscape(u) + `"}},"info":{"help":{"documentation":"` + jsonEscape(u) + `"}},` +
			`"authentication":{"oauth-public":{"issuer":"` + jsonEscape(u) + `"}}}`
		c, dropped := parseDropped(t, body)
		if c.JMAP != "" || c.DocumentationURL != "" || c.OAuthIssuer != "" {
			t.Errorf("%q kept: %+v", u, c)
		}
		for _, m := range []string{"protocols.jmap.url", "info.help.documentation", "authentication.oauth-public.issuer"} {
			if _, ok := dropped[m]; !ok {
				t.Errorf("%q: %s not reported as dropped (%v)", u, m, dropped)
			}
		}
	}
	c, dropped := parseDropped(t, `{"authentication":{"oauth-public":{"issuer":"https://id.example.test/?x=1"}}}`)
	if c.OAuthIssuer != "" || !strings.Contains(dropped["authentication.oauth-public.issuer"], "query") {
		t.Errorf("issuer with a query: %q, %v", c.OAuthIssuer, dropped)
	}
	c, _ = parseDropped(t, `{"protocols":{"carddav":{"url":"https://dav.example.test:8443/card/"}}}`)
	if c.CardDAV != "https://dav.example.test:8443/card/" {
		t.Errorf("an https URL with a port was dropped: %q", c.CardDAV)
	}
}

// jsonEscape returns s as the inside of a JSON string.
func jsonEscape(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b[1 : len(b)-1])
}

func TestParseHosts(t *testing.T) {
	cases := []struct{ host, want, reason string }{
		{"imap.example.test", "imap.example.test", ""},
		{"IMAP.Example.Test.", "imap.example.test", ""},
		{"imap.bücher.example", "imap.xn--bcher-kva.example", ""},
		{"imap.example.test:993", "", "port"},
		{"imap.example.test:143", "", "port"},
		{"[2001:db8::1]:993", "", "IP address"},
		{"192.0.2.1", "", "IP address"},
		{"2001:db8::1", "", "IP address"},
		{"localhost", "", "single-label"},
		{"imap.example.test/path", "", "path"},
		{"imaps://imap.example.test", "", "URL"},
		{"imap.\u202eexample.test", "", "not a valid domain name"},
		{"", "", "empty"},
	}
	for _, c := range cases {
		got, dropped := parseDropped(t, `{"protocols":{"imap":{"host":"`+jsonEscape(c.host)+`"}}}`)
		if c.want != "" {
			if want := []Server{{c.want, 993, ImplicitTLS}}; !reflect.DeepEqual(got.IMAP, want) {
				t.Errorf("host %q: IMAP = %v, want %v", c.host, got.IMAP, want)
			}
			continue
		}
		if got.IMAP != nil || !strings.Contains(dropped["protocols.imap.host"], c.reason) {
			t.Errorf("host %q: IMAP = %v, dropped %v, want dropped for %q", c.host, got.IMAP, dropped, c.reason)
		}
	}
}

func TestParseSMTPKey(t *testing.T) {
	c, _ := parseDropped(t, `{"protocols":{"smtp":{"host":"smtp.example.test"}}}`)
	if want := []Server{{"smtp.example.test", 465, ImplicitTLS}}; !reflect.DeepEqual(c.Submit, want) {
		t.Errorf("older smtp key: Submit = %v", c.Submit)
	}
	c, dropped := parseDropped(t, `{"protocols":{"smtp":{"host":"old.example.test"},"submit":{"host":"new.example.test"}}}`)
	if len(c.Submit) != 1 || c.Submit[0].Host != "new.example.test" || !strings.Contains(dropped["protocols.smtp"], "superseded") {
		t.Errorf("submit and smtp: Submit = %v, dropped %v", c.Submit, dropped)
	}
	c, dropped = parseDropped(t, `{"protocols":{"smtp":{"host":"mail.example.test"},"submit":{"host":"mail.example.test"}}}`)
	if len(c.Submit) != 1 || len(dropped) != 0 {
		t.Errorf("same host twice: Submit = %v, dropped %v", c.Submit, dropped)
	}
}

func TestParseWrongTypes(t *testing.T) {
	c, dropped := parseDropped(t, `{"protocols":{"imap":"imap.example.test","pop3":{"host":995},"submit":{},
		"jmap":{"url":["https://jmap.example.test/"]}},"authentication":{"password":"false","oauth-public":"https://id.example.test/"},
		"info":{"provider":"Example","help":null}}`)
	if c.HasMail() || c.Password != PasswordUnstated || c.JMAP != "" || c.OAuthIssuer != "" || c.ProviderName != "" {
		t.Errorf("wrong types kept: %+v", c)
	}
	for _, m := range []string{"protocols.imap", "protocols.pop3.host", "protocols.submit", "protocols.jmap.url",
		"authentication.password", "authentication.oauth-public", "info.provider", "info.help"} {
		if _, ok := dropped[m]; !ok {
			t.Errorf("%s not reported (%v)", m, dropped)
		}
	}
	c, _ = parseDropped(t, `{"protocols":[1,2],"authentication":{"password":false}}`)
	if c.HasMail() || !c.OAuth2Only() {
		t.Errorf("%+v", c)
	}
}

func TestParseNotADocument(t *testing.T) {
	for _, body := range []string{
		``, ` `, `null`, `[]`, `"x"`, `12`, `true`, `{`, `{"a":}`, `{"a":1,}`, `{} {}`, `{}x`, `{}]`,
		"\xef\xbb\xbf{}", `{'a':1}`, `{"a":1 "b":2}`, `{"a":NaN}`,
	} {
		if _, err := Parse([]byte(body)); !errors.Is(err, ErrDocument) {
			t.Errorf("Parse(%q) = %v, want ErrDocument", body, err)
		}
	}
	if c, err := Parse([]byte(" {} \n")); err != nil || c.HasMail() {
		t.Errorf("Parse({}) = %+v, %v", c, err)
	}
}
