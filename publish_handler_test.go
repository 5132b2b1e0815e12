package mailsettings

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/autodiscover"
	"github.com/mailsettings/mailsettings/internal/pacc"
	"github.com/mailsettings/mailsettings/internal/plisttest"
)

// testSigner "signs" a profile by wrapping it in markers.
type testSigner struct{ err error }

func (s testSigner) Sign(unsigned []byte) ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	return append(append([]byte("SIGNED("), unsigned...), ')'), nil
}

// publishTestHandler serves example.com (hosted by Tencent Exmail),
// 例子.中国 (with QQ Mail's settings) and outlook.com, which only Mozilla
// autoconfig can express (OAuth2 only; STARTTLS-only submission).
func publishTestHandler(t *testing.T, signer ProfileSigner) http.Handler {
	t.Helper()
	exmail, _ := ProviderByID("exmail")
	qq, _ := ProviderByID("qq")
	outlook, _ := ProviderByID("outlook")
	h, err := PublishHandler(map[string]Provider{"Example.COM": exmail, "例子.中国": qq, "outlook.com": outlook}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func do(h http.Handler, method, host, target string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Host = host
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPublishHandler(t *testing.T) {
	h := publishTestHandler(t, nil)
	const idn = "xn--fsqu00a.xn--fiqs8s"
	tests := []struct {
		method, host, target string
		body                 []byte
		code                 int
		ct                   string
		check                func(t *testing.T, body []byte)
	}{
		{"GET", "autoconfig.example.com", "/mail/config-v1.1.xml", nil, 200, autoconfigContentType, autoconfigFor("example.com")},
		{"GET", "example.com", "/.well-known/autoconfig/mail/config-v1.1.xml", nil, 200, autoconfigContentType, autoconfigFor("example.com")},
		{"GET", "autoconfig.例子.中国", "/mail/config-v1.1.xml", nil, 200, autoconfigContentType, autoconfigFor(idn)},
		{"POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", autodiscover.Request("alice@example.com"), 200, autodiscover.ResponseContentType, autodiscoverFor("alice@example.com", "imap.exmail.qq.com")},
		{"POST", "example.com", "/Autodiscover/Autodiscover.xml", autodiscover.Request("Bob@Example.COM"), 200, autodiscover.ResponseContentType, autodiscoverFor("Bob@example.com", "imap.exmail.qq.com")},
		{"POST", "autodiscover.example.com:443", "/AUTODISCOVER/AUTODISCOVER.XML", autodiscover.Request("carol@例子.中国"), 200, autodiscover.ResponseContentType, autodiscoverFor("carol@"+idn, "imap.qq.com")},
		{"POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", autodiscover.Request("o'brien+mail&more@example.com"), 200, autodiscover.ResponseContentType, autodiscoverFor("o'brien+mail&more@example.com", "imap.exmail.qq.com")},
		{"POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", autodiscover.Request("名字@例子.中国"), 200, autodiscover.ResponseContentType, autodiscoverFor("名字@"+idn, "imap.qq.com")},
		{"POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", autodiscover.Request("alice@unknown.example"), 404, "", nil},
		{"GET", "autodiscover.example.com", "/autodiscover/autodiscover.xml", nil, 405, "", nil},
		{"GET", "ua-auto-config.example.com", "/.well-known/user-agent-configuration.json", nil, 200, "application/json", paccFor("imap.exmail.qq.com")},
		{"GET", "ua-auto-config.例子.中国", "/.well-known/user-agent-configuration.json", nil, 200, "application/json", paccFor("imap.qq.com")},
		{"GET", "ua-auto-config.outlook.com", "/.well-known/user-agent-configuration.json", nil, 404, "", nil},
		{"POST", "autodiscover.outlook.com", "/autodiscover/autodiscover.xml", autodiscover.Request("alice@outlook.com"), 404, "", nil},
		{"GET", "autoconfig.outlook.com", "/mail/config.mobileconfig", nil, 404, "", nil},
		{"GET", "autoconfig.outlook.com", "/mail/config.mobileconfig?emailaddress=alice@outlook.com", nil, 404, "", nil},
		{"GET", "autoconfig.outlook.com", "/mail/config-v1.1.xml", nil, 200, autoconfigContentType, autoconfigFor("outlook.com")},
		{"GET", "ua-auto-config.unknown.example", "/.well-known/user-agent-configuration.json", nil, 404, "", nil},
		{"POST", "ua-auto-config.example.com", "/.well-known/user-agent-configuration.json", nil, 405, "", nil},
		{"GET", "autoconfig.example.com", "/mail/config.mobileconfig", nil, 200, mobileconfigContentType, profileFor("", "imap.exmail.qq.com")},
		{"GET", "example.com", "/mail/config.mobileconfig?emailaddress=alice%40example.com", nil, 200, mobileconfigContentType, profileFor("alice@example.com", "imap.exmail.qq.com")},
		{"GET", "autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=alice%40Example.COM", nil, 200, mobileconfigContentType, profileFor("alice@example.com", "imap.exmail.qq.com")},
		{"GET", "autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=alice%40other.example", nil, 404, "", nil},
		{"GET", "autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=no-at-sign", nil, 404, "", nil},
		{"PUT", "autoconfig.example.com", "/mail/config.mobileconfig", nil, 405, "", nil},
		{"GET", "autoconfig.example.com", "/mail/config.mobileconfig/", nil, 404, "", nil},
		{"GET", "autoconfig.example.com", "/", nil, 404, "", nil},
	}
	for _, tt := range tests {
		w := do(h, tt.method, tt.host, tt.target, tt.body)
		if w.Code != tt.code {
			t.Errorf("%s %s%s: status %d, want %d\n%s", tt.method, tt.host, tt.target, w.Code, tt.code, w.Body.Bytes())
			continue
		}
		if tt.code == 405 && w.Header().Get("Allow") == "" {
			t.Errorf("%s %s%s: 405 without Allow", tt.method, tt.host, tt.target)
		}
		if tt.code != 200 {
			continue
		}
		if ct := w.Header().Get("Content-Type"); ct != tt.ct || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s%s: Content-Type %q, want %q; nosniff %q", tt.host, tt.target, ct, tt.ct, w.Header().Get("X-Content-Type-Options"))
		}
		if cl := w.Header().Get("Content-Length"); cl != strings.TrimSpace(cl) || cl == "" {
			t.Errorf("%s%s: Content-Length %q", tt.host, tt.target, cl)
		}
		tt.check(t, w.Body.Bytes())
		if tt.method == "GET" {
			head := do(h, "HEAD", tt.host, tt.target, nil)
			if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
				t.Errorf("HEAD %s%s: %d, %d bytes, Content-Length %q", tt.host, tt.target, head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
			}
		}
	}
}

func autoconfigFor(domain string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		info, err := AutoconfigParser{}.Parse(bytes.NewReader(body))
		if err != nil || !slices.Equal(info.Domains, []string{domain}) {
			t.Errorf("autoconfig: %v, domains %v, want [%s]", err, info.Domains, domain)
		}
	}
}

func autodiscoverFor(addr, imapHost string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		resp, err := autodiscover.ParseResponse(body)
		if err != nil || resp.Kind != autodiscover.KindSettings || len(resp.Protocols) == 0 {
			t.Errorf("autodiscover for %s: %v %+v", addr, err, resp)
			return
		}
		if pr := resp.Protocols[0]; pr.Type != "IMAP" || pr.Server != imapHost || pr.LoginName != addr {
			t.Errorf("autodiscover for %s: first protocol %+v, want IMAP %s for %s", addr, pr, imapHost, addr)
		}
		var escaped bytes.Buffer
		_ = xml.EscapeText(&escaped, []byte(addr))
		if !bytes.Contains(body, []byte("<AutoDiscoverSMTPAddress>"+escaped.String()+"</AutoDiscoverSMTPAddress>")) {
			t.Errorf("autodiscover for %s: the answer is for another address\n%s", addr, body)
		}
	}
}

func paccFor(imapHost string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		c, err := pacc.Parse(body)
		if err != nil || len(c.IMAP) != 1 || c.IMAP[0].Host != imapHost {
			t.Errorf("PACC: %v %+v, want IMAP %s", err, c, imapHost)
		}
	}
}

func profileFor(addr, imapHost string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		v, err := plisttest.Read(body)
		top, _ := v.(map[string]any)
		content, _ := top["PayloadContent"].([]any)
		if err != nil || len(content) != 1 {
			t.Errorf("profile: %v %v", err, v)
			return
		}
		mail, _ := content[0].(map[string]any)
		if got, _ := mail["EmailAddress"].(string); got != addr || mail["IncomingMailServerHostName"] != imapHost {
			t.Errorf("profile: address %q, incoming %v; want %q, %s", got, mail["IncomingMailServerHostName"], addr, imapHost)
		}
	}
}

func TestPublishHandlerDocuments(t *testing.T) {
	// What is served is what the writers write for the domain.
	h := publishTestHandler(t, nil)
	exmail, _ := ProviderByID("exmail")
	info := exmail.Info()
	info.Domains = []string{"example.com"}
	one, _ := NewProvider(info)
	body, _, err := one.MarshalPACC()
	if err != nil {
		t.Fatal(err)
	}
	if w := do(h, "GET", "ua-auto-config.example.com", "/.well-known/user-agent-configuration.json", nil); !bytes.Equal(w.Body.Bytes(), body) {
		t.Errorf("PACC served\n%s\nwant\n%s", w.Body.Bytes(), body)
	}
	profile, _ := one.MarshalMobileconfig("", nil)
	w := do(h, "GET", "example.com", "/mail/config.mobileconfig", nil)
	if !bytes.Equal(w.Body.Bytes(), profile) || w.Header().Get("Content-Disposition") != `attachment; filename="mail.mobileconfig"` {
		t.Errorf("profile served with Content-Disposition %q:\n%s", w.Header().Get("Content-Disposition"), w.Body.Bytes())
	}
}

func TestPublishHandlerSigner(t *testing.T) {
	h := publishTestHandler(t, testSigner{})
	for _, target := range []string{"/mail/config.mobileconfig", "/mail/config.mobileconfig?emailaddress=alice@example.com"} {
		w := do(h, "GET", "autoconfig.example.com", target, nil)
		if w.Code != 200 || !bytes.HasPrefix(w.Body.Bytes(), []byte("SIGNED(<?xml")) {
			t.Errorf("%s: %d, not signed:\n%.40s", target, w.Code, w.Body.Bytes())
		}
	}
	qq, _ := ProviderByID("qq")
	boom := errors.New("no key")
	if _, err := PublishHandler(map[string]Provider{"qq.com": qq}, testSigner{err: boom}); !errors.Is(err, boom) {
		t.Errorf("PublishHandler with a failing signer: %v", err)
	}
	if _, err := qq.MarshalMobileconfig("alice@qq.com", testSigner{err: boom}); !errors.Is(err, boom) || errors.Is(err, ErrUnpublishable) {
		t.Errorf("MarshalMobileconfig with a failing signer: %v", err)
	}
}

func TestPublishHandlerErrors(t *testing.T) {
	qq, _ := ProviderByID("qq")
	for _, m := range []map[string]Provider{
		{"not a domain": qq},
		{"alice@qq.com": qq},
		{"example.com": {}},
	} {
		if _, err := PublishHandler(m, nil); err == nil {
			t.Errorf("PublishHandler(%v) succeeded", m)
		}
	}
	h, err := PublishHandler(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := do(h, "POST", "autodiscover.qq.com", "/autodiscover/autodiscover.xml", autodiscover.Request("alice@qq.com")); w.Code != 404 {
		t.Errorf("empty handler: status %d, want 404", w.Code)
	}
}

// TestPublishHandlerHostileRequests: nothing from a request reaches a
// response header, a request body is read only up to its bound, entity
// tricks are refused, and an error answer does not repeat the request.
func TestPublishHandlerHostileRequests(t *testing.T) {
	h := publishTestHandler(t, nil)
	const marker = "EVIL-MARKER"
	request := func(email string) []byte {
		return []byte(`<?xml version="1.0"?><Autodiscover xmlns="` + autodiscover.RequestSchema + `"><Request><EMailAddress>` + email +
			`</EMailAddress><AcceptableResponseSchema>` + autodiscover.ResponseSchema + `</AcceptableResponseSchema></Request></Autodiscover>`)
	}
	bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol` + marker + `"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		string(request("&lol3;@example.com"))
	deep := strings.Repeat("<a>", 2000) + strings.Repeat("</a>", 2000)
	huge := append(request("alice@example.com"), bytes.Repeat([]byte(" "), autodiscover.MaxRequestSize)...)
	for _, tt := range []struct {
		name string
		body []byte
		code int
	}{
		{"entity expansion", []byte(bomb), 400},
		{"external entity", []byte(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + string(request("&x;"))), 400},
		{"deep nesting", []byte(`<Autodiscover>` + deep + `</Autodiscover>`), 400},
		{"over 64 KiB", huge, 413},
		{"CRLF in the address", request("alice@example.com\r\nSet-Cookie: " + marker), 400},
		{"markup in the address", request("&lt;script&gt;" + marker + "@example.com"), 400},
		{"dot-atom only", request("." + marker + "@example.com"), 400},
		{"two addresses", []byte(strings.Replace(string(request("alice@example.com")), "</Request>", "<EMailAddress>bob@example.com</EMailAddress></Request>", 1)), 400},
		{"address in another domain behind an @", request(marker + "@example.com@evil.example"), 400},
		{"not XML", []byte(marker), 400},
		{"empty", nil, 400},
		{"other schema", []byte(strings.Replace(string(request("alice@example.com")), autodiscover.ResponseSchema, "urn:"+marker, 1)), 200},
	} {
		start := time.Now()
		w := do(h, "POST", "autodiscover.example.com", "/autodiscover/autodiscover.xml", tt.body)
		if w.Code != tt.code {
			t.Errorf("%s: status %d, want %d\n%s", tt.name, w.Code, tt.code, w.Body.Bytes())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
		if bytes.Contains(w.Body.Bytes(), []byte(marker)) || bytes.Contains(w.Body.Bytes(), []byte("passwd")) {
			t.Errorf("%s: the answer repeats the request:\n%s", tt.name, w.Body.Bytes())
		}
		checkHeaders(t, tt.name, w, marker)
		if tt.code == 200 {
			if resp, err := autodiscover.ParseResponse(w.Body.Bytes()); err != nil || resp.Kind != autodiscover.KindError || resp.ErrorCode != "601" {
				t.Errorf("%s: %v %+v, want error 601", tt.name, err, resp)
			}
		}
	}
	r := httptest.NewRequest("POST", "/autodiscover/autodiscover.xml", nil)
	r.Body = nil
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 400 {
		t.Errorf("POST without a body: status %d, want 400", w.Code)
	}
	for _, tt := range []struct {
		host, target string
		code         int
	}{
		{"autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=alice%40example.com%0D%0ASet-Cookie:%20" + marker, 404},
		{"autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=%22" + marker + "%22%40example.com", 404},
		{"autoconfig.example.com", "/mail/config.mobileconfig?emailaddress=" + marker + "%40evil.example%23%40example.com", 404},
		{"autoconfig.example.com\r\nX-" + marker + ": 1", "/mail/config.mobileconfig", 404},
		{"ua-auto-config.example.com\r\nX-" + marker + ": 1", "/.well-known/user-agent-configuration.json", 404},
		{"ua-auto-config.ua-auto-config.example.com", "/.well-known/user-agent-configuration.json", 404},
		{"autoconfig.example.com", "/.well-known/user-agent-configuration.json", 404},
		{"ua-auto-config.", "/.well-known/user-agent-configuration.json", 404},
		{"", "/mail/config.mobileconfig", 404},
		{"[::1]:8443", "/mail/config.mobileconfig", 404},
		{"127.0.0.1", "/.well-known/user-agent-configuration.json", 404},
		{"UA-Auto-Config.Example.Com.:443", "/.well-known/user-agent-configuration.json", 200},
		{"example.com", "/.well-known/user-agent-configuration.json", 200},
	} {
		w := do(h, "GET", tt.host, tt.target, nil)
		if w.Code != tt.code {
			t.Errorf("Host %q %s: status %d, want %d", tt.host, tt.target, w.Code, tt.code)
		}
		if bytes.Contains(w.Body.Bytes(), []byte(marker)) {
			t.Errorf("Host %q %s: the answer repeats the request", tt.host, tt.target)
		}
		checkHeaders(t, tt.host+tt.target, w, marker)
	}
}

func checkHeaders(t *testing.T, name string, w *httptest.ResponseRecorder, marker string) {
	t.Helper()
	for k, vs := range w.Header() {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") || strings.Contains(k+v, marker) || k == "Set-Cookie" {
				t.Errorf("%s: response header %s: %q", name, k, v)
			}
		}
	}
}
