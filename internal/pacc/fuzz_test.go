package pacc

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// FuzzParse checks that Parse never panics, fails only with ErrDocument,
// returns only validated values, and that whatever Marshal accepts from
// its result reads back unchanged.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"protocols":{"imap":{"host":"IMAP.example.test:993"},"smtp":{"host":"s.example.test"}},"a":{"a":1,"a":2}}`))
	f.Add([]byte(`{"info":{"provider":{"name":"\u202eX\u0000"}},"authentication":{"password":false}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := Parse(body)
		if err != nil {
			if !errors.Is(err, ErrDocument) {
				t.Fatalf("error %v does not wrap ErrDocument", err)
			}
			return
		}
		for _, list := range [][]Server{c.IMAP, c.POP3, c.Submit} {
			if len(list) > 1 {
				t.Fatalf("more than one server: %v", list)
			}
			for _, s := range list {
				if h, err := hostname.Canonical(s.Host, hostname.Server); err != nil || h != s.Host || s.TLS != ImplicitTLS {
					t.Fatalf("server %+v", s)
				}
			}
		}
		for _, u := range []string{c.JMAP, c.CalDAV, c.CardDAV, c.OAuthIssuer, c.DocumentationURL} {
			if u != "" && !strings.HasPrefix(u, "https://") {
				t.Fatalf("URL %q", u)
			}
		}
		for _, s := range []string{c.ProviderName, c.ProviderShortName} {
			if !utf8.ValidString(s) || !sanitize.IsClean(s, MaxTextLen) {
				t.Fatalf("text %q", s)
			}
		}
		out, err := Marshal(c)
		if err != nil {
			return // e.g. no provider name: not publishable, fine
		}
		back, err := Parse(out)
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("Parse(Marshal(c)) = %+v, %v\nwant %+v", back, err, c)
		}
	})
}
