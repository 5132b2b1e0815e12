package dnsstub

import (
	"strings"
	"testing"
)

func TestHostName(t *testing.T) {
	for in, want := range map[string]string{
		"imap.example.test":                  "imap.example.test.",
		"IMAP.Example.TEST.":                 "imap.example.test.",
		"xn--caf-dma.example":                "xn--caf-dma.example.",
		"a-b.c-d.example":                    "a-b.c-d.example.",
		"123.example":                        "123.example.",
		"mail.example.xn--p1ai":              "mail.example.xn--p1ai.",
		strings.Repeat("a", 63) + ".example": strings.Repeat("a", 63) + ".example.",
	} {
		if got, ok := hostName(in); !ok || got != want {
			t.Errorf("hostName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"", ".", "localhost", "localhost.", "a..example", ".example", "_imaps._tcp.example",
		"-a.example", "a-.example", "a b.example", "a\x00.example", "a\x7f.example", "caf\u00e9.example",
		"192.0.2.1", "example.123", "xn--zz.example", "ab--cd.example",
		strings.Repeat("a", 64) + ".example", strings.Repeat("a.", 126) + "aa",
	} {
		if got, ok := hostName(in); ok {
			t.Errorf("hostName(%q) = %q, want rejected", in, got)
		}
	}
}

func TestQueryName(t *testing.T) {
	for in, want := range map[string]string{
		"_imaps._tcp.Example.test":      "_imaps._tcp.example.test.",
		"_ua-auto-config.example.test.": "_ua-auto-config.example.test.",
		"localhost":                     "localhost.",
		strings.Repeat("a.", 126) + "a": strings.Repeat("a.", 126) + "a.",
	} {
		if got, ok := queryName(in); !ok || got != want {
			t.Errorf("queryName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", ".", "..", "a..b", "a b", "a\x00b", "a/b", "ex\u00e4mple", strings.Repeat("a.", 126) + "ab"} {
		if got, ok := queryName(in); ok {
			t.Errorf("queryName(%q) = %q, want rejected", in, got)
		}
	}
}

func TestSameName(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Example.TEST.", "example.test", true},
		{"example.test", "example.tes", false},
		{"\u212a.test", "k.test", false}, // the Kelvin sign folds to k in Unicode, not in DNS
		{"a\xc0.test", "A\xc0.test", true},
	} {
		if got := sameName(tc.a, tc.b); got != tc.want {
			t.Errorf("sameName(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
