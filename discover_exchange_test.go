package mailsettings

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

const adPath = "/autodiscover/autodiscover.xml"

// adResponse returns an Autodiscover settings response with the given
// Protocol blocks.
func adResponse(protocols ...string) string {
	return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">` +
		`<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">` +
		`<User><DisplayName>Example Exchange</DisplayName></User><Account><AccountType>email</AccountType><Action>settings</Action>` +
		strings.Join(protocols, "") + `</Account></Response></Autodiscover>`
}

func adProtocol(typ, server string, port int, extra string) string {
	return fmt.Sprintf(`<Protocol><Type>%s</Type><Server>%s</Server><Port>%d</Port>%s</Protocol>`, typ, server, port, extra)
}

func adAction(action, value string) string {
	el := map[string]string{"redirectUrl": "RedirectUrl", "redirectAddr": "RedirectAddr"}[action]
	return `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">` +
		`<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><Action>` + action +
		`</Action><` + el + `>` + value + `</` + el + `></Account></Response></Autodiscover>`
}

// adFixture records every Autodiscover request with its headers and body.
type adFixture struct {
	*fixture
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func newADFixture(t *testing.T) *adFixture {
	t.Helper()
	f := &adFixture{fixture: newFixture(t, []string{"example.test", "evil.test"},
		"autodiscover.example.test. A 127.0.0.1", "mail.example.test. A 127.0.0.1", "autodiscover.evil.test. A 127.0.0.1")}
	return f
}

// serve answers POSTs at url with the answers in turn (the last repeats).
func (f *adFixture) serve(url string, status int, answers ...string) {
	n := 0
	f.handle(url, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(r.Context()))
		f.body = append(f.body, string(b))
		a := answers[min(n, len(answers)-1)]
		n++
		f.mu.Unlock()
		if status != http.StatusOK {
			w.Header().Add("WWW-Authenticate", `Negotiate`)
			w.Header().Add("WWW-Authenticate", `NTLM`)
			w.Header().Add("WWW-Authenticate", `Basic realm="autodiscover.example.test"`)
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, a)
	})
}

func (f *adFixture) discover(t *testing.T, query string, opts ...func(*Discoverer)) (Discovery, *Candidate) {
	t.Helper()
	d := f.discoverer()
	d.NoISPDB = true
	for _, o := range opts {
		o(d)
	}
	disc, _ := d.Discover(t.Context(), query)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.reqs {
		if r.Header.Get("Authorization") != "" || r.Method != http.MethodPost {
			t.Errorf("%s %s with Authorization %q", r.Method, r.URL, r.Header.Get("Authorization"))
		}
	}
	for i, c := range disc.Candidates {
		if c.Source == sourceAutodiscover {
			return disc, &disc.Candidates[i]
		}
	}
	return disc, nil
}

func TestDiscoverAutodiscoverEncryption(t *testing.T) {
	for _, tt := range []struct {
		name  string
		block string
		want  ServerEndpoint
	}{
		{"IMAP 993 Encryption=TLS (mox: implicit)", adProtocol("IMAP", "imap.example.test", 993, "<Encryption>TLS</Encryption><SPA>off</SPA>"), ServerEndpoint{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress}},
		{"IMAP 143 Encryption=TLS (automx: STARTTLS)", adProtocol("IMAP", "imap.example.test", 143, "<Encryption>TLS</Encryption><SPA>off</SPA>"), ServerEndpoint{IMAP, "imap.example.test", 143, STARTTLS, UsernameAddress}},
		{"SMTP 465 Encryption=SSL", adProtocol("SMTP", "smtp.example.test", 465, "<Encryption>SSL</Encryption><SPA>off</SPA>"), ServerEndpoint{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress}},
		{"SMTP 587 SSL=on", adProtocol("SMTP", "smtp.example.test", 587, "<SSL>on</SSL><SPA>off</SPA>"), ServerEndpoint{SMTP, "smtp.example.test", 587, STARTTLS, UsernameAddress}},
		{"POP3 995 Encryption=Auto", adProtocol("POP3", "pop.example.test", 995, "<Encryption>Auto</Encryption><SPA>off</SPA>"), ServerEndpoint{POP3, "pop.example.test", 995, ImplicitTLS, UsernameAddress}},
		{"login name is the local part", adProtocol("IMAP", "imap.example.test", 993, "<LoginName>alice</LoginName><SPA>off</SPA>"), ServerEndpoint{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameLocalPart}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newADFixture(t)
			f.serve("https://autodiscover.example.test"+adPath, http.StatusOK, adResponse(tt.block))
			disc, c := f.discover(t, "alice@example.test")
			if c == nil {
				t.Fatalf("no candidate: %v", disc.Errors)
			}
			if !slices.Equal(c.Endpoints(), []ServerEndpoint{tt.want}) || c.Trust != TrustAuthenticated || !slices.Equal(c.Reasons, []Reason{reasonHTTPSInDomain}) {
				t.Errorf("candidate %v %v %v", c.Endpoints(), c.Trust, c.Reasons)
			}
		})
	}
}

// TestDiscoverAutodiscoverSSLOff checks that SSL=off gives a plaintext
// endpoint, dropped unless plaintext is allowed, and that SPA on (or
// absent) becomes a note.
func TestDiscoverAutodiscoverSSLOff(t *testing.T) {
	f := newADFixture(t)
	f.serve("https://autodiscover.example.test"+adPath, http.StatusOK, adResponse(
		adProtocol("IMAP", "imap.example.test", 143, "<SSL>off</SSL>"),
		adProtocol("SMTP", "smtp.example.test", 465, "<SPA>off</SPA>")))
	_, c := f.discover(t, "alice@example.test")
	if c == nil || !slices.Equal(c.Endpoints(), []ServerEndpoint{{SMTP, "smtp.example.test", 465, ImplicitTLS, UsernameAddress}}) {
		t.Fatalf("candidate %v", c)
	}
	if n := c.Notes(); len(n) != 1 || n[0].Kind != NoteGeneral || !strings.Contains(n[0].Text.String(), "Secure Password Authentication") {
		t.Errorf("notes %+v, want the SPA note", n)
	}
	_, c = f.discover(t, "alice@example.test", func(d *Discoverer) { d.AllowPlaintext = true })
	if c == nil || len(c.Endpoints()) != 2 || c.Endpoints()[1].Encryption != Plaintext || !slices.Contains(c.Reasons, reasonPlaintext) {
		t.Errorf("with AllowPlaintext: %v", c)
	}
}

func TestDiscoverAutodiscoverRedirects(t *testing.T) {
	const ad = "https://autodiscover.example.test" + adPath
	good := adResponse(adProtocol("IMAP", "imap.example.test", 993, "<SPA>off</SPA>"))
	for _, tt := range []struct {
		name    string
		setup   func(f *adFixture)
		wantOK  bool
		errSub  string
		checkFn func(t *testing.T, f *adFixture, c *Candidate)
	}{
		{"RedirectUrl inside the domain", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectUrl", "https://mail.example.test"+adPath))
			f.serve("https://mail.example.test"+adPath, http.StatusOK, good)
		}, true, "", nil},
		{"RedirectUrl to another domain", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectUrl", "https://autodiscover.evil.test"+adPath))
			f.serve("https://autodiscover.evil.test"+adPath, http.StatusOK, adResponse(adProtocol("IMAP", "imap.evil.test", 993, "")))
		}, false, "redirect refused", nil},
		{"RedirectUrl over http", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectUrl", "http://mail.example.test"+adPath))
		}, false, "redirect refused", nil},
		{"RedirectUrl loop", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectUrl", "https://mail.example.test"+adPath))
			f.serve("https://mail.example.test"+adPath, http.StatusOK, adAction("redirectUrl", ad))
		}, false, "redirect refused", nil},
		{"RedirectAddr inside the domain", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectAddr", "bob@example.test"), good)
		}, true, "", func(t *testing.T, f *adFixture, c *Candidate) {
			if len(f.body) < 2 || !strings.Contains(f.body[1], "bob@example.test") {
				t.Errorf("second request %q, want one for bob@example.test", f.body)
			}
		}},
		{"RedirectAddr to another domain", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adAction("redirectAddr", "alice@evil.test"))
		}, false, "redirect refused", nil},
		{"401 with every scheme", func(f *adFixture) {
			f.serve(ad, http.StatusUnauthorized, "")
		}, false, "wants Negotiate, NTLM, Basic", func(t *testing.T, f *adFixture, c *Candidate) {}},
		{"huge response", func(f *adFixture) {
			f.serve(ad, http.StatusOK, adResponse(strings.Repeat(" ", 2<<20)))
		}, false, "larger than", nil},
		{"deep response", func(f *adFixture) {
			f.serve(ad, http.StatusOK, strings.Repeat("<a>", 100)+strings.Repeat("</a>", 100))
		}, false, "autodiscover", nil},
		{"entities", func(f *adFixture) {
			f.serve(ad, http.StatusOK, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Autodiscover/>`)
		}, false, "DOCTYPE", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newADFixture(t)
			tt.setup(f)
			disc, c := f.discover(t, "alice@example.test")
			if tt.wantOK != (c != nil) {
				t.Fatalf("candidate %v, want one: %v; errors %v", c, tt.wantOK, disc.Errors)
			}
			if c != nil && (c.Trust != TrustAuthenticated || !slices.Equal(hosts(*c), []string{"imap.example.test"})) {
				t.Errorf("candidate %v %v", c.Trust, hosts(*c))
			}
			if tt.errSub != "" && countErrors(disc, tt.errSub) == 0 {
				t.Errorf("no error containing %q: %v", tt.errSub, disc.Errors)
			}
			noTrustedEvil(t, disc, "evil.test")
			for _, r := range f.requested() {
				if strings.Contains(r, "evil.test") && !strings.HasPrefix(tt.name, "never") {
					t.Errorf("asked %s", r)
				}
			}
			if tt.checkFn != nil {
				tt.checkFn(t, f, c)
			}
		})
	}
}

// TestDiscoverAutodiscoverCredentials checks that a 401 is an explained
// error wrapping ErrExchangeCredentials, never a candidate, and that no
// Authorization header is ever sent.
func TestDiscoverAutodiscoverCredentials(t *testing.T) {
	f := newADFixture(t)
	f.serve("https://autodiscover.example.test"+adPath, http.StatusUnauthorized, "")
	disc, c := f.discover(t, "alice@example.test")
	if c != nil {
		t.Fatalf("candidate from a 401: %v", c)
	}
	var se *SourceError
	for _, e := range disc.Errors {
		if errors.As(e, &se) && se.Source == sourceAutodiscover && errors.Is(se, ErrExchangeCredentials) {
			break
		}
		se = nil
	}
	if se == nil {
		t.Fatalf("no ErrExchangeCredentials: %v", disc.Errors)
	}
	if x := se.Explanation(); !strings.Contains(x.String(), "administrator") || !strings.Contains(zhHans(x), "管理员") {
		t.Errorf("explanation %q", x)
	}
	// The address is not sent unless the caller opted in.
	for _, b := range f.body {
		if strings.Contains(b, "alice") || !strings.Contains(b, "autodiscover@example.test") {
			t.Errorf("request body %q", b)
		}
	}
	f.body = nil
	f.discover(t, "alice@example.test", func(d *Discoverer) { d.SendAddress = true })
	if len(f.body) == 0 || !strings.Contains(f.body[0], "<EMailAddress>alice@example.test</EMailAddress>") {
		t.Errorf("with SendAddress, bodies %q", f.body)
	}
}

// TestDiscoverAutodiscoverHTTPRedirectMethod checks the opt-in HTTP
// redirect method: an http:// answer that redirects to https inside the
// domain is followed (and the address never goes over http), one that
// redirects elsewhere is not, and without the option http is never asked.
func TestDiscoverAutodiscoverHTTPRedirectMethod(t *testing.T) {
	f := newADFixture(t)
	f.handle("http://autodiscover.example.test"+adPath, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.ContentLength > 0 {
			t.Errorf("%s with a body to the http URL", r.Method)
		}
		http.Redirect(w, r, "https://mail.example.test"+adPath, http.StatusFound)
	})
	f.serve("https://mail.example.test"+adPath, http.StatusOK, adResponse(adProtocol("IMAP", "imap.example.test", 993, "<SPA>off</SPA>")))
	if _, c := f.discover(t, "alice@example.test"); c != nil {
		t.Fatalf("without AutodiscoverRedirects: candidate %v", c)
	}
	_, c := f.discover(t, "alice@example.test", func(d *Discoverer) { d.AutodiscoverRedirects = true })
	if c == nil || c.URL != "https://mail.example.test"+adPath || c.Trust != TrustAuthenticated {
		t.Fatalf("with AutodiscoverRedirects: %+v", c)
	}
}
