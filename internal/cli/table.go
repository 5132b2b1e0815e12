package cli

import (
	"io"
	"strings"
	"unicode/utf8"
)

// A Table collects rows and writes them with aligned columns, two spaces
// apart. Widths count East Asian wide characters (汉字, full-width forms) as
// two columns, as terminals show them, so that Chinese headers line up.
type Table struct {
	// Indent starts every line.
	Indent string
	rows   [][]string
}

// Row adds a row; every cell is Clean.
func (t *Table) Row(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Clean(c)
	}
	t.rows = append(t.rows, row)
}

// WriteTo writes the rows and forgets them.
func (t *Table) WriteTo(w io.Writer) (int64, error) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Width(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(t.Indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-Width(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	t.rows = t.rows[:0]
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Width returns the number of terminal columns s takes.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
		if wide(r) {
			n++
		}
	}
	return n
}

// wide reports whether r is East Asian Wide or Fullwidth (UAX #11), by
// the blocks that hold such characters.
func wide(r rune) bool {
	return r >= 0x1100 && r <= 0x115f || // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e || // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff || // kana, CJK symbols
		r >= 0x3400 && r <= 0x4dbf || // CJK Extension A
		r >= 0x4e00 && r <= 0x9fff || // CJK Unified Ideographs
		r >= 0xa000 && r <= 0xa4cf || // Yi
		r >= 0xac00 && r <= 0xd7a3 || // Hangul syllables
		r >= 0xf900 && r <= 0xfaff || // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f || // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6 || // full-width forms
		r >= 0x1f300 && r <= 0x1f64f || r >= 0x1f900 && r <= 0x1f9ff || // emoji
		r >= 0x20000 && r <= 0x3fffd // CJK Extensions B and later
}
