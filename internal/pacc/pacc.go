// Package pacc reads and writes the configuration document of PACC,
// "Automatic Configuration of Email, Calendar, and Contact Server Settings"
// (draft-ietf-mailmaint-pacc-04, IETF mailmaint, Standards Track), and
// checks the DNS digest that ties a document to its domain.
//
// A user agent fetches
//
//	https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json
//
// and accepts the body only if base64(SHA-256(body)) equals the d= tag of a
// TXT record "v=UAAC1; a=sha256; d=..." at _ua-auto-config.DOMAIN
// ([VerifyDigest]). The document names host names only: IMAP on 993, POP3
// on 995 and message submission on 465, always with implicit TLS (RFC
// 8314); it cannot express STARTTLS or other ports, so [Marshal] refuses
// them. Fetching and DNS are the caller's job; this package does no I/O.
//
// Where the facts come from. The draft's body could not be read here
// beyond its front matter, so the member names and digest rules are taken
// from the issue that asked for this package (issue 14, with its published
// test vector) and checked against independent implementations:
//   - automx 3.0 (croessner/automx, docs/protocols/pacc.md,
//     src/automx/renderers/pacc.py, src/automx/dns_contracts.py, which cites
//     PACC-03 §5.2.2.2): the "submit" key that replaced "smtp" in PACC-03,
//     ports 993/995/465 with direct TLS only, several TXT records during a
//     transition, tag order, separator whitespace, a final ";" and unknown
//     tags ignored, tag names and values compared case-sensitively;
//   - pimalaya/io-discovery (src/pacc/verify.rs, types.rs, discover.rs):
//     the JSON members (protocols.*.host, protocols.*.url,
//     authentication.password, authentication.oauth-public.issuer,
//     info.provider.name/shortName, info.help.documentation), character
//     strings of one TXT record concatenated with no separator (RFC 1035
//     §3.3.14, as RFC 6376 §3.6.2.2 and RFC 7208 §3.3 do), constant-time
//     comparison.
//
// The TXT record uses the tag-list syntax of DKIM (RFC 6376 §3.2): tags
// and values are case-sensitive, so "V=UAAC1" or "a=SHA256" is not a UAAC1
// record; white space around tags and "=" is ignored, and so is white
// space inside the base64 value (RFC 6376 §3.2 allows folding white space
// in base64 values). This follows automx; pimalaya compares
// case-insensitively, which accepts more records but never a wrong digest.
//
// Everything read is untrusted: the body is limited to [MaxBodySize] before
// parsing, JSON nesting is bounded, duplicate object keys make the whole
// document unusable (two parsers could otherwise read different values),
// host names must be lower-case-able A-label names of at least two labels
// without port or IP literal, only https URLs are kept, and text is
// stripped of control and bidi characters and bounded.
package pacc

import (
	"errors"

	"github.com/mailsettings/mailsettings/internal/tlsmode"
)

// Limits on a document. Real documents are under 1 KiB.
const (
	// MaxBodySize is the largest body Parse and VerifyDigest accept.
	MaxBodySize = 1 << 20
	// MaxDepth bounds JSON nesting (objects and arrays).
	MaxDepth = 16
	// MaxTextLen bounds the provider name and short name, in bytes.
	MaxTextLen = 256
	// MaxURLLen bounds every URL kept.
	MaxURLLen = 2048
)

// The ports of the PACC protocols; PACC servers always use implicit TLS.
const (
	IMAPPort   = 993
	POP3Port   = 995
	SubmitPort = 465
)

// ErrDocument is wrapped by every error about a document that cannot be
// used at all: too large, not JSON, nested too deeply, with a duplicate
// key, or not an object.
var ErrDocument = errors.New("pacc: unusable configuration document")

// ErrSTARTTLSOnly is wrapped by the error Marshal returns when a protocol
// is offered only with STARTTLS, which PACC cannot express.
var ErrSTARTTLSOnly = errors.New("pacc: protocol offered only with STARTTLS, which PACC cannot express")

// ErrUnpublishable is wrapped by every other error from Marshal: a value
// that PACC cannot carry, or that would not read back unchanged.
var ErrUnpublishable = errors.New("pacc: cannot publish")

// TLSMode is how a client secures a connection (see package tlsmode).
type TLSMode = tlsmode.Mode

// The TLS modes.
const (
	ImplicitTLS = tlsmode.ImplicitTLS
	STARTTLS    = tlsmode.STARTTLS
	Plaintext   = tlsmode.Plaintext
)

// A Server is one endpoint of a protocol.
type Server struct {
	Host string // lower-case A-label host name
	Port int
	TLS  TLSMode
}

// Password is what a document says about password authentication.
type Password uint8

// The values of authentication.password.
const (
	PasswordUnstated Password = iota // the member is absent
	PasswordYes                      // "password": true
	PasswordNo                       // "password": false: OAuth2 only
)

// A Config is the part of a PACC document this package reads and writes.
//
// From Parse, each of IMAP, POP3 and Submit holds at most one server, on
// the protocol's port with ImplicitTLS; Submit comes from the "submit"
// member or, when that is absent, the older "smtp" member. For Marshal,
// the lists may hold every endpoint a provider offers: the first one with
// implicit TLS on the protocol's port is published.
type Config struct {
	IMAP, POP3, Submit []Server

	Password    Password
	OAuthIssuer string // authentication.oauth-public.issuer, an https URL

	ProviderName      string // info.provider.name
	ProviderShortName string // info.provider.shortName
	DocumentationURL  string // info.help.documentation, an https URL

	// Other protocols, as https URLs.
	JMAP, CalDAV, CardDAV string
}

// OAuth2Only reports whether the document says passwords are not accepted.
func (c Config) OAuth2Only() bool { return c.Password == PasswordNo }

// HasMail reports whether c names at least one IMAP, POP3 or submission
// server.
func (c Config) HasMail() bool { return len(c.IMAP)+len(c.POP3)+len(c.Submit) > 0 }
