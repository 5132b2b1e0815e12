// Package address splits and normalizes what users type as an email
// address or a mail domain: "alice@qq.com", "QQ.COM.", " qq.com ",
// "例子.中国". The domain is normalized by package hostname; the local part
// is checked against RFC 5321 §4.1.2 and §4.5.3.1.1 (at most 64 octets).
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

// IsSimpleLocalPart reports whether s is a non-empty local part of
// printable ASCII without quotes, backslashes or "@", which needs no
// further checks.
func IsSimpleLocalPart(s string) bool {
	if s == "" || len(s) > MaxLocalLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '@' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Slow is the general path of Parse: trimming, case folding, Unicode, and
// a precise reason for every rejection. Tests compare it with Parse.
func Slow(input string) (Query, error) {
	if len(input) > maxInputLen {
		return Query{}, hostname.Reason("too long")
	}
	if !utf8.ValidString(input) {
		return Query{}, hostname.Reason("not valid UTF-8")
	}
	s := strings.TrimFunc(input, unicode.IsSpace)
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

// checkLocalPart returns why local is not a usable local part, or "".
// Quoted local parts (RFC 5321 §4.1.2) may contain "@" and spaces.
func checkLocalPart(local string) string {
	switch {
	case local == "":
		return "missing local part before @"
	case len(local) > MaxLocalLen:
		return "local part longer than 64 octets"
	}
	quoted := len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"'
	for _, r := range local {
		if r < ' ' || r == 0x7f || unicode.IsControl(r) {
			return "control character in local part"
		}
		if !quoted && (r == '@' || r == '"' || unicode.IsSpace(r)) {
			return "unquoted " + hostname.DescribeRune(r) + " in local part"
		}
	}
	return ""
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
