package autodiscover

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// FuzzParseResponse checks that ParseResponse never panics, fails only
// with ErrResponse, returns a known kind, valid servers and clean text, and
// that the redirect checks never accept a target outside the domain.
func FuzzParseResponse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseResponse(body)
		if err != nil {
			if !errors.Is(err, ErrResponse) {
				t.Fatalf("error %v does not wrap ErrResponse", err)
			}
			return
		}
		if r.Kind < KindSettings || r.Kind > KindError {
			t.Fatalf("kind %d", r.Kind)
		}
		for _, p := range r.Protocols {
			if h, err := hostname.Canonical(p.Server, hostname.Server); err != nil || h != p.Server || p.Port < 1 || p.Port > 65535 {
				t.Fatalf("protocol %+v", p)
			}
			if m := p.TLS(); m != ImplicitTLS && m != STARTTLS && m != Plaintext {
				t.Fatalf("TLS %v", m)
			}
			for _, s := range []string{p.LoginName, p.SSL, p.Encryption, p.SPA} {
				if !utf8.ValidString(s) || sanitize.Text(s, len(s)) != s {
					t.Fatalf("unclean %q", s)
				}
			}
		}
		for _, s := range []string{r.DisplayName, r.RedirectURL, r.RedirectAddr, r.ErrorCode, r.ErrorMessage} {
			if !utf8.ValidString(s) || sanitize.Text(s, len(s)) != s {
				t.Fatalf("unclean %q", s)
			}
		}
		if u, err := CheckURL("example.com", r.RedirectURL); err == nil && !SameRegistrableDomain("example.com", hostOf(u)) {
			t.Fatalf("CheckURL accepted %q", u)
		}
	})
}

func hostOf(u string) string {
	const p = "https://"
	u = u[len(p):]
	for i := 0; i < len(u); i++ {
		if u[i] == '/' || u[i] == ':' || u[i] == '?' || u[i] == '#' {
			return u[:i]
		}
	}
	return u
}

// FuzzParseRequest checks that ParseRequest never panics and returns only
// valid addresses.
func FuzzParseRequest(f *testing.F) {
	f.Add(Request("alice@example.com"))
	f.Add([]byte(`<Autodiscover><Request><EMailAddress>a@b.c</EMailAddress></Request></Autodiscover>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseRequest(body)
		if err != nil {
			if !errors.Is(err, ErrRequest) {
				t.Fatalf("error %v does not wrap ErrRequest", err)
			}
			return
		}
		if a2, err := address.Canonical(a); err != nil || a2 != a {
			t.Fatalf("address %q", a)
		}
		if a2, err := ParseRequest(Request(a)); err != nil || a2 != a {
			t.Fatalf("Request(%q) reads back as %q, %v", a, a2, err)
		}
	})
}
