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

// FuzzLookup checks Lookup itself, whose fast path skips parseQuery: it
// never panics; every error wraps exactly one of the two sentinels; the
// result agrees with the general path; and looking up the normalized
// domain, its U-label form or the normalized address gives the same answer.
func FuzzLookup(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add(s)
	}
	for _, s := range []string{"qq.com", "alice@gmx.net", "a@b@qq.com", "@qq.com", "\"x\"@qq.com", "alice@qq.com.", "x@hotmail.co.uk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Lookup(in)
		invalid, unknown := errors.Is(err, ErrInvalidInput), errors.Is(err, ErrUnknownDomain)
		switch {
		case err != nil && invalid == unknown:
			t.Fatalf("Lookup(%q) error %v wraps %v of the sentinels", in, err, map[bool]string{true: "both", false: "neither"}[invalid])
		case invalid:
			if !s.Provider.IsZero() || s.Domain != "" {
				t.Fatalf("Lookup(%q) = %+v with an invalid-input error", in, s)
			}
			return
		case unknown != (s.Provider.IsZero()):
			t.Fatalf("Lookup(%q) = provider %v, error %v", in, s.Provider, err)
		}
		q, qerr := parseQuery(in)
		if qerr != nil || q.domain != s.Domain || q.unicode != s.UnicodeDomain || q.local != s.LocalPart {
			t.Fatalf("Lookup(%q) = %q %q %q, parseQuery = %+v, %v", in, s.LocalPart, s.Domain, s.UnicodeDomain, q, qerr)
		}
		for _, again := range []string{s.Domain, s.UnicodeDomain, s.Address()} {
			if again == "" {
				continue
			}
			a, err := Lookup(again)
			if a.Domain != s.Domain || a.Provider != s.Provider || errors.Is(err, ErrInvalidInput) {
				t.Fatalf("Lookup(%q) = %q %v, but Lookup(%q) = %q %v, %v", in, s.Domain, s.Provider, again, a.Domain, a.Provider, err)
			}
		}
	})
}
