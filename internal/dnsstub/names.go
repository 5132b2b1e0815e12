package dnsstub

import (
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

// Name limits (RFC 1035 §2.3.4), counted without the final dot.
const (
	maxNameLen  = 253
	maxLabelLen = 63
)

// queryName returns name as a lower-case FQDN if it is a valid name to ask
// about: labels of letters, digits, hyphens and underscores (service labels
// such as "_imaps" and "_ua-auto-config"), 1 to 63 octets each, at most 253
// octets in all, not the root.
func queryName(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	if !validLabels(n, true) {
		return "", false
	}
	return n + ".", true
}

// hostName returns the normalized form (lower case, final dot) of a host
// name taken from an answer, such as an SRV or MX target, or false if it is
// not usable by the library's rule for server names from the network
// (hostname.Server).
func hostName(name string) (string, bool) {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	if hostname.Check(n, hostname.Server) != nil {
		return "", false
	}
	return n + ".", true
}

// validLabels checks the length and characters of a lower-case name without
// a final dot. underscore allows "_" anywhere in a label and hyphens at its
// ends (owner names such as "_imaps._tcp"); without it the labels must be
// host name labels.
func validLabels(n string, underscore bool) bool {
	if n == "" || len(n) > maxNameLen {
		return false
	}
	for label := range strings.SplitSeq(n, ".") {
		if label == "" || len(label) > maxLabelLen {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || underscore && c == '_') {
				return false
			}
		}
		if !underscore && (label[0] == '-' || label[len(label)-1] == '-') {
			return false
		}
	}
	return true
}

// sameName reports whether a and b are the same DNS name: equal up to ASCII
// case (RFC 4343) and a final dot.
func sameName(a, b string) bool {
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

// lower folds an ASCII upper-case letter; other octets are unchanged.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
