package mailsettings

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/tlsmode"
)

// A Protocol is a mail access protocol, as its lower-case name, which is
// also its JSON form. The zero value is invalid.
type Protocol string

// The protocols a [ServerEndpoint] can speak. Their order is the order of
// preference for incoming mail: IMAP before POP3.
const (
	IMAP Protocol = "imap" // IMAP4rev1/IMAP4rev2 (RFC 3501, RFC 9051)
	POP3 Protocol = "pop3" // POP3 (RFC 1939)
	SMTP Protocol = "smtp" // message submission (RFC 6409, RFC 8314)
)

// protocols lists the protocols in order of preference; a protocol's
// place, from 1, is also its code in the internal packages and the data.
func protocols() [3]Protocol { return [...]Protocol{IMAP, POP3, SMTP} }

// rank is p's place in protocols, from 1, or 0 for an invalid value.
func (p Protocol) rank() int { all := protocols(); return slices.Index(all[:], p) + 1 }

// valid reports whether p is one of the defined protocols.
func (p Protocol) valid() bool { return p.rank() > 0 }

// protocolOf returns the protocol whose rank is n, or "".
func protocolOf(n int) Protocol { all := protocols(); return codeOf(all[:], n) }

// name returns "IMAP", "POP3" or "SMTP", for messages.
func (p Protocol) name() string {
	if !p.valid() {
		return invalidCode("protocol", string(p))
	}
	return strings.ToUpper(string(p))
}

// invalidCode describes an invalid code for a message, sanitized and
// bounded, since it may come from a document: `invalid protocol "x"`.
func invalidCode(what, s string) string {
	return "invalid " + what + " " + strconv.Quote(sanitize.Clip(s, 40))
}

// Encryption says how a connection to a [ServerEndpoint] is protected, as
// a short code that is also its JSON form. The zero value is invalid. The
// order below is the order of preference (RFC 8314): implicit TLS before
// STARTTLS before plaintext.
type Encryption string

// The encryption modes.
const (
	// ImplicitTLS starts TLS with the first byte (ports 465, 993, 995).
	ImplicitTLS Encryption = "tls"
	// STARTTLS starts in plaintext and upgrades with STARTTLS or STLS before
	// anything else is sent (ports 587, 143, 110).
	STARTTLS Encryption = "starttls"
	// Plaintext never encrypts. It is listed only where a provider offers
	// nothing better, is never preferred over an encrypted endpoint, and is
	// never used to send a credential by this package.
	Plaintext Encryption = "plain"
)

// encryptions lists the modes in order of preference; a mode's place,
// from 1, is also its code in the internal packages (package tlsmode) and
// the data.
func encryptions() [3]Encryption { return [...]Encryption{ImplicitTLS, STARTTLS, Plaintext} }

// rank is e's place in encryptions, from 1, or 0 for an invalid value.
func (e Encryption) rank() int { all := encryptions(); return slices.Index(all[:], e) + 1 }

// valid reports whether e is one of the defined modes.
func (e Encryption) valid() bool { return e.rank() > 0 }

// mode returns e as the internal packages' TLS mode (0 if invalid).
func (e Encryption) mode() tlsmode.Mode { return tlsmode.Mode(e.rank()) }

// encryptionOf returns the mode whose rank is n, or "".
func encryptionOf(n int) Encryption { all := encryptions(); return codeOf(all[:], n) }

// name returns "implicit TLS", "STARTTLS" or "plaintext", for messages.
func (e Encryption) name() string {
	if !e.valid() {
		return invalidCode("encryption", string(e))
	}
	return e.mode().String()
}

// A UsernameForm says what to type as the login name, as the placeholder
// of the Mozilla autoconfig format, which is also its JSON form, so that
// a form and a concrete username can share a JSON field. The zero value
// is invalid.
type UsernameForm string

// The username forms.
const (
	// UsernameAddress is the full email address, "alice@example.com".
	UsernameAddress UsernameForm = "%EMAILADDRESS%"
	// UsernameLocalPart is the part before the "@", "alice".
	UsernameLocalPart UsernameForm = "%EMAILLOCALPART%"
	// UsernameLocalPartDotDomain is "alice.example.com", used by a few ISPs.
	UsernameLocalPartDotDomain UsernameForm = "%EMAILLOCALPART%.%EMAILDOMAIN%"
)

// usernameForms lists the forms; a form's place, from 1, is its code in
// the data.
func usernameForms() [3]UsernameForm {
	return [...]UsernameForm{UsernameAddress, UsernameLocalPart, UsernameLocalPartDotDomain}
}

// valid reports whether u is one of the defined forms.
func (u UsernameForm) valid() bool { all := usernameForms(); return slices.Contains(all[:], u) }

// usernameFormOf returns the form whose code is n, or "".
func usernameFormOf(n int) UsernameForm { all := usernameForms(); return codeOf(all[:], n) }

// parseUsernameForm returns the form spelled s, in any case.
func parseUsernameForm(s string) (UsernameForm, bool) {
	all := usernameForms()
	return parseCode(all[:], s)
}

// expand returns the username for the address local@domain, or "" if u is
// invalid or the part it needs is empty.
func (u UsernameForm) expand(local, domain string) string {
	switch {
	case u == UsernameAddress && local != "" && domain != "":
		return local + "@" + domain
	case u == UsernameLocalPart && local != "":
		return local
	case u == UsernameLocalPartDotDomain && local != "" && domain != "":
		return local + "." + domain
	}
	return ""
}

// A ServerEndpoint is one way to reach a mail server. It is comparable, so
// endpoints can be used as map keys and compared with ==.
type ServerEndpoint struct {
	Protocol   Protocol     `json:"protocol"`   // IMAP, POP3 or SMTP submission
	Host       string       `json:"host"`       // lower-case A-label, no trailing dot
	Port       uint16       `json:"port"`       // 1-65535
	Encryption Encryption   `json:"encryption"` // implicit TLS, STARTTLS or plaintext
	Username   UsernameForm `json:"username"`   // what to log in with; see [Settings.Username]
}

// Addr returns "host:port", ready for net.Dial.
func (e ServerEndpoint) Addr() string {
	return net.JoinHostPort(e.Host, strconv.Itoa(int(e.Port)))
}

// String returns a short description such as "IMAP imap.qq.com:993 implicit TLS".
func (e ServerEndpoint) String() string {
	return e.Protocol.name() + " " + e.Addr() + " " + e.Encryption.name()
}

// Validate reports whether every field of e is set and well formed: a valid
// protocol, encryption and username form, a port from 1 to 65535 and a host
// name that would be accepted as input (see [Lookup]), already normalized.
// Endpoints that come from outside (autoconfig, DNS) are checked with it.
func (e ServerEndpoint) Validate() error {
	switch {
	case !e.Protocol.valid():
		return fmt.Errorf("mailsettings: endpoint %s: invalid protocol", e)
	case !e.Encryption.valid():
		return fmt.Errorf("mailsettings: endpoint %s: invalid encryption", e)
	case !e.Username.valid():
		return fmt.Errorf("mailsettings: endpoint %s: invalid username form", e)
	case e.Port == 0:
		return fmt.Errorf("mailsettings: endpoint %s: port 0", e)
	}
	if err := hostname.Check(e.Host, hostname.Host); err != nil {
		return fmt.Errorf("mailsettings: endpoint %s: %w", e, err)
	}
	return nil
}

// compare orders endpoints by preference, as slices.SortFunc wants:
// encrypted before plaintext, then by protocol (IMAP, POP3, SMTP), then by
// encryption (implicit TLS first).
func (e ServerEndpoint) compare(f ServerEndpoint) int {
	if ep, fp := e.Encryption == Plaintext, f.Encryption == Plaintext; ep != fp {
		if ep {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(e.Protocol.rank(), f.Protocol.rank()), cmp.Compare(e.Encryption.rank(), f.Encryption.rank()))
}

// An srvService is one RFC 6186/RFC 8314 service label and the endpoints
// it names: read by the SRV source (discover_dns.go), written by
// Provider.SRVRecords (publish_srv.go).
type srvService struct {
	label string
	proto Protocol
	enc   Encryption
}

// srvServices returns the services, in RFC 8314 order of
// preference. The labels without "s" require STARTTLS (RFC 6186 §3.4): no
// SRV record ever yields a plaintext endpoint.
func srvServices() []srvService {
	return []srvService{
		{"submissions", SMTP, ImplicitTLS}, {"submission", SMTP, STARTTLS},
		{"imaps", IMAP, ImplicitTLS}, {"imap", IMAP, STARTTLS},
		{"pop3s", POP3, ImplicitTLS}, {"pop3", POP3, STARTTLS},
	}
}
