package sanitize

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"  padded  ", "padded"},
		{"a\r\nb", "a b"},
		{"a\x00b\x1b[2Jc", "a b [2Jc"},
		{"evil\u202egnp.exe", "evil gnp.exe"},
		{"zero\u200bwidth", "zero width"},
		{"bom\ufeffhere", "bom here"},
		{"c1\u0085\u009bx", "c1 x"},
		{"line\u2028para\u2029end", "line para end"},
		{"bad \xff utf8", "bad \ufffd utf8"},
		{"tab\tand  spaces", "tab and spaces"},
		{"private\ue000use", "private use"},
		{"non\uffffchar", "non char"},
		{"中文 ok", "中文 ok"},
	} {
		if got := Text(tc.in, 100); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextBound(t *testing.T) {
	got := Text(strings.Repeat("é", 100), 11)
	if got != strings.Repeat("é", 4)+"…" {
		t.Errorf("Text cut = %q", got)
	}
	if got := Text(strings.Repeat("a", 20), 20); got != strings.Repeat("a", 20) {
		t.Errorf("Text at the bound = %q", got)
	}
}

func TestWord(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AUTH=PLAIN", "AUTH=PLAIN"},
		{"A\x00B C\xff", "ABC"},
		{strings.Repeat("x", 80), strings.Repeat("x", 64)},
	} {
		if got := Word(tc.in, 64); got != tc.want {
			t.Errorf("Word(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\u202e", "\xff\xfe", strings.Repeat("ab ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s, 512)
		if len(got) > 512 || !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		for _, r := range strings.TrimSuffix(got, "…") {
			if unsafe(r) || r != ' ' && r < 0x80 && r <= ' ' {
				t.Fatalf("Text(%q) = %q keeps %U", s, got, r)
			}
		}
		if Text(got, 512) != got {
			t.Fatalf("Text is not idempotent on %q", got)
		}
		w := Word(s, 64)
		for i := 0; i < len(w); i++ {
			if w[i] <= ' ' || w[i] >= 0x7f {
				t.Fatalf("Word(%q) = %q", s, w)
			}
		}
	})
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer text", 10, "a longe…"},
		{"a\x00b\ncontrol", 40, "a\x00b\ncontrol"}, // kept: %q escapes it
		{"ééééé", 8, "éé…"},                        // never inside a rune
	} {
		got := Clip(c.in, c.max)
		if got != c.want || len(got) > c.max {
			t.Errorf("Clip(%q, %d) = %q, want %q (at most %d bytes)", c.in, c.max, got, c.want, c.max)
		}
	}
}

func TestError(t *testing.T) {
	if Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
	clean := errors.New("connection refused")
	if got := Error(clean); got != clean {
		t.Errorf("a clean error was wrapped: %#v", got)
	}
	inner := &net.DNSError{Err: "no such host", Name: "evil\x1b[31m.example"}
	err := Error(fmt.Errorf("fetch: %w", inner))
	if strings.ContainsAny(err.Error(), "\x1b\r\n") {
		t.Errorf("text not sanitized: %q", err.Error())
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || dnsErr != inner {
		t.Error("the original error is not reachable with errors.As")
	}
	if long := Error(errors.New(strings.Repeat("é\n", MaxError))); len(long.Error()) > MaxError {
		t.Errorf("text of %d bytes, want at most %d", len(long.Error()), MaxError)
	}
}
