package hostname

import (
	"strings"
	"testing"
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
