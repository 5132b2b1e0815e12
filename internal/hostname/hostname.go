// Package hostname validates host names. It is the one place that says
// which names this module accepts, in three modes: a mail domain or host as
// a program stores it ([Host]), a server name that came from the network
// ([Server]), and a probe target ([Target]). Normalizing what users type
// (case, Unicode, a trailing dot) is [Normalize]'s job.
//
// Limits come from RFC 1035 §2.3.4 (labels of 63 octets, names of 253
// octets in text) and RFC 5891 (IDNA A-labels).
package hostname

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits on host names.
const (
	MaxLen      = 253
	MaxLabelLen = 63
)

// A Mode says what kind of name is checked.
type Mode uint8

// The modes.
const (
	// Host is a normalized host name as this module stores it: lower-case
	// letter-digit-hyphen labels, Punycode labels that decode, a last
	// label that is not all digits (so never an IPv4 address).
	Host Mode = iota
	// Server is a mail server's name taken from the network (autoconfig,
	// DNS answers, redirects): a Host with at least two labels, not under
	// "localhost", so that loopback or a bare TLD is never dialled because
	// a document said so.
	Server
	// Target is a probe target given by the caller: lower-case
	// letter-digit-hyphen syntax, any number of labels, Punycode not
	// decoded (an IP literal is handled by the caller).
	Target
)

// A Reason says why a name was refused. It is an error.
type Reason string

func (r Reason) Error() string { return string(r) }

// Check reports why name is not acceptable in mode m, or nil.
func Check(name string, m Mode) error {
	if m == Target {
		return checkLDH(name)
	}
	if err := checkLDH(name); err != nil {
		return err
	}
	if strings.Contains(name, "--") {
		// Punycode labels must decode, and "ab--" labels are reserved
		// (RFC 5891 §4.2.3.1) unless they are valid A-labels.
		if _, err := idna.Lookup.ToUnicode(name); err != nil {
			return Reason("invalid A-label (" + idnaReason(err) + ")")
		}
	}
	if m == Server {
		switch {
		case !strings.Contains(name, "."):
			return Reason("single-label host name")
		case strings.HasSuffix(name, ".localhost"):
			// RFC 6761 §6.3: always loopback, so never a server a document
			// or a DNS answer may send a client to.
			return Reason("a localhost name")
		}
	}
	return nil
}

// IsNormal reports, without allocating, whether s is a host name in the
// form this module stores that needs no further check: lower-case LDH
// labels, none starting with "xn--" or having "--" at positions 3 and 4,
// with a non-numeric last label. A false answer means "check it the slow
// way", not "invalid".
func IsNormal(s string) bool {
	if len(s) == 0 || len(s) > MaxLen {
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
		if label == "" || len(label) > MaxLabelLen || label[0] == '-' || label[len(label)-1] == '-' ||
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

// Normalize maps a domain as a user types it (any case, Unicode, full-width
// dots, a trailing dot) to its lower-case A-label form and its U-label
// form, using the UTS #46 Lookup profile. It refuses, with a precise
// reason, URLs, IP literals, host:port pairs, control characters and
// spaces, and anything [Check] refuses in mode Host.
func Normalize(d string) (ascii, unicode string, err error) {
	if reason := syntax(d); reason != "" {
		return "", "", Reason(reason)
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		// The string idna returns with an error is never used.
		return "", "", Reason("not a valid domain name (" + idnaReason(err) + ")")
	}
	a = strings.TrimSuffix(a, ".")
	if err := checkLDH(a); err != nil {
		return "", "", err
	}
	u := a
	if strings.Contains(a, "xn--") {
		// a was mapped and validated by ToASCII, so decoding its
		// A-labels is all that is left (Lookup.ToUnicode would map
		// and validate them again, to the same result).
		if u, err = idna.Punycode.ToUnicode(a); err != nil {
			return "", "", Reason("not a valid domain name (" + idnaReason(err) + ")")
		}
	}
	return a, u, nil
}

// Canonical returns a host name given in any case, with Unicode labels or
// one final dot (as DNS answers carry it), in its lower-case A-label form,
// checked in mode m. It is the rule for host names read from a document or
// the network.
func Canonical(s string, m Mode) (string, error) {
	if len(s) > 4*MaxLen {
		return "", Reason("too long")
	}
	if !utf8.ValidString(s) {
		return "", Reason("not valid UTF-8")
	}
	if s == "." || strings.HasSuffix(s, "..") {
		return "", Reason("empty label")
	}
	a, _, err := Normalize(strings.TrimSuffix(s, "."))
	if err != nil {
		return "", err
	}
	if err := Check(a, m); err != nil {
		return "", err
	}
	return a, nil
}

// syntax catches, before IDNA mapping, the inputs that are URLs, IP
// literals or host:port pairs, so that their error says so.
func syntax(d string) string {
	for _, r := range d {
		if r == utf8.RuneError {
			return "not valid UTF-8"
		}
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
	case strings.ContainsAny(d, "@%\\"):
		return "invalid " + DescribeRune(rune(d[strings.IndexAny(d, "@%\\")]))
	case strings.ContainsAny(d, ":/?#"):
		c := d[strings.IndexAny(d, ":/?#")]
		if c == ':' && strings.Count(d, ":") > 1 {
			return "IP address literal, not a domain"
		}
		return "unexpected " + DescribeRune(rune(c)) + " (give a bare domain, without port or path)"
	}
	return ""
}

// checkLDH checks the length and letter-digit-hyphen syntax of a host name
// in A-label form, without decoding its Punycode labels.
func checkLDH(a string) error {
	if a == "" {
		return Reason("empty domain")
	}
	if len(a) > MaxLen {
		return Reason("domain longer than 253 octets")
	}
	for label := range strings.SplitSeq(a, ".") {
		switch {
		case label == "":
			return Reason("empty label")
		case len(label) > MaxLabelLen:
			return Reason("label longer than 63 octets")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return Reason("invalid character " + DescribeRune(rune(c)))
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return Reason("label starts or ends with a hyphen")
		}
	}
	if allDigits(a[strings.LastIndexByte(a, '.')+1:]) {
		return Reason("IP address literal, not a domain")
	}
	return nil
}

// DescribeRune names r for an error message without printing a control
// character.
func DescribeRune(r rune) string {
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
