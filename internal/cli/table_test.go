package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	var tb Table
	tb.Indent = "  "
	tb.Row("协议", "主机", "端口")
	tb.Row("IMAP", "imap.qq.com", "993")
	tb.Row("SMTP", "smtp\x1b[31m.qq.com", "465")
	var buf bytes.Buffer
	if _, err := tb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	// The third column starts at the same terminal column on every line.
	col := -1
	for _, l := range lines {
		i := strings.LastIndex(l, "  ")
		c := Width(l[:i+2])
		if col >= 0 && c != col {
			t.Errorf("misaligned:\n%s", buf.String())
		}
		col = c
		if strings.ContainsRune(l, '\x1b') || !strings.HasPrefix(l, "  ") {
			t.Errorf("line %q: escape kept or no indent", l)
		}
	}
	if len(tb.rows) != 0 {
		t.Error("rows kept after WriteTo")
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "协议": 4, "QQ邮箱": 6, "ＱＱ": 4, "é": 1, "ü.de": 4} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}
