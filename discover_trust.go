package mailsettings

import (
	"strings"

	"github.com/mailsettings/mailsettings/internal/msg"
)

// A Source says where a discovered [Candidate] came from. The zero value is
// invalid. The order of the constants is the order of preference: a
// candidate from an earlier source ranks above one from a later source.
type Source uint8

// The discovery sources.
const (
	// SourceBuiltin is the built-in table, or a provider in
	// [Discoverer.Providers]. It answers without I/O.
	SourceBuiltin Source = iota + 1
	// SourceAutoconfig is https://autoconfig.DOMAIN/mail/config-v1.1.xml.
	SourceAutoconfig
	// SourceWellKnown is https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml.
	SourceWellKnown
	// SourceISPDB is the Thunderbird ISP database,
	// https://autoconfig.thunderbird.net/v1.1/DOMAIN.
	SourceISPDB
	// SourceSRV is DNS SRV records (RFC 6186, RFC 8314).
	SourceSRV
	// SourceMX is a match of the domain's MX hosts against the hosting
	// services of the built-in table (see [LookupMX]).
	SourceMX
	// SourceMXAutoconfig is HTTPS autoconfig (autoconfig.BASE and the
	// ISPDB) for the registrable domain BASE of the domain's MX host, as
	// Thunderbird does.
	SourceMXAutoconfig
	// SourceAutoconfigHTTP is autoconfig over plain HTTP, used only when
	// [Discoverer.AllowHTTP] is set.
	SourceAutoconfigHTTP
	// SourceGuess is a guessed host name (imap.DOMAIN, smtp.DOMAIN, ...)
	// that completed a TLS handshake with a verified certificate.
	SourceGuess
)

var sourceEnum = &enum{typ: "Source", what: "source", first: 1,
	texts: []string{
		SourceBuiltin: "builtin", SourceAutoconfig: "autoconfig", SourceWellKnown: "well-known",
		SourceISPDB: "ispdb", SourceSRV: "srv", SourceMX: "mx", SourceMXAutoconfig: "mx-autoconfig",
		SourceAutoconfigHTTP: "autoconfig-http", SourceGuess: "guess",
	}}

// Valid reports whether s is one of the defined sources.
func (s Source) Valid() bool { return sourceEnum.valid(uint8(s)) }

// String returns the text form, such as "autoconfig", or "Source(N)" for an
// invalid value.
func (s Source) String() string { return sourceEnum.String(uint8(s)) }

// MarshalText returns the text form. It fails for an invalid value.
func (s Source) MarshalText() ([]byte, error) { return sourceEnum.marshal(uint8(s)) }

// UnmarshalText accepts the forms written by [Source.MarshalText], in any case.
func (s *Source) UnmarshalText(b []byte) error {
	v, err := sourceEnum.unmarshal(b)
	if err == nil {
		*s = Source(v)
	}
	return err
}

// Trust says how far a discovered [Candidate] can be relied on without
// asking the user. The zero value is invalid; higher values are more
// trustworthy. A candidate below [TrustAuthenticated] should be shown to
// the user for approval before a password is sent to it.
type Trust uint8

// The trust levels, from least to most trustworthy.
const (
	// TrustUnauthenticated: nothing authenticates the answer and it points
	// outside the email's domain. An attacker on the network path (plain
	// HTTP, DNS without DNSSEC) could have chosen the servers.
	TrustUnauthenticated Trust = iota + 1
	// TrustInDomain: the answer is unauthenticated but names only servers
	// inside the email's registrable domain, so a verified TLS certificate
	// for those servers ties them to the domain's owner.
	TrustInDomain
	// TrustAuthenticated: fetched over HTTPS with a verified certificate
	// from the email's domain or from a known database (the ISPDB).
	TrustAuthenticated
	// TrustCurated: from the built-in table, checked by a person.
	TrustCurated
)

var trustEnum = &enum{typ: "Trust", what: "trust", first: 1,
	texts: []string{
		TrustUnauthenticated: "unauthenticated", TrustInDomain: "in-domain",
		TrustAuthenticated: "authenticated", TrustCurated: "curated",
	}}

// Valid reports whether t is one of the defined levels.
func (t Trust) Valid() bool { return trustEnum.valid(uint8(t)) }

// String returns the text form, such as "authenticated", or "Trust(N)" for
// an invalid value.
func (t Trust) String() string { return trustEnum.String(uint8(t)) }

// MarshalText returns the text form. It fails for an invalid value.
func (t Trust) MarshalText() ([]byte, error) { return trustEnum.marshal(uint8(t)) }

// UnmarshalText accepts the forms written by [Trust.MarshalText], in any case.
func (t *Trust) UnmarshalText(b []byte) error {
	v, err := trustEnum.unmarshal(b)
	if err == nil {
		*t = Trust(v)
	}
	return err
}

// A Reason explains the [Trust] of a [Candidate]. The zero value is invalid.
type Reason uint8

// The reasons.
const (
	// ReasonCurated: from the built-in table.
	ReasonCurated Reason = iota + 1
	// ReasonHTTPSInDomain: fetched over HTTPS from a host inside the
	// email's domain, with a verified certificate.
	ReasonHTTPSInDomain
	// ReasonHTTPSKnownProvider: fetched over HTTPS, with a verified
	// certificate, from the ISP database.
	ReasonHTTPSKnownProvider
	// ReasonRedirectedOutside: an HTTPS redirect led outside the email's
	// registrable domain.
	ReasonRedirectedOutside
	// ReasonPlainHTTP: fetched over plain HTTP.
	ReasonPlainHTTP
	// ReasonDNSUnauthenticated: derived from DNS answers not validated
	// with DNSSEC.
	ReasonDNSUnauthenticated
	// ReasonHostsInDomain: every server is inside the email's registrable
	// domain.
	ReasonHostsInDomain
	// ReasonHostOutsideDomain: some server is outside the email's
	// registrable domain.
	ReasonHostOutsideDomain
	// ReasonMXHostedProvider: the domain's MX host matches a hosting
	// service of the built-in table.
	ReasonMXHostedProvider
	// ReasonMXBaseDomain: found through the registrable domain of the
	// domain's MX host.
	ReasonMXBaseDomain
	// ReasonGuessed: the host name was guessed and answered a TLS
	// handshake with a verified certificate.
	ReasonGuessed
	// ReasonPlaintext: some endpoint has no encryption (only with
	// [Discoverer.AllowPlaintext]).
	ReasonPlaintext
)

var reasonEnum = &enum{typ: "Reason", what: "reason", first: 1, texts: []string{
	ReasonCurated:            "curated",
	ReasonHTTPSInDomain:      "https-in-domain",
	ReasonHTTPSKnownProvider: "https-known-provider",
	ReasonRedirectedOutside:  "redirected-outside-domain",
	ReasonPlainHTTP:          "plain-http",
	ReasonDNSUnauthenticated: "dns-without-dnssec",
	ReasonHostsInDomain:      "hosts-in-domain",
	ReasonHostOutsideDomain:  "host-outside-domain",
	ReasonMXHostedProvider:   "mx-hosted-provider",
	ReasonMXBaseDomain:       "mx-base-domain",
	ReasonGuessed:            "guessed",
	ReasonPlaintext:          "plaintext",
}}

// Valid reports whether r is one of the defined reasons.
func (r Reason) Valid() bool { return reasonEnum.valid(uint8(r)) }

// String returns the short code, such as "dns-without-dnssec", or
// "Reason(N)" for an invalid value.
func (r Reason) String() string { return reasonEnum.String(uint8(r)) }

// Text returns the explanation, in every language of [Text].
func (r Reason) Text() Text {
	if !r.Valid() {
		return NewText(r.String())
	}
	return textOf(msg.Get("reason." + r.String()))
}

// MarshalText returns the short code. It fails for an invalid value.
func (r Reason) MarshalText() ([]byte, error) { return reasonEnum.marshal(uint8(r)) }

// UnmarshalText accepts the forms written by [Reason.MarshalText], in any case.
func (r *Reason) UnmarshalText(b []byte) error {
	v, err := reasonEnum.unmarshal(b)
	if err == nil {
		*r = Reason(v)
	}
	return err
}

// inDomain reports whether host is reg or below it; reg is a registrable
// domain.
func inDomain(host, reg string) bool {
	return host == reg || strings.HasSuffix(host, "."+reg)
}

// hostsTrust returns the trust and reasons for an answer from an
// unauthenticated source whose servers are es: in-domain if every host is
// inside reg.
func hostsTrust(es []ServerEndpoint, reg string) (Trust, Reason) {
	for _, e := range es {
		if !inDomain(e.Host, reg) {
			return TrustUnauthenticated, ReasonHostOutsideDomain
		}
	}
	return TrustInDomain, ReasonHostsInDomain
}

// allInDomain reports whether every endpoint's host is inside reg.
func allInDomain(es []ServerEndpoint, reg string) bool {
	_, r := hostsTrust(es, reg)
	return r == ReasonHostsInDomain
}
