package mailsettings_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestPublishHandlerAutoconfig(t *testing.T) {
	exmail, ok := mailsettings.ProviderByID("exmail")
	if !ok {
		t.Fatal("no exmail provider")
	}
	qq, _ := mailsettings.Lookup("qq.com")
	h, err := mailsettings.PublishHandler(map[string]mailsettings.Provider{
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
		info, err := mailsettings.ParseAutoconfig(bytes.NewReader(w.Body.Bytes()))
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
	info, _ := mailsettings.ParseAutoconfig(bytes.NewReader(w.Body.Bytes()))
	if !slices.Equal(info.Endpoints, exmail.Info().Endpoints) {
		t.Errorf("exmail endpoints = %v, want %v", info.Endpoints, exmail.Info().Endpoints)
	}
}

func TestPublishHandlerAutoconfigErrors(t *testing.T) {
	qq, _ := mailsettings.Lookup("qq.com")
	for _, m := range []map[string]mailsettings.Provider{
		{"not a domain": qq.Provider},
		{"alice@qq.com": qq.Provider},
		{"example.com": {}},
	} {
		if _, err := mailsettings.PublishHandler(m, nil); err == nil {
			t.Errorf("PublishHandler(%v) succeeded", m)
		}
	}
	if _, ok := mailsettings.ProviderByID("no-such-provider"); ok {
		t.Error("ProviderByID(no-such-provider) found one")
	}
	h, err := mailsettings.PublishHandler(nil, nil)
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
	exmail, _ := mailsettings.ProviderByID("exmail")
	h, err := mailsettings.PublishHandler(map[string]mailsettings.Provider{"example.com": exmail}, nil)
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
