// Package address splits and normalizes what users type or paste as an
// email address or a mail domain: "alice@qq.com", "QQ.COM.", " qq.com ",
// "例子.中国", "mailto:alice@qq.com", "Alice <alice@qq.com>". The domain is
// normalized by package hostname; the local part is checked against
// RFC 5321 §4.1.2 and §4.5.3.1.1 (at most 64 octets).
package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

// Limits on input.
const (
	MaxLocalLen = 64
	// maxInputLen bounds the work done on a hostile string before it is
	// rejected: a Unicode domain can be longer in UTF-8 than its A-label.
	maxInputLen = 4*hostname.MaxLen + MaxLocalLen + 1
)

// A Query is a normalized address or domain.
type Query struct {
	Local   string // local part as given; "" for a bare domain
	Domain  string // lower-case A-label, no trailing dot
	Unicode string // the same domain as U-labels
}

// Address returns "local@domain", or "" for a bare domain.
func (q Query) Address() string {
	if q.Local == "" {
		return ""
	}
	return q.Local + "@" + q.Domain
}

// Parse splits and normalizes an address or domain. On failure it returns
// the reason, a short phrase such as "label longer than 63 octets". It
// never panics.
func Parse(s string) (Query, error) {
	if q, ok := fast(s); ok {
		return q, nil
	}
	return Slow(s)
}

// fast handles the common case without allocating: a lower-case ASCII
// domain or address in normal form, with no "xn--" label to decode.
func fast(s string) (Query, bool) {
	if len(s) > MaxLocalLen+1+hostname.MaxLen {
		return Query{}, false
	}
	var q Query
	d := s
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		q.Local, d = s[:at], s[at+1:]
		if !IsSimpleLocalPart(q.Local) {
			return Query{}, false
		}
	}
	if !hostname.IsNormal(d) {
		return Query{}, false
	}
	q.Domain, q.Unicode = d, d
	return q, true
}

// IsSimpleLocalPart reports whether s is a non-empty local part in the
// RFC 5321 §4.1.2 Dot-string form, in ASCII: atoms of RFC 5322 atext
// joined by single dots, with no dot first or last. It needs no further
// checks, and it is the fast path of Parse and of the root's Lookup.
func IsSimpleLocalPart(s string) bool {
	if s == "" || len(s) > MaxLocalLen || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i-1] == '.' {
				return false
			}
			continue
		}
		if c >= 0x80 || !atext[c] {
			return false
		}
	}
	return true
}

// atext marks the ASCII characters RFC 5322 §3.2.3 allows in an atom:
// letters, digits and !#$%&'*+-/=?^_`{|}~.
var atext = func() (t [0x80]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-/=?^_`{|}~" {
		t[c] = true
	}
	return t
}()

// Slow is the general path of Parse: trimming, unwrapping what people
// paste (see unwrap), case folding, Unicode, and a precise reason for
// every rejection. Tests compare it with Parse.
func Slow(input string) (Query, error) {
	if len(input) > maxInputLen {
		return Query{}, hostname.Reason("too long")
	}
	if !utf8.ValidString(input) {
		return Query{}, hostname.Reason("not valid UTF-8")
	}
	s, reason := unwrap(strings.TrimFunc(input, unicode.IsSpace))
	if reason != "" {
		return Query{}, hostname.Reason(reason)
	}
	if s == "" {
		return Query{}, hostname.Reason("empty")
	}
	var q Query
	d := s
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		q.Local, d = s[:at], s[at+1:]
		if reason := checkLocalPart(q.Local); reason != "" {
			return Query{}, hostname.Reason(reason)
		}
		if d == "" {
			return Query{}, hostname.Reason("missing domain after @")
		}
	}
	a, u, err := hostname.Normalize(d)
	if err != nil {
		return Query{}, err
	}
	q.Domain, q.Unicode = a, u
	return q, nil
}

// checkLocalPart returns why local is not a usable local part, or "". It
// follows RFC 5321 §4.1.2: a Dot-string (atoms of atext joined by single
// dots) or a Quoted-string, which may hold "@" and spaces; RFC 6531 adds
// UTF-8 beyond ASCII. Controls and format characters (bidi controls,
// zero-width characters) are refused anywhere; comments, which RFC 5322
// allows around an address but RFC 5321 does not, are refused too.
func checkLocalPart(local string) string {
	switch {
	case local == "":
		return "missing local part before @"
	case len(local) > MaxLocalLen:
		return "local part longer than 64 octets"
	case local[0] == '"':
		return checkQuoted(local[1:])
	}
	for i, r := range local {
		switch {
		case r == '.':
			switch {
			case i == 0:
				return "local part starts with a dot"
			case i == len(local)-1:
				return "local part ends with a dot"
			case local[i-1] == '.':
				return "two dots in a row in local part"
			}
		case r < 0x80 && atext[r]:
		case badRune(r):
			return badRuneReason(r)
		case r >= 0x80 && !unicode.IsSpace(r):
			// UTF-8 beyond ASCII (RFC 6531).
		case r == '"':
			return "unbalanced quote in local part"
		case r == '(' || r == ')':
			return "comment (parentheses) in local part"
		case r == '\\':
			return "backslash outside quotes in local part"
		default:
			return "unquoted " + hostname.DescribeRune(r) + " in local part"
		}
	}
	return ""
}

// checkQuoted checks the rest of a local part that starts with a quote:
// quoted text (any printable character but quote and backslash) and
// quoted pairs (a backslash before a printable ASCII character), then the closing
// quote, last.
func checkQuoted(rest string) string {
	n := 0 // characters between the quotes
	for i := 0; i < len(rest); {
		r, size := utf8.DecodeRuneInString(rest[i:])
		switch {
		case r == '"':
			switch {
			case i != len(rest)-1:
				return "unbalanced quote in local part"
			case n == 0:
				return "empty quoted local part"
			}
			return ""
		case r == '\\':
			if i+1 >= len(rest) || rest[i+1] < ' ' || rest[i+1] > '~' {
				return "backslash before nothing printable in local part"
			}
			size = 2
		case badRune(r):
			return badRuneReason(r)
		}
		i += size
		n++
	}
	return "unbalanced quote in local part"
}

// badRune reports whether r is refused in any local part: a control or a
// format character.
func badRune(r rune) bool {
	return r < ' ' || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

func badRuneReason(r rune) string {
	if unicode.Is(unicode.Cf, r) {
		return "format character in local part"
	}
	return "control character in local part"
}

// Canonical returns an email address from a document or the network
// ("Alice@Example.TEST") as local@domain with the domain canonical in mode
// hostname.Server. The local part must be 1 to 64 octets without controls,
// format characters, spaces, quotes, backslashes or "@": a quoted local
// part is refused, since no provider needs one for account setup.
func Canonical(s string) (string, error) {
	if len(s) > maxInputLen {
		return "", hostname.Reason("too long")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", hostname.Reason("no @")
	}
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > MaxLocalLen || !utf8.ValidString(local) {
		return "", hostname.Reason("local part empty, too long or not UTF-8")
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || r == '"' || r == '\\' || r == '@' ||
			unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return "", hostname.Reason("character not allowed in the local part")
		}
	}
	d, err := hostname.Canonical(domain, hostname.Server)
	if err != nil {
		return "", err
	}
	return local + "@" + d, nil
}
