package mailsettings

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var normalizeSeeds = []string{
	"alice@qq.com", "QQ.COM.", " qq.com ", "例子.中国", "例子。中国", "ＱＱ．ＣＯＭ", "xn--fsqu00a.xn--fiqs8s",
	"", "@", "a@b@qq.com", `"a@b"@qq.com`, "qq..com", "127.0.0.1", "[::1]", "qq.com:993", "http://qq.com",
	"*.qq.com", "xn--zz.com", "xn--qq-.com", "q\u200Dq.com", "a\u05D0.com", "qq.cοm", "qq.com\x00",
	"ab--cd.com", strings.Repeat("a.", 130) + "com", "用户@例子.中国", "Straße.de", "\u00df.com",
}

// FuzzParseQuery checks the invariants of input normalization: it never
// panics; errors wrap ErrInvalidInput; a result is valid and a fixed point;
// the fast path agrees with the general path.
func FuzzParseQuery(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s)
		slow, slowErr := slowQuery(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("parseQuery(%q) error %v does not wrap ErrInvalidInput", s, err)
			}
			if slowErr == nil {
				t.Fatalf("parseQuery(%q) failed (%v) but slowQuery accepted it", s, err)
			}
			return
		}
		if slowErr != nil || slow != q {
			t.Fatalf("parseQuery(%q) = %+v, slowQuery = %+v, %v", s, q, slow, slowErr)
		}
		if err := checkHostname(q.domain); err != nil {
			t.Fatalf("parseQuery(%q) domain %q is invalid: %v", s, q.domain, err)
		}
		if !utf8.ValidString(q.unicode) || q.unicode == "" {
			t.Fatalf("parseQuery(%q) unicode %q", s, q.unicode)
		}
		again, err := parseQuery(q.domain)
		if err != nil || again.domain != q.domain || again.unicode != q.unicode {
			t.Fatalf("parseQuery(%q) = %q, but parseQuery(%q) = %+v, %v", s, q.domain, q.domain, again, err)
		}
		if u, err := parseQuery(q.unicode); err != nil || u.domain != q.domain {
			t.Fatalf("U-label %q of %q does not map back: %+v, %v", q.unicode, s, u, err)
		}
		if q.local != "" {
			a, err := parseQuery(q.local + "@" + q.domain)
			if err != nil || a != q {
				t.Fatalf("address of %q does not normalize to itself: %+v, %v", s, a, err)
			}
		}
	})
}

// TestNormalizeSeeds runs the fuzz invariants on the seeds in every test
// run, including the ones that fail to parse.
func TestNormalizeSeeds(t *testing.T) {
	for _, s := range normalizeSeeds {
		q, err := parseQuery(s)
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Errorf("parseQuery(%q) = %v", s, err)
		}
		if err == nil {
			if again, err := parseQuery(q.domain); err != nil || again.domain != q.domain {
				t.Errorf("parseQuery(%q) is not idempotent: %q then %+v %v", s, q.domain, again, err)
			}
		}
	}
}
