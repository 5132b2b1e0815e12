// Package autodiscover reads and writes Microsoft Exchange Autodiscover in
// its "plain old XML" (POX) form, the Outlook 2006 request and 2006a
// response schemas of MS-OXDSCLI (Autodiscover Publishing and Lookup
// Protocol) and MS-OXDISCO (Autodiscover HTTP Service Protocol), and holds
// the rules for following its redirects safely.
//
// It is used without credentials: a client POSTs [Request] to the
// [Candidates] URLs, reads the answer with [ParseResponse], and follows a
// RedirectUrl or RedirectAddr only as a [Chain] allows. This package does
// no I/O.
//
// Sources:
//   - Microsoft, "POX Autodiscover XML elements for Exchange"
//     (learn.microsoft.com, exchange/client-developer/web-service-reference):
//     SSL "on"/"off" with default "on" (ssl-pox), SPA "on"/"off" with
//     default "on" (spa-pox), the Protocol element and its children
//     (bb204278); MS-OXDSCLI §2.2.4.1.1.2.6.44 (SSL).
//   - Thunderbird, mail/components/accountcreation/modules/
//     ExchangeAutoDiscover.sys.mjs (mozilla/releases-comm-central): the
//     request body and its Content-Type, the three URLs (two https, one
//     http that is expected to redirect), SRV _autodiscover._tcp, at most
//     two RedirectAddr hops, and the encryption rule used by [Protocol.TLS].
//   - mox (mjl-/mox, http/autoconf.go): what a Go server writes; SPA "off"
//     to override the default, Encryption "TLS" for implicit TLS.
//   - automx 3.0 (croessner/automx, src/automx/renderers/autodiscover.py):
//     Encryption "SSL" for implicit TLS and "TLS" for STARTTLS, error
//     responses that do not echo the request.
//   - Guardicore Labs, "Autodiscovering the Great Leak" (2021): clients that
//     back off to autodiscover.<TLD> leak credentials; [Candidates] never
//     builds a name above the domain, and redirects must stay within the
//     domain's registrable domain (golang.org/x/net/publicsuffix).
//
// # Encryption
//
// Servers disagree on what Encryption=TLS means. automx, and Outlook's own
// account dialog of the 2010s (gronke/email-autodiscover pull request 3),
// use "TLS" for STARTTLS and "SSL" for implicit TLS; mox writes "TLS" for
// implicit TLS and leaves Encryption out for STARTTLS. Thunderbird ignores
// the value and decides by port, and so does [Protocol.TLS]: SSL=off or
// Encryption=None means plaintext; otherwise ports 143, 110, 25 and 587
// mean STARTTLS and every other port implicit TLS. The writer
// ([MarshalResponse]) writes Encryption=SSL for implicit TLS and
// Encryption=TLS for STARTTLS, and refuses any pairing of mode and port
// that the port rule would read differently, so that Thunderbird, Outlook
// and this package read the same thing.
package autodiscover

import "errors"

// The schemas of the Outlook POX exchange.
const (
	RequestSchema       = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	ResponseSchema      = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
	RootResponseSchema  = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
	RequestContentType  = "text/xml; charset=utf-8" // exact string outlook.com needs (Thunderbird bug 1454325)
	ResponseContentType = "application/xml; charset=utf-8"
)

// Limits on a response, the same as for Mozilla autoconfig documents.
const (
	MaxBodySize  = 1 << 20 // bytes
	MaxDepth     = 16      // element nesting
	MaxText      = 4096    // bytes of text in one element
	MaxProtocols = 64      // Protocol elements read
)

// ErrResponse is wrapped by every error about a response that cannot be
// used at all: too large, malformed, too deep, with a DOCTYPE, not an
// Autodiscover document, or without settings, redirect or error.
var ErrResponse = errors.New("autodiscover: unusable response")

// ErrRequest is wrapped by every error from ParseRequest.
var ErrRequest = errors.New("autodiscover: unusable request")

// ErrRedirect is wrapped by every refusal to follow a redirect.
var ErrRedirect = errors.New("autodiscover: redirect refused")

// ErrUnpublishable is wrapped by every error from MarshalResponse.
var ErrUnpublishable = errors.New("autodiscover: cannot publish")

// Kind says what a response is.
type Kind uint8

// The kinds of response.
const (
	KindSettings     Kind = iota + 1 // Action "settings": Protocols and DisplayName
	KindRedirectURL                  // Action "redirectUrl": ask RedirectURL instead
	KindRedirectAddr                 // Action "redirectAddr": ask again for RedirectAddr
	KindError                        // an Error element: ErrorCode and Message
)

// A Response is one Autodiscover answer. Every string in it is sanitized
// (no control or bidi characters) and bounded, but only Server and Port are
// validated; redirect targets must pass a [Chain] before use.
type Response struct {
	Kind Kind

	DisplayName string     // User/DisplayName, for KindSettings
	Protocols   []Protocol // the IMAP, POP3 and SMTP blocks, for KindSettings
	// OtherTypes lists, once each, the Protocol types that were skipped
	// because this package does not read them (EXCH, EXPR, WEB, ...): an
	// Exchange server that lists no IMAP can be explained.
	OtherTypes []string

	RedirectURL  string // Account/RedirectUrl, for KindRedirectURL
	RedirectAddr string // Account/RedirectAddr, for KindRedirectAddr

	ErrorCode    string // Error/ErrorCode, for KindError (e.g. "500", "600")
	ErrorMessage string // Error/Message
}

// A Protocol is one IMAP, POP3 or SMTP Protocol element, values as written
// apart from Type (upper case), Server (a lower-case A-label host name) and
// Port (1 to 65535). Use [Protocol.TLS] for the encryption to use.
type Protocol struct {
	Type           string // "IMAP", "POP3" or "SMTP"
	Server         string
	Port           int
	LoginName      string
	SSL            string // "on", "off" or "" (absent means "on")
	Encryption     string // "None", "SSL", "TLS", "Auto" or ""
	SPA            string // "on", "off" or "" (absent means "on")
	DomainRequired string
	AuthRequired   string
}
