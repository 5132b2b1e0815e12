// Package mailsettings turns an email address or domain into the IMAP, POP3
// and SMTP submission settings to configure a mail client with, and checks
// whether those servers really answer.
//
// [Lookup] answers offline from a built-in provider database, without I/O.
// It accepts addresses and domains as users type them ("alice@qq.com",
// "QQ.COM.", "例子.中国") and returns typed [ServerEndpoint] values in order of
// preference, with the provider's notes (app passwords, authorization codes,
// OAuth2) as [Text] in English, Simplified and Traditional Chinese.
// [Discoverer.Discover] finds settings for any other domain (Mozilla
// autoconfig, PACC, Exchange Autodiscover, the ISP database, DNS SRV and
// MX, guessing) and labels each answer with where it came from and how far
// it can be trusted. Providers write themselves in those formats
// ([Provider.MarshalAutoconfig], [PublishHandler]). [Prober.Probe] connects to an
// endpoint over verified TLS and explains every failure; [Prober.CheckLogin]
// also tries credentials, never in the clear.
//
// # Trust
//
// Every discovered [Candidate] carries a [Trust] computed from what was
// verified, by one rule: who could have forged the answer?
//
//   - [TrustUnauthenticated]: anyone on the network path. The answer came
//     over plain HTTP, over TLS whose certificate was not verified for the
//     host asked, or from DNS without DNSSEC, and it names servers outside
//     the email's registrable domain.
//   - [TrustInDomain]: the DNS path, but only with servers inside the
//     email's registrable domain (SRV records, guessed names); certificate
//     verification when a client connects ties those servers to the
//     domain's owner.
//   - [TrustAuthenticated]: only the domain's own operator (its HTTPS server
//     with a verified certificate, or its DNSSEC-signed zone answered
//     through an [AuthenticatingResolver]), a party its verified server redirected
//     to (a delegation: the redirect was the operator's), or a maintained
//     database the caller chose, fetched over verified HTTPS (the ISPDB).
//   - [TrustCurated]: the built-in database, that is its maintainers and
//     the sources each fact names.
//   - [TrustCaller]: the caller, who built the provider with [NewProvider]
//     and gave it in [Discoverer.Providers].
//
// An answer derived from MX or SRV records without DNSSEC could have been
// forged on the DNS path and is labelled so (reason "dns-without-dnssec").
// Candidates are ranked by trust, then by source, and discovery returns
// early only when no source still running could give a better-ranked
// answer, so a fast unauthenticated answer never cuts short a source that
// could still answer with authentication. Fill in settings without asking
// the user only from [TrustAuthenticated] and above.
//
// A discovered provider speaks only for the domain it was discovered for,
// whatever domains its document listed, and keeps its label: stored as JSON
// (Settings, Candidate and Discovery round-trip) and reloaded, or handed
// back in [Discoverer.Providers], it never gains trust. Text from the
// network or a document (names, notes, URLs, server replies, error texts)
// is sanitized where it enters the library's values: no control or bidi
// characters, bounded length.
//
// # Evidence
//
// The built-in database keeps, for each endpoint, the evidence behind it
// ([Provider.Evidence]): a level ([EvidenceOfficial], [EvidenceCurated],
// [EvidenceCorroborated] or [EvidenceReported]), the sources that state
// it and when one last vouched for it. Endpoints are ordered so that a
// lower level never comes before a higher one for the same protocol;
// [Discoverer.VerifyReported] probes the reported-only ones before
// answering.
//
// The package follows these standards:
//
//	RFC 8314  Cleartext considered obsolete: implicit TLS preferred
//	RFC 6186  SRV records for locating email submission/access services
//	RFC 5891  IDNA: domain names in applications (via golang.org/x/net/idna)
//	RFC 5321  Local parts of addresses
//	RFC 3207, RFC 2595  STARTTLS for SMTP, IMAP and POP3
//	RFC 6761  "localhost" is loopback
//	RFC 4033–4035  DNSSEC, through a validating resolver ([NewValidatingResolver])
//	Mozilla autoconfig v1.1, the Thunderbird ISP database's format
//	draft-ietf-mailmaint-pacc-04  PACC configuration document and DNS digest
//	[MS-OXDSCLI]  Exchange Autodiscover, the POX (XML) form
//	Apple configuration profiles, com.apple.mail.managed payloads
//
// It does not send mail, read mail or store credentials.
package mailsettings

import (
	"errors"
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings/internal/address"
)

// ErrUnknownDomain is returned, wrapped, by [Lookup] for a well-formed domain
// that the built-in database does not know.
var ErrUnknownDomain = errors.New("mailsettings: domain not in the built-in database")

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
	if p := byDomain[domain]; !p.IsZero() && (local == "" && len(addressOrDomain) == len(domain) || address.IsSimpleLocalPart(local)) {
		return Settings{Query: addressOrDomain, LocalPart: local, Domain: domain, UnicodeDomain: domain, Provider: p}, nil
	}
	q, err := parseQuery(addressOrDomain)
	if err != nil {
		return Settings{Query: addressOrDomain}, err
	}
	s := Settings{Query: addressOrDomain, LocalPart: q.Local, Domain: q.Domain, UnicodeDomain: q.Unicode}
	p := builtinTable().forDomain(q.Domain) // also *.onmicrosoft.com and other domain suffixes
	if p.IsZero() {
		return s, &unknownDomainError{q.Domain}
	}
	s.Provider = p
	return s, nil
}

// unknownDomainError is Lookup's error for a valid domain the table does
// not know: "ErrUnknownDomain: DOMAIN", built without fmt, since bulk
// input is mostly such domains.
type unknownDomainError struct{ domain string }

func (e *unknownDomainError) Error() string { return ErrUnknownDomain.Error() + ": " + e.domain }

func (e *unknownDomainError) Unwrap() error { return ErrUnknownDomain }

// Endpoints returns a new slice of every known endpoint in order of
// preference: encrypted before plaintext, then IMAP, POP3, SMTP, within
// each protocol the higher evidence level first (see [Evidence]), and
// within a level implicit TLS before STARTTLS (RFC 8314).
func (s Settings) Endpoints() []ServerEndpoint {
	if s.Provider.IsZero() {
		return nil
	}
	return slices.Clone(s.Provider.data().Endpoints)
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
		if e.Protocol == IMAP || e.Protocol == POP3 {
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
	return e.Username.expand(s.LocalPart, s.Domain)
}

// Notes returns the provider's notes, or nil.
func (s Settings) Notes() []Note {
	if s.Provider.IsZero() {
		return nil
	}
	return slices.Clone(s.Provider.data().Notes)
}
