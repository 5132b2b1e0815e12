package sanitize

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHost(t *testing.T) {
	good := []struct{ in, want string }{
		{"imap.example.test", "imap.example.test"},
		{"IMAP.Example.TEST", "imap.example.test"},
		{"imap.example.test.", "imap.example.test"},
		{"mail.bücher.example", "mail.xn--bcher-kva.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"a-b.c1.example", "a-b.c1.example"},
	}
	for _, c := range good {
		got, err := Host(c.in)
		if err != nil || got != c.want {
			t.Errorf("Host(%q) = %q, %v, want %q", c.in, got, err, c.want)
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
		{"imap.example.test/x", "plain"},
		{"user@imap.example.test", "plain"},
		{"imap example.test", "space"},
		{"imap.example.test\x00", "control"},
		{"imap.\u202eexample.test", "format"},
		{"imap..example.test", "empty label"},
		{"-imap.example.test", "hyphen"},
		{"imap_x.example.test", "not allowed"},
		{"xn--zz.example", "A-label"},
		{"ab--cd.example", "A-label"},
		{strings.Repeat("a", 64) + ".example", "63"},
		{strings.Repeat("a.", 127) + "example", "253"},
		{strings.Repeat("a", 2000), "too long"},
		{"\xff.example", "UTF-8"},
		{"%EMAILDOMAIN%.example", "plain"},
	}
	for _, c := range bad {
		got, err := Host(c.in)
		if err == nil || !errors.Is(err, ErrHost) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("Host(%q) = %q, %v, want an ErrHost about %q", c.in, got, err, c.reason)
		}
	}
}

func TestAddress(t *testing.T) {
	if got, err := Address("Alice@Example.TEST"); err != nil || got != "Alice@example.test" {
		t.Errorf("Address = %q, %v", got, err)
	}
	for _, in := range []string{"", "alice", "@example.test", "alice@", "a b@example.test",
		`"a"@example.test`, "alice@localhost", "alice@127.0.0.1", "al\x00ice@example.test",
		strings.Repeat("a", 65) + "@example.test", "alice@example.test:25", "al\u202eice@example.test"} {
		if got, err := Address(in); err == nil || !errors.Is(err, ErrAddress) {
			t.Errorf("Address(%q) = %q, %v, want an ErrAddress", in, got, err)
		}
	}
}

func TestText(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"Example Provider", 100, "Example Provider"},
		{"  Example \t\n Provider  ", 100, "Example Provider"},
		{"Evil\u202eredivorP", 100, "Evil redivorP"},
		{"a\u2066b\u2069c\u200fd", 100, "a b c d"},
		{"esc\x1b[31mred", 100, "esc [31mred"},
		{"c1\u0085x", 100, "c1 x"},
		{"line\u2028sep", 100, "line sep"},
		{"bad\xffutf8", 100, "bad\ufffdutf8"},
		{"ééé", 5, "éé"},
		{"abc def", 4, "abc"},
		{"", 10, ""},
	}
	for _, c := range cases {
		got := Text(c.in, c.max)
		if got != c.want {
			t.Errorf("Text(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		if !utf8.ValidString(got) || len(got) > c.max {
			t.Errorf("Text(%q) = %q: invalid or too long", c.in, got)
		}
		if !IsClean(got, c.max) {
			t.Errorf("IsClean(Text(%q)) = false", c.in)
		}
	}
	if IsClean("a\u202eb", 10) || IsClean(" a", 10) || IsClean("a\xff", 10) {
		t.Error("IsClean accepted unclean text")
	}
}

func FuzzText(f *testing.F) {
	f.Add("Example\u202e \x00 x", 20)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := Text(s, max)
		if len(got) > max || !utf8.ValidString(got) || Text(got, max) != got {
			t.Fatalf("Text(%q, %d) = %q", s, max, got)
		}
	})
}

func FuzzHost(f *testing.F) {
	f.Add("IMAP.Example.test.")
	f.Add("mail.bücher.example")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Host(s)
		if err != nil {
			if !errors.Is(err, ErrHost) || h != "" {
				t.Fatalf("Host(%q) = %q, %v", s, h, err)
			}
			return
		}
		if h2, err := Host(h); err != nil || h2 != h {
			t.Fatalf("Host(%q) = %q, but Host(%q) = %q, %v", s, h, h, h2, err)
		}
	})
}
