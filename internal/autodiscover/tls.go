package autodiscover

import (
	"strconv"
	"strings"
)

// TLSMode says how a client secures a connection to a server.
type TLSMode uint8

// The TLS modes. The zero value is invalid.
const (
	ImplicitTLS TLSMode = iota + 1 // TLS from the first byte (RFC 8314)
	STARTTLS                       // plaintext greeting, then STARTTLS
	Plaintext                      // no TLS at all
)

// String returns "implicit TLS", "STARTTLS", "plaintext" or "TLSMode(N)".
func (m TLSMode) String() string {
	switch m {
	case ImplicitTLS:
		return "implicit TLS"
	case STARTTLS:
		return "STARTTLS"
	case Plaintext:
		return "plaintext"
	}
	return "TLSMode(" + strconv.Itoa(int(m)) + ")"
}

// starttlsPorts are the ports on which Thunderbird reads SSL=on as STARTTLS
// (ExchangeAutoDiscover.sys.mjs, readAutoDiscoverXML): IMAP 143, POP3 110,
// SMTP 25 and submission 587.
func starttlsPort(port int) bool {
	switch port {
	case 143, 110, 25, 587:
		return true
	}
	return false
}

// TLS returns the encryption to use for p, decided as Thunderbird does:
// Plaintext if SSL is "off" or Encryption is "None" (both compared without
// case), else STARTTLS on ports 143, 110, 25 and 587, else ImplicitTLS. The
// Encryption values "SSL", "TLS" and "Auto" are not used, because servers
// write "TLS" both for STARTTLS (automx, Outlook's convention) and for
// implicit TLS (mox); see the package documentation.
func (p Protocol) TLS() TLSMode {
	if strings.EqualFold(p.SSL, "off") || strings.EqualFold(p.Encryption, "none") {
		return Plaintext
	}
	if starttlsPort(p.Port) {
		return STARTTLS
	}
	return ImplicitTLS
}

// WantsSPA reports whether p asks for Secure Password Authentication
// (NTLM or Kerberos through SSPI): when SPA is "on" or absent, which
// Microsoft defines as "on" (spa-pox). A client that logs in with a plain
// password over TLS should tell the user that the server may expect SPA.
func (p Protocol) WantsSPA() bool { return p.SPA == "" || strings.EqualFold(p.SPA, "on") }
