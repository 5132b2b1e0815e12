// Package sanitize turns untrusted strings from documents and the network
// into values that are safe to keep: host names in canonical form, email
// addresses, and display text without control or bidi characters.
//
// It is the one place where the format packages (internal/pacc,
// internal/autodiscover, internal/mobileconfig, internal/srvzone) apply the
// project's rules for untrusted input, so that reading and writing agree.
// The limits follow RFC 1035 §2.3.4 (labels of 63 octets, names of 253
// octets in text), RFC 5321 §4.5.3.1.1 (local parts of 64 octets) and
// UTS #46 (golang.org/x/net/idna, Lookup profile) for Unicode names.
package sanitize

import (
	"errors"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

const (
	maxHostLen  = 253
	maxLabelLen = 63
	maxLocalLen = 64
	// maxInput bounds the work done on a hostile string before it is
	// rejected: a Unicode name can be longer in UTF-8 than its A-label.
	maxInput = 4*maxHostLen + maxLocalLen + 1
)

// ErrHost is wrapped by every error from [Host]; the error text says why.
var ErrHost = errors.New("invalid host name")

// ErrAddress is wrapped by every error from [Address].
var ErrAddress = errors.New("invalid email address")

type reasonError struct {
	kind   error
	reason string
}

func (e *reasonError) Error() string { return e.kind.Error() + ": " + e.reason }
func (e *reasonError) Unwrap() error { return e.kind }

func hostErr(reason string) error { return &reasonError{ErrHost, reason} }

// Host returns s as the name of a server that may be dialled: a lower-case
// A-label host name without a trailing dot, with at least two labels, that
// is not an IP address literal and carries no port, path or user
// information. One trailing dot (as DNS answers carry) is removed and
// Unicode names are converted with IDNA's Lookup profile. Any error wraps
// [ErrHost]; for "host:port" input its text contains "port".
func Host(s string) (string, error) {
	if len(s) > maxInput {
		return "", hostErr("too long")
	}
	if !utf8.ValidString(s) {
		return "", hostErr("not valid UTF-8")
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", hostErr("empty")
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", hostErr("control or format character")
		}
		if unicode.IsSpace(r) {
			return "", hostErr("space")
		}
	}
	switch {
	case strings.HasPrefix(s, "["):
		return "", hostErr("IP address literal")
	case net.ParseIP(s) != nil:
		return "", hostErr("IP address literal")
	case strings.Count(s, ":") > 1:
		return "", hostErr("IP address literal")
	case strings.Contains(s, ":"):
		return "", hostErr("has a port (give the host name alone)")
	case strings.ContainsAny(s, "/?#@\\%"):
		return "", hostErr("not a plain host name")
	}
	a := s
	if !isASCII(s) {
		var err error
		if a, err = idna.Lookup.ToASCII(s); err != nil {
			return "", hostErr("not a valid internationalized name")
		}
	}
	a = strings.ToLower(a)
	if err := checkLDH(a); err != nil {
		return "", err
	}
	if strings.Contains(a, "--") {
		// Punycode labels must decode, and other "ab--" labels are
		// reserved (RFC 5891 §4.2.3.1).
		if _, err := idna.Lookup.ToUnicode(a); err != nil {
			return "", hostErr("invalid A-label")
		}
	}
	return a, nil
}

// checkLDH checks length and letter-digit-hyphen syntax of a lower-case
// A-label name.
func checkLDH(a string) error {
	if len(a) > maxHostLen {
		return hostErr("longer than 253 octets")
	}
	labels := 0
	for label := range strings.SplitSeq(a, ".") {
		labels++
		if label == "" {
			return hostErr("empty label")
		}
		if len(label) > maxLabelLen {
			return hostErr("label longer than 63 octets")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return hostErr("character not allowed in a host name")
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return hostErr("label starts or ends with a hyphen")
		}
	}
	last := a[strings.LastIndexByte(a, '.')+1:]
	if allDigits(last) {
		return hostErr("IP address literal")
	}
	if labels < 2 {
		return hostErr("single-label name")
	}
	return nil
}

// Address returns s as an email address local@host, with the host made
// canonical by [Host]. The local part must be 1 to 64 octets of printable
// characters without spaces, quotes, backslashes or "@"; quoted local
// parts are refused, since no provider needs them for account setup. Any
// error wraps [ErrAddress].
func Address(s string) (string, error) {
	if len(s) > maxInput {
		return "", &reasonError{ErrAddress, "too long"}
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", &reasonError{ErrAddress, "no @"}
	}
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > maxLocalLen || !utf8.ValidString(local) {
		return "", &reasonError{ErrAddress, "local part empty, too long or not UTF-8"}
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || r == '"' || r == '\\' || r == '@' ||
			unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return "", &reasonError{ErrAddress, "character not allowed in the local part"}
		}
	}
	h, err := Host(domain)
	if err != nil {
		return "", &reasonError{ErrAddress, err.Error()}
	}
	return local + "@" + h, nil
}

// Text returns s made safe to show and store: invalid UTF-8 becomes
// U+FFFD, control characters (C0 and C1), Unicode format characters
// (including the bidi embeddings, overrides and isolates) and line or
// paragraph separators become spaces, runs of spaces collapse, leading and
// trailing spaces go, and the result is cut at a character boundary to at
// most max bytes.
func Text(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) ||
			unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if b.Len()+1 > max {
				break
			}
			b.WriteByte(' ')
			space = false
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}

// IsClean reports whether s is already what [Text] would make of it with
// the same max, so that a writer can refuse text that would not read back
// unchanged.
func IsClean(s string, max int) bool {
	return utf8.ValidString(s) && Text(s, max) == s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
