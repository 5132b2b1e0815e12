package mailsettings

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits on input, from RFC 1035 §2.3.4 (labels of 63 octets, names of 255
// octets on the wire, which is 253 in text without the final dot) and
// RFC 5321 §4.5.3.1.1 (local parts of 64 octets).
const (
	maxDomainLen = 253
	maxLabelLen  = 63
	maxLocalLen  = 64
	// maxInputLen bounds the work done on a hostile string before it is
	// rejected: a Unicode domain can be longer in UTF-8 than its A-label.
	maxInputLen = 4*maxDomainLen + maxLocalLen + 1
)

// A query is a normalized address or domain.
type query struct {
	local   string // local part as given; "" for a bare domain
	domain  string // lower-case A-label, no trailing dot
	unicode string // the same domain as U-labels
}

// parseQuery splits and normalizes an address or domain. It never panics.
func parseQuery(s string) (query, error) {
	if q, ok := fastQuery(s); ok {
		return q, nil
	}
	return slowQuery(s)
}

// fastQuery handles the common case without allocating: a lower-case ASCII
// domain or address in normal form, with no "xn--" label to decode.
func fastQuery(s string) (query, bool) {
	if len(s) > maxLocalLen+1+maxDomainLen {
		return query{}, false
	}
	var q query
	d := s
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		q.local, d = s[:at], s[at+1:]
		if !isSimpleLocalPart(q.local) {
			return query{}, false
		}
	}
	if !isNormalHostname(d) {
		return query{}, false
	}
	q.domain, q.unicode = d, d
	return q, true
}

// isSimpleLocalPart reports whether s is a non-empty local part of printable
// ASCII without quotes, backslashes or "@", which needs no further checks.
func isSimpleLocalPart(s string) bool {
	if s == "" || len(s) > maxLocalLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '@' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// isNormalHostname reports whether s is a host name in the form this package
// stores: lower-case LDH labels, none starting with "xn--", with a
// non-numeric last label.
func isNormalHostname(s string) bool {
	if len(s) == 0 || len(s) > maxDomainLen {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			c := s[i]
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
				continue
			}
			if c != '.' {
				return false
			}
		}
		label := s[start:i]
		if label == "" || len(label) > maxLabelLen || label[0] == '-' || label[len(label)-1] == '-' ||
			len(label) >= 4 && label[2] == '-' && label[3] == '-' {
			return false
		}
		start = i + 1
	}
	return !allDigits(s[strings.LastIndexByte(s, '.')+1:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// slowQuery is the general path: trimming, case folding, Unicode (UTS #46
// via idna.Lookup), and a precise reason for every rejection.
func slowQuery(input string) (query, error) {
	fail := func(reason string) (query, error) {
		return query{}, &InputError{Input: input, Reason: reason}
	}
	if len(input) > maxInputLen {
		return fail("too long")
	}
	if !utf8.ValidString(input) {
		return fail("not valid UTF-8")
	}
	s := strings.TrimFunc(input, unicode.IsSpace)
	if s == "" {
		return fail("empty")
	}
	var q query
	d := s
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		q.local, d = s[:at], s[at+1:]
		if reason := checkLocalPart(q.local); reason != "" {
			return fail(reason)
		}
		if d == "" {
			return fail("missing domain after @")
		}
	}
	if reason := hostnameSyntax(d); reason != "" {
		return fail(reason)
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		// The string idna returns with an error is never used.
		return fail("not a valid domain name (" + idnaReason(err) + ")")
	}
	a = strings.TrimSuffix(a, ".")
	if err := checkLDH(a); err != nil {
		return fail(err.Error())
	}
	q.domain = a
	q.unicode = a
	if strings.Contains(a, "xn--") {
		u, err := idna.Lookup.ToUnicode(a)
		if err != nil {
			return fail("not a valid domain name (" + idnaReason(err) + ")")
		}
		q.unicode = u
	}
	return q, nil
}

// checkLocalPart returns why local is not a usable local part, or "".
// Quoted local parts (RFC 5321 §4.1.2) may contain "@" and spaces.
func checkLocalPart(local string) string {
	switch {
	case local == "":
		return "missing local part before @"
	case len(local) > maxLocalLen:
		return "local part longer than 64 octets"
	}
	quoted := len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"'
	for _, r := range local {
		if r < ' ' || r == 0x7f || unicode.IsControl(r) {
			return "control character in local part"
		}
		if !quoted && (r == '@' || r == '"' || unicode.IsSpace(r)) {
			return "unquoted " + describeRune(r) + " in local part"
		}
	}
	return ""
}

// hostnameSyntax catches, before IDNA mapping, the inputs that are URLs, IP
// literals or host:port pairs, so that their error says so.
func hostnameSyntax(d string) string {
	for _, r := range d {
		if r < ' ' || r == 0x7f || unicode.IsControl(r) {
			return "control character in domain"
		}
		if unicode.IsSpace(r) {
			return "space in domain"
		}
	}
	switch {
	case strings.HasPrefix(d, "["):
		return "IP address literal, not a domain"
	case strings.Contains(d, "://"):
		return "URL, not a domain"
	case strings.ContainsAny(d, ":/?#"):
		c := d[strings.IndexAny(d, ":/?#")]
		if c == ':' && strings.Count(d, ":") > 1 {
			return "IP address literal, not a domain"
		}
		return "unexpected " + describeRune(rune(c)) + " (give a bare domain, without port or path)"
	}
	return ""
}

// checkHostname validates an A-label host name that has no trailing dot.
func checkHostname(a string) error {
	if err := checkLDH(a); err != nil {
		return err
	}
	if strings.Contains(a, "--") {
		// Punycode labels must decode, and "ab--" labels are reserved
		// (RFC 5891 §4.2.3.1) unless they are valid A-labels.
		if _, err := idna.Lookup.ToUnicode(a); err != nil {
			return errReason("invalid A-label (" + idnaReason(err) + ")")
		}
	}
	return nil
}

// checkServerHost validates the name of a mail server taken from the
// network (autoconfig, DNS, redirects): a valid A-label host name with at
// least two labels, so that "localhost" or a bare TLD is never dialled.
func checkServerHost(a string) error {
	if err := checkHostname(a); err != nil {
		return err
	}
	if !strings.Contains(a, ".") {
		return errReason("single-label host name")
	}
	return nil
}

// checkLDH checks the length and letter-digit-hyphen syntax of a host name
// in A-label form, without decoding its Punycode labels.
func checkLDH(a string) error {
	if a == "" {
		return errReason("empty domain")
	}
	if len(a) > maxDomainLen {
		return errReason("domain longer than 253 octets")
	}
	labels := 0
	for label := range strings.SplitSeq(a, ".") {
		labels++
		switch {
		case label == "":
			return errReason("empty label")
		case len(label) > maxLabelLen:
			return errReason("label longer than 63 octets")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return errReason("invalid character " + describeRune(rune(c)))
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return errReason("label starts or ends with a hyphen")
		}
	}
	last := a[strings.LastIndexByte(a, '.')+1:]
	if allDigits(last) {
		return errReason("IP address literal, not a domain")
	}
	return nil
}

type errReason string

func (e errReason) Error() string { return string(e) }

func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "space"
	case r < ' ' || r == 0x7f:
		return "control character"
	}
	return fmt.Sprintf("character %q", r)
}

// idnaReason turns an idna error into a short reason without the input.
func idnaReason(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "idna: ")
	if i := strings.Index(msg, " in "); i > 0 {
		msg = msg[:i]
	}
	return msg
}
