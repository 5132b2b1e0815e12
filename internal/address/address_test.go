package address

import (
	"net/mail"
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
	"mailto:alice@qq.com", "MAILTO:alice@qq.com?subject=hi", "mailto:a%40b@qq.com", "Alice <alice@qq.com>",
	`"Smith, J" <j@qq.com>`, "<alice@qq.com>", "<mailto:alice@qq.com>", "(alice@qq.com)", "“alice@qq.com”",
	"alice@qq.com,", "al..ice@qq.com", ".alice@qq.com", "alice.@qq.com", "<alice>@qq.com", "<alice>",
	"alice(x)@qq.com", `"alice@qq.com`, `al"ice@qq.com`, `"a\"b"@qq.com`, `""@qq.com`, "((((alice@qq.com))))",
	"a\u202eb@qq.com", "mailto:", "Alice <>", "'alice'@qq.com",
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

// TestPasted: what people paste around an address is taken off, and the
// address inside is parsed as if typed alone.
func TestPasted(t *testing.T) {
	for _, c := range []struct{ in, local, domain string }{
		{"mailto:alice@qq.com", "alice", "qq.com"},
		{"MailTo:Alice@QQ.com", "Alice", "qq.com"},
		{"mailto:alice@qq.com?subject=Hello&body=x", "alice", "qq.com"},
		{"mailto:al%2Bice@qq.com", "al+ice", "qq.com"},
		{"Alice <alice@qq.com>", "alice", "qq.com"},
		{"Alice<alice@qq.com>", "alice", "qq.com"},
		{`"Smith, Jane" <jane@qq.com>`, "jane", "qq.com"},
		{"张三 <zhangsan@qq.com>", "zhangsan", "qq.com"},
		{"=?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>", "zhangsan", "qq.com"},
		{"Alice (work) <alice@qq.com>", "alice", "qq.com"},
		{"<alice@qq.com>", "alice", "qq.com"},
		{"<mailto:alice@qq.com>", "alice", "qq.com"},
		{"  <alice@例子.中国>  ", "alice", "xn--fsqu00a.xn--fiqs8s"},
		{"(alice@qq.com)", "alice", "qq.com"},
		{"“alice@qq.com”", "alice", "qq.com"},
		{"「alice@qq.com」", "alice", "qq.com"},
		{"'alice@qq.com'", "alice", "qq.com"},
		{`"alice@qq.com"`, "alice", "qq.com"},
		{"alice@qq.com,", "alice", "qq.com"},
		{"alice@qq.com;", "alice", "qq.com"},
		{"alice@qq.com，", "alice", "qq.com"},
		{"(alice@qq.com),", "alice", "qq.com"},
		{"qq.com:", "", "qq.com"},
		{"(qq.com)", "", "qq.com"},
		// What must stay as it is.
		{`"a@b"@qq.com`, `"a@b"`, "qq.com"},
		{`"a b"@qq.com`, `"a b"`, "qq.com"},
		{`"a\"b"@qq.com`, `"a\"b"`, "qq.com"},
		{"'alice'@qq.com", "'alice'", "qq.com"},
		{"a.b.c@qq.com", "a.b.c", "qq.com"},
		{"user+tag@qq.com", "user+tag", "qq.com"},
		{"用户@qq.com", "用户", "qq.com"},
	} {
		q, err := Parse(c.in)
		if err != nil || q.Local != c.local || q.Domain != c.domain {
			t.Errorf("Parse(%q) = %+v, %v; want local %q domain %q", c.in, q, err, c.local, c.domain)
		}
	}
}

// TestLocalPartRefused: local parts RFC 5321 does not allow, and malformed
// wrappings, are refused with their reason.
func TestLocalPartRefused(t *testing.T) {
	for _, c := range []struct{ in, reason string }{
		{"al..ice@qq.com", "two dots in a row"},
		{".alice@qq.com", "starts with a dot"},
		{"alice.@qq.com", "ends with a dot"},
		{"<alice>@qq.com", "unquoted character '<'"},
		{"<alice>", "angle brackets without an address"},
		{"Alice <alice>", "angle brackets without an address"},
		{"Alice <>", "angle brackets without an address"},
		{"alice(comment)@qq.com", "comment"},
		{"(comment)alice@qq.com", "comment"},
		{`"alice@qq.com`, "unbalanced quote"},
		{`alice"@qq.com`, "unbalanced quote"},
		{`al"ice@qq.com`, "unbalanced quote"},
		{`"al"ice@qq.com`, "unbalanced quote"},
		{`"alice\"@qq.com`, "unbalanced quote"},
		{`""@qq.com`, "empty quoted local part"},
		{`al\ice@qq.com`, "backslash outside quotes"},
		{"al ice@qq.com", "unquoted space"},
		{"al,ice@qq.com", "unquoted character ','"},
		{"al\u202eice@qq.com", "format character"},
		{"\"al\u200bice\"@qq.com", "format character"},
		{"al\x01ice@qq.com", "control character"},
		{"\"al\x01ice\"@qq.com", "control character"},
		{"mailto:a@qq.com,b@qq.com", "more than one address"},
		{"mailto:al%zzice@qq.com", "%-escape"},
		{"mailto:", "empty"},
		{`Al"ice <alice@qq.com>`, "display name"},
		{"Alice, Bob <alice@qq.com>", "display name"},
		{"Alice <al..ice@qq.com>", "two dots in a row"},
		{"mailto:al..ice@qq.com", "two dots in a row"},
	} {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("Parse(%q) error = %v, want a reason with %q", c.in, err, c.reason)
		}
	}
}

// TestLikeNetMail: for a mailbox "Name <address>", the address found is the
// one net/mail finds.
func TestLikeNetMail(t *testing.T) {
	for _, in := range []string{
		"Alice <alice@qq.com>", `"Smith, Jane" <jane@qq.com>`, "张三 <zhangsan@qq.com>",
		"=?UTF-8?B?5byg5LiJ?= <zhangsan@qq.com>", "Alice (work) <alice@qq.com>", "<alice@qq.com>",
		"Bob Example <bob.example+tag@example.org>",
	} {
		m, err := mail.ParseAddress(in)
		if err != nil {
			t.Fatalf("net/mail refuses %q: %v", in, err)
		}
		q, err := Parse(in)
		if err != nil || q.Address() != m.Address {
			t.Errorf("Parse(%q) = %q, %v; net/mail finds %q", in, q.Address(), err, m.Address)
		}
	}
}

// TestSimpleLocalPart: the fast path's rule is RFC 5321's Dot-string in
// ASCII, and it agrees with checkLocalPart on what it accepts.
func TestSimpleLocalPart(t *testing.T) {
	for s, want := range map[string]bool{
		"alice": true, "a.b": true, "user+tag": true, "o'brien": true, "a!#$%&'*+-/=?^_`{|}~z": true,
		"": false, ".a": false, "a.": false, "a..b": false, "a b": false, `"a"`: false, "a\\b": false,
		"a@b": false, "mailto:a": false, "a(b)": false, "<a>": false, "a,b": false, "用户": false,
		strings.Repeat("a", 65): false,
	} {
		if got := IsSimpleLocalPart(s); got != want {
			t.Errorf("IsSimpleLocalPart(%q) = %v, want %v", s, got, want)
		}
		if want && checkLocalPart(s) != "" {
			t.Errorf("checkLocalPart(%q) = %q, but the fast path accepts it", s, checkLocalPart(s))
		}
	}
}

// TestFastPathAllocs: Parse of a plain lower-case address allocates
// nothing.
func TestFastPathAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _, _ = Parse("alice.smith@qq.com") }); n != 0 {
		t.Errorf("Parse of a plain address allocates %v times", n)
	}
}

// TestUnwrapBounded: a deep nest of brackets is refused or parsed in
// bounded work, never looped on.
func TestUnwrapBounded(t *testing.T) {
	in := strings.Repeat("(", 500) + "alice@qq.com" + strings.Repeat(")", 500)
	if _, err := Parse(in); err == nil {
		t.Errorf("Parse of %d nested brackets succeeded", 500)
	}
	if q, err := Parse("((((alice@qq.com))))"); err != nil || q.Local != "alice" {
		t.Errorf("Parse of four brackets = %+v, %v", q, err)
	}
}

// TestDisplayNameLikeNetMail: the display names unwrap accepts before
// "<address>" are those net/mail accepts.
func TestDisplayNameLikeNetMail(t *testing.T) {
	for _, d := range []string{
		"Alice", "Alice Smith", `"Smith, Jane"`, "张三", "=?UTF-8?B?5byg5LiJ?=", "Alice (work)", "(work) Alice",
		"J. Smith", "Dr. No", "a.b.c", `"a\"b"`, `"Alice" Smith`, "O'Brien", "Ünal Öz", "x+y=z",
		`Al"ice`, "Alice, Bob", "a@b", "(only a comment)", `"unterminated`, "Alice (unterminated", "Alice [x]",
		"Alice:", "Alice;", "Alice)", "Ali<ce", "Ali>ce", `Ali\ce`, "((nested) comment) Alice",
	} {
		_, err := mail.ParseAddress(d + " <a@example.com>")
		if got, want := displayName(d+" "), err == nil; got != want {
			t.Errorf("displayName(%q) = %v, net/mail says %v (%v)", d, got, want, err)
		}
	}
}
