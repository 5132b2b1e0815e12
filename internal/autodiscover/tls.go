package autodiscover

import (
	"strings"

	"github.com/mailsettings/mailsettings/internal/tlsmode"
)

// TLSMode is how a client secures a connection (see package tlsmode).
type TLSMode = tlsmode.Mode

// The TLS modes.
const (
	ImplicitTLS = tlsmode.ImplicitTLS
	STARTTLS    = tlsmode.STARTTLS
	Plaintext   = tlsmode.Plaintext
)

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
