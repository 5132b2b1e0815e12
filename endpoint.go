package mailsettings

import (
	"cmp"
	"fmt"
	"net"
	"strconv"

	"github.com/mailsettings/mailsettings/internal/hostname"
)

// A Protocol is a mail access protocol. The zero value is invalid.
type Protocol uint8

// The protocols a [ServerEndpoint] can speak. Their order is the order of
// preference for incoming mail: IMAP before POP3.
const (
	IMAP Protocol = iota + 1 // IMAP4rev1/IMAP4rev2 (RFC 3501, RFC 9051)
	POP3                     // POP3 (RFC 1939)
	SMTP                     // message submission (RFC 6409, RFC 8314)
)

var protocolEnum = &enum{typ: "Protocol", what: "protocol", first: 1,
	texts: []string{IMAP: "imap", POP3: "pop3", SMTP: "smtp"},
	names: []string{IMAP: "IMAP", POP3: "POP3", SMTP: "SMTP"}}

// valid reports whether p is one of the defined protocols.
func (p Protocol) valid() bool { return protocolEnum.valid(uint8(p)) }

// Incoming reports whether p is used to read mail (IMAP or POP3).
func (p Protocol) Incoming() bool { return p == IMAP || p == POP3 }

// String returns "IMAP", "POP3" or "SMTP", or "Protocol(N)" for an invalid value.
func (p Protocol) String() string { return protocolEnum.String(uint8(p)) }

// MarshalText returns "imap", "pop3" or "smtp". It fails for an invalid value.
func (p Protocol) MarshalText() ([]byte, error) { return protocolEnum.marshal(uint8(p)) }

// UnmarshalText accepts the forms written by [Protocol.MarshalText], in any case.
func (p *Protocol) UnmarshalText(b []byte) error {
	v, err := protocolEnum.unmarshal(b)
	if err == nil {
		*p = Protocol(v)
	}
	return err
}

// Encryption says how a connection to a [ServerEndpoint] is protected. The
// zero value is invalid. Its order is the order of preference (RFC 8314):
// implicit TLS before STARTTLS before plaintext.
type Encryption uint8

// The encryption modes.
const (
	// ImplicitTLS starts TLS with the first byte (ports 465, 993, 995).
	ImplicitTLS Encryption = iota + 1
	// STARTTLS starts in plaintext and upgrades with STARTTLS or STLS before
	// anything else is sent (ports 587, 143, 110).
	STARTTLS
	// Plaintext never encrypts. It is listed only where a provider offers
	// nothing better, is never preferred over an encrypted endpoint, and is
	// never used to send a credential by this package.
	Plaintext
)

var encryptionEnum = &enum{typ: "Encryption", what: "encryption", first: 1,
	texts: []string{ImplicitTLS: "tls", STARTTLS: "starttls", Plaintext: "plain"},
	names: []string{ImplicitTLS: "implicit TLS", STARTTLS: "STARTTLS", Plaintext: "plaintext"}}

// valid reports whether e is one of the defined modes.
func (e Encryption) valid() bool { return encryptionEnum.valid(uint8(e)) }

// String returns "implicit TLS", "STARTTLS" or "plaintext", or
// "Encryption(N)" for an invalid value.
func (e Encryption) String() string { return encryptionEnum.String(uint8(e)) }

// MarshalText returns "tls", "starttls" or "plain". It fails for an invalid value.
func (e Encryption) MarshalText() ([]byte, error) { return encryptionEnum.marshal(uint8(e)) }

// UnmarshalText accepts the forms written by [Encryption.MarshalText], in any case.
func (e *Encryption) UnmarshalText(b []byte) error {
	v, err := encryptionEnum.unmarshal(b)
	if err == nil {
		*e = Encryption(v)
	}
	return err
}

// A UsernameForm says what to type as the login name. The zero value is
// invalid. The text forms are the placeholders of the Mozilla autoconfig
// format, so that a form and a concrete username can share a JSON field.
type UsernameForm uint8

// The username forms.
const (
	// UsernameAddress is the full email address, "alice@example.com".
	UsernameAddress UsernameForm = iota + 1
	// UsernameLocalPart is the part before the "@", "alice".
	UsernameLocalPart
	// UsernameLocalPartDotDomain is "alice.example.com", used by a few ISPs.
	UsernameLocalPartDotDomain
)

var usernameEnum = &enum{typ: "UsernameForm", what: "username form", first: 1,
	texts: []string{
		UsernameAddress:            "%EMAILADDRESS%",
		UsernameLocalPart:          "%EMAILLOCALPART%",
		UsernameLocalPartDotDomain: "%EMAILLOCALPART%.%EMAILDOMAIN%",
	}}

// valid reports whether u is one of the defined forms.
func (u UsernameForm) valid() bool { return usernameEnum.valid(uint8(u)) }

// String returns the autoconfig placeholder, such as "%EMAILADDRESS%", or
// "UsernameForm(N)" for an invalid value.
func (u UsernameForm) String() string { return usernameEnum.String(uint8(u)) }

// MarshalText returns the autoconfig placeholder. It fails for an invalid value.
func (u UsernameForm) MarshalText() ([]byte, error) { return usernameEnum.marshal(uint8(u)) }

// UnmarshalText accepts the forms written by [UsernameForm.MarshalText].
func (u *UsernameForm) UnmarshalText(b []byte) error {
	v, err := usernameEnum.unmarshal(b)
	if err == nil {
		*u = UsernameForm(v)
	}
	return err
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
	return e.Protocol.String() + " " + e.Addr() + " " + e.Encryption.String()
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
	return cmp.Or(cmp.Compare(e.Protocol, f.Protocol), cmp.Compare(e.Encryption, f.Encryption))
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
