package mailsettings

import (
	"strings"

	"github.com/mailsettings/mailsettings/internal/msg"
)

// A Source says where a discovered [Candidate] came from, as a short
// stable code. Among candidates of equal [Trust], one from an earlier
// source in this list ranks above one from a later source. Decide by
// Trust, not by Source: the Source says which way an answer was found,
// Trust what was verified about it.
//
//   - caller: a provider the caller supplied in [Discoverer.Providers], built with [NewProvider]: the caller's own data. It answers without I/O.
//   - builtin: the built-in database. It answers without I/O.
//   - autoconfig: https://autoconfig.DOMAIN/mail/config-v1.1.xml.
//   - well-known: https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml.
//   - pacc: the PACC document (draft-ietf-mailmaint-pacc), https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json, whose SHA-256 digest the domain publishes in DNS.
//   - autodiscover: Microsoft Exchange Autodiscover (POX), https://autodiscover.DOMAIN/autodiscover/autodiscover.xml and https://DOMAIN/autodiscover/autodiscover.xml, asked without credentials.
//   - ispdb: the Thunderbird ISP database, https://autoconfig.thunderbird.net/v1.1/DOMAIN.
//   - srv: DNS SRV records (RFC 6186, RFC 8314).
//   - mx: a match of the domain's MX hosts against the hosting services of the built-in database (see [ProviderForMX]).
//   - mx-autoconfig: HTTPS autoconfig (autoconfig.BASE and the ISPDB) for the registrable domain BASE of the domain's MX host, as Thunderbird does.
//   - autoconfig-http: autoconfig over plain HTTP, used only when [Discoverer.AllowHTTP] is set.
//   - guess: a guessed host name (imap.DOMAIN, smtp.DOMAIN, ...) that completed a TLS handshake with a verified certificate.
type Source string

// The discovery sources, in order of preference (see Source).
const (
	sourceCaller         Source = "caller"
	sourceBuiltin        Source = "builtin"
	sourceAutoconfig     Source = "autoconfig"
	sourceWellKnown      Source = "well-known"
	sourcePACC           Source = "pacc"
	sourceAutodiscover   Source = "autodiscover"
	sourceISPDB          Source = "ispdb"
	sourceSRV            Source = "srv"
	sourceMX             Source = "mx"
	sourceMXAutoconfig   Source = "mx-autoconfig"
	sourceAutoconfigHTTP Source = "autoconfig-http"
	sourceGuess          Source = "guess"
)

// rank is s's place in the order of preference, from 1, or 0 for a
// string that is not a source.
func (s Source) rank() int {
	switch s {
	case sourceCaller:
		return 1
	case sourceBuiltin:
		return 2
	case sourceAutoconfig:
		return 3
	case sourceWellKnown:
		return 4
	case sourcePACC:
		return 5
	case sourceAutodiscover:
		return 6
	case sourceISPDB:
		return 7
	case sourceSRV:
		return 8
	case sourceMX:
		return 9
	case sourceMXAutoconfig:
		return 10
	case sourceAutoconfigHTTP:
		return 11
	case sourceGuess:
		return 12
	}
	return 0
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

// valid reports whether t is one of the defined levels.
func (t Trust) valid() bool { return trustEnum.valid(uint8(t)) }

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

// A Reason explains the [Trust] of a [Candidate]: a short stable code,
// one of these, with its explanation in every language of [Text] from
// [Reason.Text]:
//
//   - curated: from the built-in table.
//   - https-in-domain: fetched over HTTPS from a host inside the email's domain, with a verified certificate.
//   - https-known-provider: fetched over HTTPS, with a verified certificate, from the ISP database.
//   - redirected-outside-domain: a redirect from the email's domain led to a server outside its registrable domain; over verified HTTPS it was the domain's own server that delegated the answer.
//   - plain-http: fetched over plain HTTP.
//   - dns-without-dnssec: derived from DNS answers not validated with DNSSEC.
//   - hosts-in-domain: every server is inside the email's registrable domain.
//   - host-outside-domain: some server is outside the email's registrable domain.
//   - mx-hosted-provider: the domain's MX host matches a hosting service of the built-in table.
//   - mx-base-domain: found through the registrable domain of the domain's MX host.
//   - guessed: the host name was guessed and answered a TLS handshake with a verified certificate.
//   - plaintext: some endpoint has no encryption (only with [Discoverer.AllowPlaintext]).
//   - caller: supplied by the caller (a provider built with [NewProvider], given in [Discoverer.Providers]).
//   - tls-not-verified: fetched over HTTPS, but the certificate chain was not verified for the host asked (a caller's HTTPClient whose transport skips verification), so anyone on the path could have changed it.
//   - http-link: a documentation or settings page is a plain http:// URL; it was kept only because the answer is unauthenticated anyway.
//   - dnssec: the DNS answers were validated with DNSSEC by a resolver trusted to say so (see [AuthenticatingResolver]).
//   - pacc-digest: the document's SHA-256 digest matches the one the domain publishes in DNS (a PACC TXT record).
//   - probe-verified: the endpoints known from one source only completed a TLS handshake with a verified certificate (see [Discoverer.VerifyReported]).
type Reason string

// The reasons.
const (
	reasonCurated            Reason = "curated"
	reasonHTTPSInDomain      Reason = "https-in-domain"
	reasonHTTPSKnownProvider Reason = "https-known-provider"
	reasonRedirectedOutside  Reason = "redirected-outside-domain"
	reasonPlainHTTP          Reason = "plain-http"
	reasonDNSUnauthenticated Reason = "dns-without-dnssec"
	reasonHostsInDomain      Reason = "hosts-in-domain"
	reasonHostOutsideDomain  Reason = "host-outside-domain"
	reasonMXHostedProvider   Reason = "mx-hosted-provider"
	reasonMXBaseDomain       Reason = "mx-base-domain"
	reasonGuessed            Reason = "guessed"
	reasonPlaintext          Reason = "plaintext"
	reasonCaller             Reason = "caller"
	reasonTLSUnverified      Reason = "tls-not-verified"
	reasonHTTPLink           Reason = "http-link"
	reasonDNSSEC             Reason = "dnssec"
	reasonPACCDigest         Reason = "pacc-digest"
	reasonProbeVerified      Reason = "probe-verified"
)

// valid reports whether r is one of the reasons above.
func (r Reason) valid() bool {
	switch r {
	case reasonCurated, reasonHTTPSInDomain, reasonHTTPSKnownProvider, reasonRedirectedOutside, reasonPlainHTTP, reasonDNSUnauthenticated, reasonHostsInDomain, reasonHostOutsideDomain, reasonMXHostedProvider, reasonMXBaseDomain, reasonGuessed, reasonPlaintext, reasonCaller, reasonTLSUnverified, reasonHTTPLink, reasonDNSSEC, reasonPACCDigest, reasonProbeVerified:
		return true
	}
	return false
}

// Text returns the explanation, in every language of [Text]; for a string
// that is not a reason, the string itself.
func (r Reason) Text() Text {
	if !r.valid() {
		return NewText(string(r))
	}
	return textOf(msg.Get("reason." + string(r)))
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
			return TrustUnauthenticated, reasonHostOutsideDomain
		}
	}
	return TrustInDomain, reasonHostsInDomain
}

// allInDomain reports whether every endpoint's host is inside reg.
func allInDomain(es []ServerEndpoint, reg string) bool {
	_, r := hostsTrust(es, reg)
	return r == reasonHostsInDomain
}
