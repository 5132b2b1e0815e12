// Package sanitize makes text from the network or from a document safe to
// keep in a value, print on a terminal or write into JSON: no C0 or C1
// control characters (so no CR, LF or ESC sequences), no Unicode format
// characters (the bidi overrides U+202A–U+202E and U+2066–U+2069, zero-width
// characters), valid UTF-8, and a bounded length.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with invalid UTF-8 replaced by U+FFFD (as ranging over a
// string does), control, format and space characters turned into single
// spaces, leading and trailing space removed, and at most max bytes; a
// result cut short ends in "…" (counted in max, which should be at least 3).
func Text(s string, max int) string {
	if clean(s, max) {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unsafe(r) || unicode.IsSpace(r) {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		if b.Len()+utf8.RuneLen(r) > max {
			return cut(b.String(), max)
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// ellipsis marks a text cut short.
const ellipsis = "…"

// cut shortens s, whose length may exceed max, so that it and the ellipsis
// fit in max bytes, at a rune boundary.
func cut(s string, max int) string {
	n := max - len(ellipsis)
	if n < 0 {
		n = 0
	}
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	if n > len(s) {
		n = len(s)
	}
	return strings.TrimRight(s[:n], " ") + ellipsis
}

// clean reports whether Text would return s unchanged: printable ASCII
// without leading, trailing or double spaces, at most max bytes. It is the
// common case and costs no allocation.
func clean(s string, max int) bool {
	if len(s) > max || s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == ' ' && i > 0 && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

// unsafe reports whether r must never be shown: a control character (C0,
// DEL, C1), a format character (Cf: bidi controls, zero-width joiners,
// soft hyphen), a line or paragraph separator, a surrogate, a private-use
// or noncharacter code point.
func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) ||
		unicode.Is(unicode.Zp, r) || unicode.Is(unicode.Cs, r) || unicode.Is(unicode.Co, r) ||
		r&0xfffe == 0xfffe || r >= 0xfdd0 && r <= 0xfdef
}

// Word returns s as a single token: printable ASCII other than space, at
// most max bytes; every other byte is dropped.
func Word(s string, max int) string {
	if len(s) > max {
		s = s[:max]
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return strings.Map(func(r rune) rune {
				if r <= ' ' || r >= 0x7f {
					return -1
				}
				return r
			}, s)
		}
	}
	return s
}

// Clip returns s cut to at most max bytes at a rune boundary, ending in
// "…" when cut (counted in max, which should be at least 3), and otherwise
// unchanged: a bound for quoting untrusted text with %q in an error
// message, where the quoting escapes what Clip keeps.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return cut(s, max)
}

// IsClean reports whether s is already safe: Text(s, max) == s, so that a
// writer can refuse text that would not read back unchanged.
func IsClean(s string, max int) bool { return Text(s, max) == s }

// MaxError bounds the text of an error from Error.
const MaxError = 1024

// Error returns err unchanged if its text is already clean (see IsClean),
// and otherwise an error whose text is Text(err.Error(), MaxError) and that
// unwraps to err, so that errors.Is and errors.As still see what err
// holds. It is for errors whose text can carry what a server sent (a
// status line, a host name from a redirect, a certificate's names).
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if IsClean(msg, MaxError) {
		return err
	}
	return &cleanError{err, Text(msg, MaxError)}
}

// A cleanError is an error with a sanitized text (see Error).
type cleanError struct {
	err error
	msg string
}

func (e *cleanError) Error() string { return e.msg }
func (e *cleanError) Unwrap() error { return e.err }
