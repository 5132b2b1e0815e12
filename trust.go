package mailsettings

import (
	"strings"

	"github.com/mailsettings/mailsettings/internal/msg"
)

// A Source says where a discovered [Candidate] came from. The zero value is
// invalid. Among candidates of equal [Trust], one from an earlier source
// ranks above one from a later source.
type Source uint8

// The discovery sources, in order of preference.
const (
	// SourceCaller is a provider the caller supplied in
	// [Discoverer.Providers] that was built with [NewProvider]: the
	// caller's own data. It answers without I/O.
	SourceCaller Source = iota + 1
	// SourceBuiltin is the built-in database. It answers without I/O.
	SourceBuiltin
	// SourceAutoconfig is https://autoconfig.DOMAIN/mail/config-v1.1.xml.
	SourceAutoconfig
	// SourceWellKnown is https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml.
	SourceWellKnown
	// SourcePACC is the PACC document (draft-ietf-mailmaint-pacc),
	// https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json,
	// whose SHA-256 digest the domain publishes in DNS.
	SourcePACC
	// SourceAutodiscover is Microsoft Exchange Autodiscover (POX),
	// https://autodiscover.DOMAIN/autodiscover/autodiscover.xml and
	// https://DOMAIN/autodiscover/autodiscover.xml, asked without
	// credentials.
	SourceAutodiscover
	// SourceISPDB is the Thunderbird ISP database,
	// https://autoconfig.thunderbird.net/v1.1/DOMAIN.
	SourceISPDB
	// SourceSRV is DNS SRV records (RFC 6186, RFC 8314).
	SourceSRV
	// SourceMX is a match of the domain's MX hosts against the hosting
	// services of the built-in database (see [ProviderForMX]).
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
		SourceCaller: "caller", SourceBuiltin: "builtin", SourceAutoconfig: "autoconfig", SourceWellKnown: "well-known",
		SourcePACC: "pacc", SourceAutodiscover: "autodiscover",
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
// asking the user. It is defined by who could have forged the answer, and
// computed from what was verified, never from which code path produced it
// (see the package documentation, "Trust"). The zero value is invalid;
// higher values are more trustworthy. A candidate below
// [TrustAuthenticated] should be shown to the user for approval before a
// password is sent to it.
type Trust uint8

// The trust levels, from least to most trustworthy.
const (
	// TrustUnauthenticated: anyone on the network path could have forged
	// the answer (plain HTTP, TLS without a verified certificate, DNS
	// without DNSSEC), and it names servers outside the email's domain.
	TrustUnauthenticated Trust = iota + 1
	// TrustInDomain: the DNS path could have forged the answer, but it
	// names only servers inside the email's registrable domain, whose
	// certificates, verified when a client connects, tie them to the
	// domain's owner.
	TrustInDomain
	// TrustAuthenticated: only the domain's own operator could have
	// written the answer (its HTTPS server with a verified certificate,
	// or its DNSSEC-signed zone), or a party it delegated to (an HTTPS
	// redirect from its verified server), or a maintained database the
	// caller chose, fetched over verified HTTPS (the ISPDB).
	TrustAuthenticated
	// TrustCurated: the built-in database; only its maintainers (and the
	// sources each fact names, see [Evidence]) could have written it.
	TrustCurated
	// TrustCaller: the caller's own data, a provider built with
	// [NewProvider] and given in [Discoverer.Providers]; it is as good as
	// where the caller got it.
	TrustCaller
)

var trustEnum = &enum{typ: "Trust", what: "trust", first: 1,
	texts: []string{
		TrustUnauthenticated: "unauthenticated", TrustInDomain: "in-domain",
		TrustAuthenticated: "authenticated", TrustCurated: "curated", TrustCaller: "caller",
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
	// ReasonRedirectedOutside: a redirect from the email's domain led to a
	// server outside its registrable domain; over verified HTTPS it was the
	// domain's own server that delegated the answer.
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
	// ReasonCaller: supplied by the caller (a provider built with
	// [NewProvider], given in [Discoverer.Providers]).
	ReasonCaller
	// ReasonTLSUnverified: fetched over HTTPS, but the certificate chain
	// was not verified for the host asked (a caller's HTTPClient whose
	// transport skips verification), so anyone on the path could have
	// changed it.
	ReasonTLSUnverified
	// ReasonHTTPLink: a documentation or settings page is a plain http://
	// URL; it was kept only because the answer is unauthenticated anyway.
	ReasonHTTPLink
	// ReasonDNSSEC: the DNS answers were validated with DNSSEC by a
	// resolver trusted to say so (see [AuthenticatingResolver]).
	ReasonDNSSEC
	// ReasonPACCDigest: the document's SHA-256 digest matches the one the
	// domain publishes in DNS (a PACC TXT record).
	ReasonPACCDigest
	// ReasonProbeVerified: the endpoints known from one source only
	// completed a TLS handshake with a verified certificate (see
	// [Discoverer.VerifyReported]).
	ReasonProbeVerified
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
	ReasonCaller:             "caller",
	ReasonTLSUnverified:      "tls-not-verified",
	ReasonHTTPLink:           "http-link",
	ReasonDNSSEC:             "dnssec",
	ReasonPACCDigest:         "pacc-digest",
	ReasonProbeVerified:      "probe-verified",
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
