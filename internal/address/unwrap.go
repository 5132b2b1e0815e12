package address

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxUnwrap bounds the layers unwrap takes off, so that a hostile input
// of nested brackets costs a bounded amount of work.
const maxUnwrap = 8

// pairs are the brackets and quotes people put around an address or a
// domain when they paste it, opener then closer. Square and curly brackets
// are not among them: "[127.0.0.1]" is an address literal, which must be
// refused as one.
var pairs = [][2]rune{
	{'(', ')'}, {'"', '"'}, {'\'', '\''}, {'“', '”'}, {'‘', '’'}, {'«', '»'},
	{'「', '」'}, {'『', '』'}, {'（', '）'}, {'【', '】'}, {'《', '》'},
}

// trailing is the punctuation a sentence leaves after an address:
// "write to alice@qq.com, or ...". A final dot is not in it: "qq.com." is
// a domain in absolute form, which hostname already accepts.
const trailing = ",;:!?，；：！？、"

// bare reports whether s holds only ASCII letters, digits and ".-@_+":
// nothing unwrap takes off, so the common input skips its work.
func bare(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '@' || c == '_' || c == '+') {
			return false
		}
	}
	return true
}

// unwrap takes off what surrounds an address or a domain as people paste
// it, layer by layer: space, a "mailto:" URI scheme (RFC 6068: one address,
// its "?" header fields dropped, %-escapes decoded), an RFC 5322 mailbox
// "Display Name <alice@qq.com>" (the display name as net/mail reads it),
// bare angle brackets, matching quotes or brackets around the whole, and
// trailing punctuation. It returns why the input cannot be an address
// when a layer is malformed, such as angle brackets without an address.
// An input with a control character is left whole, for the checks of the
// local part and the domain to refuse with that reason.
func unwrap(s string) (string, string) {
	if bare(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return s, ""
	}
	mailto := false
	for range maxUnwrap {
		before := s
		s = strings.TrimFunc(s, unicode.IsSpace)
		if !mailto && len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
			mailto = true
			var reason string
			if s, reason = mailtoAddress(s[7:]); reason != "" {
				return "", reason
			}
		}
		if strings.HasSuffix(s, ">") {
			if i := strings.LastIndexByte(s, '<'); i >= 0 {
				display, inner := s[:i], s[i+1:len(s)-1]
				if !strings.Contains(inner, "@") {
					return "", "angle brackets without an address in them"
				}
				if strings.TrimFunc(display, unicode.IsSpace) != "" && !displayName(display) {
					return "", "display name before <address> not understood"
				}
				s = inner
			}
		}
		if r, n := utf8.DecodeRuneInString(s); n > 0 && n < len(s) {
			last, m := utf8.DecodeLastRuneInString(s)
			for _, p := range pairs {
				if r == p[0] && last == p[1] && n+m <= len(s) {
					s = s[n : len(s)-m]
					break
				}
			}
		}
		s = strings.TrimRight(s, trailing)
		if s == before {
			break
		}
	}
	return s, ""
}

// mailtoAddress returns the address of a mailto: URI without its scheme.
func mailtoAddress(s string) (string, string) {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	a, err := url.PathUnescape(s)
	switch {
	case err != nil:
		return "", "bad %-escape in a mailto: URI"
	case strings.Contains(a, ","):
		return "", "more than one address in a mailto: URI"
	}
	return a, ""
}

// displayName reports whether display is the display name of a mailbox
// (RFC 5322 §3.4 name-addr) as net/mail reads it: words that are atoms
// (atext, with dots as obs-phrase allows, and UTF-8 as RFC 6532 does, so
// RFC 2047 encoded words too) or quoted strings, with comments after the
// first. The address inside the angle brackets is checked by Parse's own
// rules instead, which net/mail's differ from. (net/mail itself is not
// used: it would add to every program that calls Lookup.)
func displayName(display string) bool {
	words := 0
	for i := 0; i < len(display); {
		c := display[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			n := quotedLen(display[i:])
			if n == 0 {
				return false
			}
			i += n
			words++
		case c == '(':
			// net/mail takes no comment before the first word.
			n := commentLen(display[i:])
			if n == 0 || words == 0 {
				return false
			}
			i += n
		default:
			start := i
			for i < len(display) && phraseChar(display[i]) {
				i++
			}
			if i == start {
				return false
			}
			words++
		}
	}
	return words > 0
}

// phraseChar reports whether byte c may be part of an atom of a phrase:
// atext, a dot, or a byte of a UTF-8 sequence (valid UTF-8 and the absence
// of controls were checked before).
func phraseChar(c byte) bool {
	return c >= 0x80 || c == '.' || atext[c]
}

// quotedLen returns the length of the quoted string at the start of s,
// quotes included, or 0 if it does not end.
func quotedLen(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return 0
}

// commentLen returns the length of the comment at the start of s, which
// may nest and hold quoted pairs, or 0 if it does not end.
func commentLen(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}
