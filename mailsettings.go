// Package mailsettings turns an email address or domain into the IMAP, POP3
// and SMTP submission settings to configure a mail client with.
//
// [Lookup] answers offline from a built-in provider database, without I/O.
// It accepts addresses and domains as users type them ("alice@qq.com",
// "QQ.COM.", "例子.中国") and returns typed [ServerEndpoint] values in order of
// preference, with the provider's notes (app passwords, authorization codes,
// OAuth2) in English and Simplified Chinese.
//
// The package follows these standards:
//
//	RFC 8314  Cleartext considered obsolete: implicit TLS preferred
//	RFC 6186  SRV records for locating email submission/access services
//	RFC 5891  IDNA: domain names in applications (via golang.org/x/net/idna)
//	RFC 5321  Local parts of addresses
//
// It does not send mail, read mail or store credentials.
package mailsettings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidInput is wrapped by the error [Lookup] returns for input that is
// not a usable address or domain. The error is an [*InputError].
var ErrInvalidInput = errors.New("mailsettings: invalid address or domain")

// ErrUnknownDomain is returned, wrapped, by [Lookup] for a well-formed domain
// that the built-in database does not know.
var ErrUnknownDomain = errors.New("mailsettings: domain not in the built-in database")

// An InputError reports why an address or domain was rejected. It matches
// [ErrInvalidInput] with [errors.Is].
type InputError struct {
	Input  string // as given
	Reason string // such as "label longer than 63 octets"
}

// Error returns "mailsettings: invalid address or domain", the input
// (cut to 80 bytes) and the reason.
func (e *InputError) Error() string {
	return fmt.Sprintf("mailsettings: invalid address or domain %q: %s", truncate(e.Input, 80), e.Reason)
}

// Is reports whether target is [ErrInvalidInput].
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Settings is what is known about configuring mail for one address or domain.
type Settings struct {
	// Query is the input as given.
	Query string
	// LocalPart is the part of an address before the "@", or "" when the
	// query was a domain.
	LocalPart string
	// Domain is the mail domain as a lower-case A-label ("xn--fiqs8s").
	Domain string
	// UnicodeDomain is the same domain as U-labels ("中国"); for an ASCII
	// domain it equals Domain.
	UnicodeDomain string
	// Provider is the provider that serves Domain, with its endpoints and
	// notes, or the zero Provider (see [Provider.IsZero]).
	Provider Provider
}

// Lookup returns the settings for an address ("alice@qq.com") or a domain
// ("qq.com") from the built-in database. It does no I/O.
//
// The input may have surrounding space, upper case, a trailing dot and
// Unicode labels. An invalid input gives an error that wraps
// [ErrInvalidInput]; a valid domain that the database does not know gives one
// that wraps [ErrUnknownDomain], together with Settings that hold the
// normalized domain and no endpoints.
func Lookup(addressOrDomain string) (Settings, error) {
	byDomain := builtinTable().byDomain
	// Fast path: every key of the table is a normalized domain, so a hit
	// on the domain as given proves it is well formed.
	local, domain := "", addressOrDomain
	if at := strings.LastIndexByte(addressOrDomain, '@'); at >= 0 {
		local, domain = addressOrDomain[:at], addressOrDomain[at+1:]
	}
	if p := byDomain[domain]; !p.IsZero() && (local == "" && len(addressOrDomain) == len(domain) || isSimpleLocalPart(local)) {
		return Settings{Query: addressOrDomain, LocalPart: local, Domain: domain, UnicodeDomain: domain, Provider: p}, nil
	}
	q, err := parseQuery(addressOrDomain)
	if err != nil {
		return Settings{Query: addressOrDomain}, err
	}
	s := Settings{Query: addressOrDomain, LocalPart: q.local, Domain: q.domain, UnicodeDomain: q.unicode}
	p := builtinTable().forDomain(q.domain) // also *.onmicrosoft.com and other domain suffixes
	if p.IsZero() {
		return s, fmt.Errorf("%w: %s", ErrUnknownDomain, q.domain)
	}
	s.Provider = p
	return s, nil
}

// Endpoints returns a new slice of every known endpoint in order of
// preference: encrypted before plaintext, then IMAP, POP3, SMTP, within
// each protocol the higher evidence level first (see [Evidence]), and
// within a level implicit TLS before STARTTLS (RFC 8314).
func (s Settings) Endpoints() []ServerEndpoint {
	if s.Provider.IsZero() {
		return nil
	}
	return s.Provider.Endpoints()
}

// endpoints returns the shared slice, for reading only.
func (s Settings) endpoints() []ServerEndpoint {
	if s.Provider.IsZero() {
		return nil
	}
	return s.Provider.data().Endpoints
}

// Best returns the preferred endpoint for protocol p: the first of
// [Settings.Endpoints], so an encrypted endpoint of the highest evidence
// level offered. A plaintext endpoint is returned only if the provider
// offers nothing encrypted for p.
func (s Settings) Best(p Protocol) (ServerEndpoint, bool) {
	for _, e := range s.endpoints() {
		if e.Protocol == p {
			return e, true
		}
	}
	return ServerEndpoint{}, false
}

// Incoming returns the preferred endpoint for reading mail: IMAP if offered,
// else POP3.
func (s Settings) Incoming() (ServerEndpoint, bool) {
	for _, e := range s.endpoints() {
		if e.Protocol.Incoming() {
			return e, true
		}
	}
	return ServerEndpoint{}, false
}

// Address returns the normalized address (local part and A-label domain),
// or "" when the query was a domain.
func (s Settings) Address() string {
	if s.LocalPart == "" || s.Domain == "" {
		return ""
	}
	return s.LocalPart + "@" + s.Domain
}

// Username returns the login name to use with e for the queried address, or
// "" when the query was a domain.
func (s Settings) Username(e ServerEndpoint) string {
	return e.Username.Expand(s.LocalPart, s.Domain)
}

// Notes returns the provider's notes, or nil.
func (s Settings) Notes() []Note {
	if s.Provider.IsZero() {
		return nil
	}
	return s.Provider.Notes()
}

// endpointJSON is a ServerEndpoint whose username is concrete when the
// address is known, and the autoconfig placeholder otherwise.
type endpointJSON struct {
	Protocol   Protocol          `json:"protocol"`
	Host       string            `json:"host"`
	Port       uint16            `json:"port"`
	Encryption Encryption        `json:"encryption"`
	Username   string            `json:"username"`
	Evidence   *EndpointEvidence `json:"evidence,omitempty"` // built-in endpoints only
}

type settingsJSON struct {
	Query         string         `json:"query"`
	Address       string         `json:"address,omitempty"`
	Domain        string         `json:"domain"`
	UnicodeDomain string         `json:"unicode_domain"`
	Provider      *Provider      `json:"provider"` // null for no provider
	Endpoints     []endpointJSON `json:"endpoints"`
	Notes         []Note         `json:"notes"`
}

// MarshalJSON writes the settings as one JSON object with the fields query,
// address (when known), domain, unicode_domain, provider, endpoints (each
// with protocol, host, port, encryption and username, and for endpoints of
// the built-in database evidence: level, sources and checked) and notes.
// These names are stable.
func (s Settings) MarshalJSON() ([]byte, error) {
	w := settingsJSON{
		Query: s.Query, Address: s.Address(), Domain: s.Domain, UnicodeDomain: s.UnicodeDomain,
		Endpoints: []endpointJSON{}, Notes: s.Notes(),
	}
	if !s.Provider.IsZero() {
		w.Provider = &s.Provider
	}
	if w.Notes == nil {
		w.Notes = []Note{}
	}
	for _, e := range s.endpoints() {
		u := s.Username(e)
		if u == "" {
			u = e.Username.String()
		}
		ej := endpointJSON{Protocol: e.Protocol, Host: e.Host, Port: e.Port, Encryption: e.Encryption, Username: u}
		if ev, ok := s.Provider.Evidence(e); ok {
			ej.Evidence = &ev
		}
		w.Endpoints = append(w.Endpoints, ej)
	}
	return marshalJSON(w)
}

// marshalJSON is json.Marshal without HTML escaping, so that notes keep
// their ">" and "&" readable.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
