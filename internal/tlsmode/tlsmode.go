// Package tlsmode names how a client secures its connection to a mail
// server, for the internal packages that speak to servers and read and
// write settings. A Mode's value is the place, from 1, of the
// mailsettings.Encryption code it stands for in the root's order of
// preference (Encryption.mode and encryptionOf convert; a root test
// checks that the orders agree).
package tlsmode

import "strconv"

// A Mode is implicit TLS, STARTTLS or plaintext. The zero value is
// invalid.
type Mode uint8

// The modes, in RFC 8314's order of preference.
const (
	ImplicitTLS Mode = iota + 1 // TLS from the first byte (RFC 8314)
	STARTTLS                    // plaintext greeting, then STARTTLS
	Plaintext                   // no TLS at all
)

// String returns "implicit TLS", "STARTTLS", "plaintext" or "Mode(N)".
func (m Mode) String() string {
	switch m {
	case ImplicitTLS:
		return "implicit TLS"
	case STARTTLS:
		return "STARTTLS"
	case Plaintext:
		return "plaintext"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}
