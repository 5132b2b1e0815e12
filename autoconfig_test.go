package mailsettings

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/autoconfigxml"
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
	if info.Password != "" {
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
	info, err = AutoconfigParser{}.Parse(strings.NewReader(d))
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
			_, err := AutoconfigParser{}.Parse(strings.NewReader(tt.doc))
			if !errors.Is(err, ErrAutoconfig) {
				t.Errorf("Parse error = %v, want ErrAutoconfig", err)
			}
		})
	}
	// A body over 1 MiB is refused after reading at most 1 MiB + 1 byte.
	big := &countingReader{r: strings.NewReader(doc(strings.Repeat(" ", 5<<20)))}
	if _, err := (AutoconfigParser{}).Parse(big); !errors.Is(err, ErrAutoconfig) || big.n > autoconfigxml.MaxSize+1 {
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

func TestAutoconfigRoundTripWholeTable(t *testing.T) {
	tab := builtinTable()
	isISPDB := map[string]bool{}
	for _, p := range ispdbLayer(t) {
		isISPDB[p.ID] = true
	}
	for _, p := range tab.providers {
		want := p.Info()
		doc, err := p.MarshalAutoconfig()
		if err != nil {
			t.Errorf("%s: %v", want.ID, err)
			continue
		}
		var dropped []string
		got, err := AutoconfigParser{Dropped: func(e string, r error) { dropped = append(dropped, e+": "+r.Error()) }}.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Errorf("%s: exported document does not parse: %v\n%s", want.ID, err, doc)
			continue
		}
		if dropped != nil {
			t.Errorf("%s: the parser dropped %q", want.ID, dropped)
		}
		if got.ID != want.ID || got.Name != want.Name || got.DocURL != want.DocURL || got.SettingsURL != want.SettingsURL {
			t.Errorf("%s: identity = %q %q %q %q, want %q %q %q %q", want.ID, got.ID, got.Name, got.DocURL, got.SettingsURL, want.ID, want.Name, want.DocURL, want.SettingsURL)
		}
		if !slices.Equal(got.Domains, want.Domains) {
			t.Errorf("%s: domains = %v, want %v", want.ID, got.Domains, want.Domains)
		}
		if !slices.Equal(got.Endpoints, want.Endpoints) {
			t.Errorf("%s: endpoints =\n%v\nwant\n%v", want.ID, got.Endpoints, want.Endpoints)
		}
		if !reflect.DeepEqual(got.OAuth2, want.OAuth2) {
			t.Errorf("%s: oauth2 = %+v, want %+v", want.ID, got.OAuth2, want.OAuth2)
		}
		wantPassword := PasswordKind("")
		if want.Password == PasswordOAuth2Only {
			wantPassword = PasswordOAuth2Only
		}
		if got.Password != wantPassword || got.IMAPID {
			t.Errorf("%s: password, IMAP ID = %v, %v; want %v, false", want.ID, got.Password, got.IMAPID, wantPassword)
		}
		// The parser derives the enable and plaintext notes; for ISPDB
		// records, which have no others, notes round-trip exactly.
		if isISPDB[want.ID] && !reflect.DeepEqual(got.Notes, want.Notes) {
			t.Errorf("%s: notes = %+v, want %+v", want.ID, got.Notes, want.Notes)
		}
	}
}

func TestMarshalAutoconfigEscapes(t *testing.T) {
	info := ProviderInfo{
		ID: "x<y", Name: `A & B "mail"`, Domains: []string{"x.example"},
		Endpoints:   []ServerEndpoint{ep(IMAP, "imap.x.example", 993, ImplicitTLS, UsernameLocalPartDotDomain), ep(SMTP, "smtp.x.example", 25, Plaintext, addr)},
		DocURL:      "https://x.example/help?a=1&b=</documentation>",
		SettingsURL: "https://x.example/s?x=1&y=2",
		Password:    PasswordOAuth2Only,
		OAuth2:      &OAuth2{Issuer: "auth.x.example", Scopes: []string{"a", "b&c"}},
	}
	doc, err := marshalInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	got, err := AutoconfigParser{}.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if got.ID != info.ID || got.Name != info.Name || got.DocURL != info.DocURL || got.SettingsURL != info.SettingsURL ||
		got.Password != PasswordOAuth2Only || !reflect.DeepEqual(got.OAuth2, info.OAuth2) {
		t.Errorf("round trip = %+v\n%s", got, doc)
	}
	if len(got.Notes) != 2 || got.Notes[1].Kind != NotePlaintext {
		t.Errorf("notes = %+v, want enable and plaintext", got.Notes)
	}
	if !strings.Contains(string(doc), "<username>%EMAILLOCALPART%.%EMAILDOMAIN%</username>") {
		t.Errorf("username placeholder not written:\n%s", doc)
	}
}

func TestMarshalAutoconfigRejectsInvalid(t *testing.T) {
	for _, info := range []ProviderInfo{
		{ID: "x", Name: "X"}, // no endpoints
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{ep(IMAP, "imap.x.example", 0, ImplicitTLS, addr)}},
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{ep(IMAP, "bad host", 993, ImplicitTLS, addr)}},
		{ID: "x", Name: "X", Endpoints: []ServerEndpoint{{Protocol: IMAP, Host: "imap.x.example", Port: 993, Username: addr}}},
	} {
		if _, err := marshalInfo(info); err == nil {
			t.Errorf("marshalInfo(%+v) succeeded", info)
		} else if errors.Is(err, ErrAutoconfig) {
			t.Errorf("error %v wraps ErrAutoconfig, which is for parsing", err)
		}
	}
}

// marshalInfo writes info as autoconfig through NewProvider, which checks it.
func marshalInfo(info ProviderInfo) ([]byte, error) {
	p, err := NewProvider(info)
	if err != nil {
		return nil, err
	}
	return p.MarshalAutoconfig()
}

func TestMarshalAutoconfigZeroProvider(t *testing.T) {
	if doc, err := (Provider{}).MarshalAutoconfig(); err == nil {
		t.Errorf("MarshalAutoconfig of the zero Provider = %q, want an error", doc)
	}
}

// TestParseAutoconfigAddressAsUsername checks that a username spelling out
// the address the document was asked for (as mox writes it when given
// ?emailaddress=) is read as the address placeholder, and only then.
func TestParseAutoconfigAddressAsUsername(t *testing.T) {
	smtpUser := func(p AutoconfigParser, user string) (UsernameForm, bool) {
		info, err := p.Parse(strings.NewReader(smtpDoc("smtp.x.test", "465", "SSL", user)))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range info.Endpoints {
			if e.Protocol == SMTP {
				return e.Username, true
			}
		}
		return "", false
	}
	if u, ok := smtpUser(AutoconfigParser{Address: "alice@x.test"}, "Alice@x.test"); !ok || u != UsernameAddress {
		t.Errorf("with Address: %v %v", u, ok)
	}
	if u, ok := smtpUser(AutoconfigParser{Address: "alice@x.test"}, "alice"); !ok || u != UsernameLocalPart {
		t.Errorf("local part: %v %v", u, ok)
	}
	if _, ok := smtpUser(AutoconfigParser{}, "alice@x.test"); ok {
		t.Error("without Address the literal username is kept")
	}
	if _, ok := smtpUser(AutoconfigParser{Address: "bob@x.test"}, "alice@x.test"); ok {
		t.Error("another address's literal username is kept")
	}
}

func TestPublishHandlerAutoconfig(t *testing.T) {
	exmail, ok := ProviderByID("exmail")
	if !ok {
		t.Fatal("no exmail provider")
	}
	qq, _ := Lookup("qq.com")
	h, err := PublishHandler(map[string]Provider{
		"Example.COM": exmail,
		"例子.中国":       qq.Provider,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, host, target string
		code                 int
		domain               string // in the document
	}{
		{"GET", "autoconfig.example.com", "/mail/config-v1.1.xml", 200, "example.com"},
		{"GET", "AUTOCONFIG.EXAMPLE.COM:8443", "/mail/config-v1.1.xml?emailaddress=alice%40example.com", 200, "example.com"},
		{"GET", "example.com", "/.well-known/autoconfig/mail/config-v1.1.xml", 200, "example.com"},
		{"GET", "anything.test", "/mail/config-v1.1.xml?emailaddress=bob@Example.com.", 200, "example.com"},
		{"GET", "autoconfig.xn--fsqu00a.xn--fiqs8s", "/mail/config-v1.1.xml", 200, "xn--fsqu00a.xn--fiqs8s"},
		{"GET", "autoconfig.例子.中国", "/mail/config-v1.1.xml", 200, "xn--fsqu00a.xn--fiqs8s"},
		{"HEAD", "autoconfig.example.com", "/mail/config-v1.1.xml", 200, ""},
		{"GET", "autoconfig.unknown.example", "/mail/config-v1.1.xml", 404, ""},
		{"GET", "autoconfig.example.com", "/mail/config-v1.1.xml?emailaddress=alice@other.example", 404, ""},
		{"GET", "autoconfig.example.com", "/mail/config-v1.1.xml?emailaddress=no-at-sign", 404, ""},
		{"GET", "autoconfig.example.com", "/", 404, ""},
		{"GET", "autoconfig.example.com", "/mail/config-v1.1.xml/", 404, ""},
		{"POST", "autoconfig.example.com", "/mail/config-v1.1.xml", 405, ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		r.Host = tt.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.code {
			t.Errorf("%s %s%s: status %d, want %d", tt.method, tt.host, tt.target, w.Code, tt.code)
			continue
		}
		if tt.code != 200 {
			continue
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tt.target, ct)
		}
		if tt.method == "HEAD" {
			if w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
				t.Errorf("HEAD: body %d bytes, Content-Length %q", w.Body.Len(), w.Header().Get("Content-Length"))
			}
			continue
		}
		info, err := AutoconfigParser{}.Parse(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Errorf("%s%s: served document does not parse: %v", tt.host, tt.target, err)
			continue
		}
		if !slices.Equal(info.Domains, []string{tt.domain}) {
			t.Errorf("%s%s: domains %v, want [%s]", tt.host, tt.target, info.Domains, tt.domain)
		}
	}
	// The Exmail document names the Exmail hosts, not hosts under the
	// customer's domain (the certificate covers only *.exmail.qq.com).
	r := httptest.NewRequest("GET", "/mail/config-v1.1.xml", nil)
	r.Host = "autoconfig.example.com"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	info, _ := AutoconfigParser{}.Parse(bytes.NewReader(w.Body.Bytes()))
	if !slices.Equal(info.Endpoints, exmail.Info().Endpoints) {
		t.Errorf("exmail endpoints = %v, want %v", info.Endpoints, exmail.Info().Endpoints)
	}
}

func TestPublishHandlerAutoconfigErrors(t *testing.T) {
	qq, _ := Lookup("qq.com")
	for _, m := range []map[string]Provider{
		{"not a domain": qq.Provider},
		{"alice@qq.com": qq.Provider},
		{"example.com": {}},
	} {
		if _, err := PublishHandler(m, nil); err == nil {
			t.Errorf("PublishHandler(%v) succeeded", m)
		}
	}
	if _, ok := ProviderByID("no-such-provider"); ok {
		t.Error("ProviderByID(no-such-provider) found one")
	}
	h, err := PublishHandler(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://autoconfig.qq.com/mail/config-v1.1.xml", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("empty handler: status %d, want 404", w.Code)
	}
}

// TestPublishHandlerAutoconfigHostile: nothing from the request reaches a
// response header or chooses a document it should not.
func TestPublishHandlerAutoconfigHostile(t *testing.T) {
	exmail, _ := ProviderByID("exmail")
	h, err := PublishHandler(map[string]Provider{"example.com": exmail}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		host, query string
		code        int
	}{
		{"autoconfig.example.com", "emailaddress=alice%40example.com%0D%0ASet-Cookie:%20x=1", 404},
		{"autoconfig.example.com", "emailaddress=alice%40example.com%0ASet-Cookie:x", 404},
		{"autoconfig.example.com", "emailaddress=alice%40evil.example%23%40example.com", 200}, // last @ wins: example.com
		{"autoconfig.example.com", "emailaddress=%40example.com", 200},                        // domain is all that is used
		{"autoconfig.example.com\r\nX-Evil: 1", "", 404},
		{"autoconfig.example.com/../x", "", 404},
		{"autoconfig.", "", 404},
		{"", "", 404},
		{"[::1]:8080", "", 404},
		{"127.0.0.1", "", 404},
		{"autoconfig.autoconfig.example.com", "", 404},
		{"autoconfig.example.com.", "", 200},
		{"AutoConfig.Example.Com:443", "", 200},
	} {
		r := httptest.NewRequest("GET", "/mail/config-v1.1.xml", nil)
		r.Host, r.URL.RawQuery = tt.host, tt.query
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.code {
			t.Errorf("Host %q, query %q: status %d, want %d", tt.host, tt.query, w.Code, tt.code)
		}
		for k, vs := range w.Header() {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n") || strings.Contains(strings.ToLower(k+v), "evil") || k == "Set-Cookie" {
					t.Errorf("Host %q, query %q: response header %s: %q", tt.host, tt.query, k, v)
				}
			}
		}
		if tt.code == 200 {
			if ct := w.Header().Get("Content-Type"); ct != "application/xml; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !bytes.Contains(w.Body.Bytes(), []byte("<domain>example.com</domain>")) || bytes.Contains(w.Body.Bytes(), []byte("evil")) {
				t.Errorf("Host %q, query %q: document\n%s", tt.host, tt.query, w.Body.Bytes())
			}
		}
	}
}

// TestHasPlaintextOnly: a protocol offered only in plaintext is found;
// one offered encrypted too is not.
func TestHasPlaintextOnly(t *testing.T) {
	imaps := ServerEndpoint{IMAP, "mail.example.test", 993, ImplicitTLS, UsernameAddress}
	imap := ServerEndpoint{IMAP, "mail.example.test", 143, Plaintext, UsernameAddress}
	pop := ServerEndpoint{POP3, "mail.example.test", 110, Plaintext, UsernameAddress}
	for _, c := range []struct {
		es   []ServerEndpoint
		want bool
	}{
		{[]ServerEndpoint{imaps, pop}, true}, {[]ServerEndpoint{imaps, imap}, false},
		{[]ServerEndpoint{imap}, true}, {[]ServerEndpoint{imaps}, false}, {nil, false},
	} {
		if got := hasPlaintextOnly(c.es); got != c.want {
			t.Errorf("hasPlaintextOnly(%v) = %v", c.es, got)
		}
	}
}
