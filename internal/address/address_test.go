package address

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

var seeds = []string{
	"alice@qq.com", "QQ.COM.", " qq.com ", "例子.中国", "例子。中国", "ＱＱ．ＣＯＭ", "xn--fsqu00a.xn--fiqs8s",
	"", "@", "a@b@qq.com", `"a@b"@qq.com`, "qq..com", "127.0.0.1", "[::1]", "qq.com:993", "http://qq.com",
	"*.qq.com", "xn--zz.com", "xn--qq-.com", "q\u200Dq.com", "a\u05D0.com", "qq.cοm", "qq.com\x00",
	"ab--cd.com", strings.Repeat("a.", 130) + "com", "用户@例子.中国", "Straße.de", "\u00df.com",
}

// FuzzParse checks the invariants of input normalization: it never
// panics; a result is valid and a fixed point; the fast path agrees with
// the general path.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		slow, slowErr := Slow(s)
		if err != nil {
			if _, ok := err.(hostname.Reason); !ok || err.Error() == "" {
				t.Fatalf("Parse(%q) error %v (%T) is not a reason", s, err, err)
			}
			if slowErr == nil {
				t.Fatalf("Parse(%q) failed (%v) but Slow accepted it", s, err)
			}
			return
		}
		if slowErr != nil || slow != q {
			t.Fatalf("Parse(%q) = %+v, Slow = %+v, %v", s, q, slow, slowErr)
		}
		if err := hostname.Check(q.Domain, hostname.Host); err != nil {
			t.Fatalf("Parse(%q) domain %q is invalid: %v", s, q.Domain, err)
		}
		if !utf8.ValidString(q.Unicode) || q.Unicode == "" {
			t.Fatalf("Parse(%q) unicode %q", s, q.Unicode)
		}
		again, err := Parse(q.Domain)
		if err != nil || again.Domain != q.Domain || again.Unicode != q.Unicode {
			t.Fatalf("Parse(%q) = %q, but Parse(%q) = %+v, %v", s, q.Domain, q.Domain, again, err)
		}
		if u, err := Parse(q.Unicode); err != nil || u.Domain != q.Domain {
			t.Fatalf("U-label %q of %q does not map back: %+v, %v", q.Unicode, s, u, err)
		}
		if q.Local != "" {
			a, err := Parse(q.Local + "@" + q.Domain)
			if err != nil || a != q {
				t.Fatalf("address of %q does not normalize to itself: %+v, %v", s, a, err)
			}
		}
	})
}

// TestSeeds runs the fuzz invariants on the seeds in every test run,
// including the ones that fail to parse.
func TestSeeds(t *testing.T) {
	for _, s := range seeds {
		q, err := Parse(s)
		if err == nil {
			if again, err := Parse(q.Domain); err != nil || again.Domain != q.Domain {
				t.Errorf("Parse(%q) is not idempotent: %q then %+v %v", s, q.Domain, again, err)
			}
		}
	}
}

func TestCanonical(t *testing.T) {
	if got, err := Canonical("Alice@Example.TEST"); err != nil || got != "Alice@example.test" {
		t.Errorf("Canonical = %q, %v", got, err)
	}
	for _, in := range []string{"", "alice", "@example.test", "alice@", "a b@example.test",
		`"a"@example.test`, "alice@localhost", "alice@127.0.0.1", "al\x00ice@example.test",
		strings.Repeat("a", 65) + "@example.test", "alice@example.test:25", "al\u202eice@example.test"} {
		if got, err := Canonical(in); err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, got)
		}
	}
}
