package hostname

import (
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

func TestCheckModes(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		host, server, target bool
	}{
		{"imap.qq.com", true, true, true},
		{"xn--fiqs8s", true, false, true},
		{"xn--zz.com", false, false, true}, // does not decode
		{"localhost", true, false, true},
		{"imap.localhost", true, false, true},
		{"IMAP.QQ.COM", false, false, false},
		{"1.2.3.4", false, false, false},
		{"a..b", false, false, false},
		{"-a.com", false, false, false},
		{"a_b.com", false, false, false},
		{"", false, false, false},
		{strings.Repeat("a", 64) + ".com", false, false, false},
		{strings.Repeat("a.", 127) + "com", false, false, false},
	} {
		for _, m := range []struct {
			mode Mode
			want bool
		}{{Host, tc.host}, {Server, tc.server}, {Target, tc.target}} {
			if err := Check(tc.name, m.mode); (err == nil) != m.want {
				t.Errorf("Check(%q, %d) = %v, want ok=%v", tc.name, m.mode, err, m.want)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, ascii, unicode, reason string }{
		{"QQ.COM.", "qq.com", "qq.com", ""},
		{"例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国", ""},
		{"ＱＱ．ＣＯＭ", "qq.com", "qq.com", ""},
		{"http://qq.com", "", "", "URL, not a domain"},
		{"qq.com:993", "", "", "unexpected character ':' (give a bare domain, without port or path)"},
		{"[::1]", "", "", "IP address literal, not a domain"},
		{"127.0.0.1", "", "", "IP address literal, not a domain"},
		{"q q.com", "", "", "space in domain"},
		{"qq.com\x00", "", "", "control character in domain"},
	} {
		a, u, err := Normalize(tc.in)
		reason := ""
		if err != nil {
			reason = err.Error()
		}
		if a != tc.ascii || u != tc.unicode || reason != tc.reason {
			t.Errorf("Normalize(%q) = %q, %q, %q; want %q, %q, %q", tc.in, a, u, reason, tc.ascii, tc.unicode, tc.reason)
		}
	}
}

func TestIsNormal(t *testing.T) {
	for s, want := range map[string]bool{"qq.com": true, "xn--fiqs8s": false, "ab--c.com": false, "QQ.com": false, "qq.com.": false, "1.2.3.4": false} {
		if IsNormal(s) != want {
			t.Errorf("IsNormal(%q) = %v", s, !want)
		}
	}
}

func TestCanonical(t *testing.T) {
	good := []struct{ in, want string }{
		{"imap.example.test", "imap.example.test"},
		{"IMAP.Example.TEST", "imap.example.test"},
		{"imap.example.test.", "imap.example.test"},
		{"mail.bücher.example", "mail.xn--bcher-kva.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"a-b.c1.example", "a-b.c1.example"},
	}
	for _, c := range good {
		got, err := Canonical(c.in, Server)
		if err != nil || got != c.want {
			t.Errorf("Canonical(%q) = %q, %v, want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, reason string }{
		{"", "empty"},
		{".", "empty"},
		{"localhost", "single-label"},
		{"com", "single-label"},
		{"127.0.0.1", "IP address"},
		{"[::1]", "IP address"},
		{"::1", "IP address"},
		{"1.2.3.4.5", "IP address"},
		{"imap.example.test:993", "port"},
		{"imap.example.test/x", "path"},
		{"user@imap.example.test", "invalid character '@'"},
		{"imap example.test", "space"},
		{"imap.example.test\x00", "control"},
		{"imap.\u202eexample.test", "not a valid domain name"},
		{"imap..example.test", "empty label"},
		{"imap.example.test..", "empty label"},
		{"-imap.example.test", "invalid label"},
		{"imap_x.example.test", "not a valid domain name"},
		{"xn--zz.example", "invalid label"},
		{"ab--cd.example", "invalid label"},
		{strings.Repeat("a", 64) + ".example", "63"},
		{strings.Repeat("a.", 127) + "example", "253"},
		{strings.Repeat("a", 2000), "too long"},
		{"\xff.example", "UTF-8"},
		{"%EMAILDOMAIN%.example", "invalid character '%'"},
	}
	for _, c := range bad {
		got, err := Canonical(c.in, Server)
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("Canonical(%q) = %q, %v, want an error about %q", c.in, got, err, c.reason)
		}
	}
	if got, err := Canonical("LOCALHOST.", Host); err != nil || got != "localhost" {
		t.Errorf("Canonical(LOCALHOST., Host) = %q, %v", got, err)
	}
}

// FuzzNormalizeUnicode: the U-label form Normalize returns by decoding
// the A-labels it validated is the one a full IDNA lookup of them gives,
// and reads back to the same A-labels.
func FuzzNormalizeUnicode(f *testing.F) {
	for _, s := range []string{
		"例子.中国", "Xn--Fiqs8s.中国", "münchen.de", "MÜNCHEN.DE", "xn--mnchen-3ya.de", "faß.de",
		"ＡＢＣ．ｃｏｍ", "ΣΊΣΥΦΟΣ.gr", "ශ්\u200dරී.lk", "日本語。ＪＰ", "☃.net", "xn--n3h.net", "ẞ.de", "a\u0301.com",
		"qq.com", "xn--zz.com", "مثال.إختبار", "пример.рф", "xn--e1afmkfd.xn--p1ai",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, u, err := Normalize(in)
		if err != nil {
			return
		}
		want, err := idna.Lookup.ToUnicode(a)
		if err != nil || u != want {
			t.Fatalf("Normalize(%q) = %q, %q; Lookup.ToUnicode(%q) = %q, %v", in, a, u, a, want, err)
		}
		if back, _, err := Normalize(u); err != nil || back != a {
			t.Fatalf("Normalize(%q) = %q, %v; want %q back", u, back, err, a)
		}
	})
}
