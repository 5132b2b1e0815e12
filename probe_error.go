package mailsettings

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// An ErrorKind names why a probe failed. Its values are a fixed vocabulary:
// the strings below are stable and may be stored, compared and printed (the
// mailsettings command prints them as "error_kind"). An ErrorKind is itself
// an error, so a failed probe's error can be tested with [errors.Is]:
//
//	errors.Is(err, mailsettings.KindCertExpired)
type ErrorKind string

// The kinds of probe failure, grouped by the step where they happen.
const (
	// KindInvalidRequest: the endpoint or credentials given to the Prober
	// are unusable (no host, port 0, a newline in a password).
	KindInvalidRequest ErrorKind = "invalid_request"

	// KindDNSNotFound: DNS says the host does not exist or has no address.
	KindDNSNotFound ErrorKind = "dns_not_found"
	// KindDNSFailure: the DNS lookup failed (server failure, timeout).
	KindDNSFailure ErrorKind = "dns_failure"

	// KindConnectionRefused: nothing listens on the port.
	KindConnectionRefused ErrorKind = "connection_refused"
	// KindConnectTimeout: the connection was not accepted in time, which
	// usually means a firewall drops packets to the port.
	KindConnectTimeout ErrorKind = "connect_timeout"
	// KindNetwork: the network failed otherwise (unreachable, reset).
	KindNetwork ErrorKind = "network_error"

	// KindExpectedTLSGotPlaintext: implicit TLS was expected but the port
	// answered in plaintext (it is a STARTTLS or plaintext port).
	KindExpectedTLSGotPlaintext ErrorKind = "expected_tls_got_plaintext"
	// KindExpectedPlaintextGotTLS: a plaintext greeting was expected (for
	// STARTTLS or plaintext) but the port speaks implicit TLS.
	KindExpectedPlaintextGotTLS ErrorKind = "expected_plaintext_got_tls"
	// KindSTARTTLSNotOffered: the server did not advertise STARTTLS/STLS.
	KindSTARTTLSNotOffered ErrorKind = "starttls_not_offered"
	// KindSTARTTLSRefused: the server refused the STARTTLS/STLS command.
	KindSTARTTLSRefused ErrorKind = "starttls_refused"
	// KindSTARTTLSInjection: the server (or someone in between) sent data
	// after the STARTTLS go-ahead and before TLS started: a possible attack
	// (CVE-2011-0411 class, "Why TLS is better without STARTTLS").
	KindSTARTTLSInjection ErrorKind = "starttls_injection"
	// KindSTARTTLSFailed: the server gave the STARTTLS go-ahead and then
	// answered the TLS handshake with an error in plaintext ("-ERR
	// STARTTLS failed"): its TLS is broken. Data that arrives before the
	// handshake starts is [KindSTARTTLSInjection] instead.
	KindSTARTTLSFailed ErrorKind = "starttls_failed"
	// KindPreauthPlaintext: an IMAP server greeted a STARTTLS probe with
	// PREAUTH in plaintext, which skips STARTTLS (RFC 9051 §7.1.4).
	KindPreauthPlaintext ErrorKind = "preauth_plaintext"

	// KindCertUntrusted: the certificate is self-signed or from an unknown
	// certificate authority.
	KindCertUntrusted ErrorKind = "cert_untrusted"
	// KindCertExpired: the certificate has expired or is not yet valid.
	KindCertExpired ErrorKind = "cert_expired"
	// KindCertNameMismatch: the certificate is for other host names.
	KindCertNameMismatch ErrorKind = "cert_name_mismatch"
	// KindCertInvalid: the certificate is unusable for another reason.
	KindCertInvalid ErrorKind = "cert_invalid"
	// KindCertWeakKey: the certificate chain verified, but a certificate
	// below the root has an RSA key under 2048 bits, an ECDSA key on a
	// curve under P-256, a DSA key, or a SHA-1, MD5 or DSA signature,
	// which the CA/Browser Forum Baseline Requirements and NIST SP
	// 800-131A no longer allow. Credentials are never sent over it.
	KindCertWeakKey ErrorKind = "cert_weak_key"
	// KindTLSVersion: the server offers only TLS versions older than 1.2.
	KindTLSVersion ErrorKind = "tls_version"
	// KindTLSHandshake: the TLS handshake failed for another reason.
	KindTLSHandshake ErrorKind = "tls_handshake"

	// KindGreetingTimeout: the server accepted the connection but sent no
	// greeting (or did not finish the TLS handshake) in time.
	KindGreetingTimeout ErrorKind = "greeting_timeout"
	// KindTimeout: the server stopped answering after its greeting.
	KindTimeout ErrorKind = "timeout"
	// KindConnectionClosed: the server closed the connection unexpectedly.
	KindConnectionClosed ErrorKind = "connection_closed"
	// KindWrongProtocol: the port speaks another mail protocol (an SMTP
	// banner on an IMAP port).
	KindWrongProtocol ErrorKind = "wrong_protocol"
	// KindServiceRefused: the server refused service (SMTP 421 or 554,
	// IMAP "* BYE", POP3 "-ERR" greeting).
	KindServiceRefused ErrorKind = "service_refused"
	// KindResponseTooLong: a server line or response exceeded the bounds
	// (4 KiB per line, 64 KiB per response).
	KindResponseTooLong ErrorKind = "response_too_long"
	// KindProtocolError: the server sent something the protocol does not
	// allow (garbage greeting, malformed reply).
	KindProtocolError ErrorKind = "protocol_error"
	// KindCanceled: the caller's context was canceled.
	KindCanceled ErrorKind = "canceled"

	// KindAuthInsecure: a credential check was asked for on a connection
	// that is not TLS with a verified certificate, so nothing was sent.
	KindAuthInsecure ErrorKind = "auth_insecure"
	// KindAuthUnavailable: the server offers no login method the probe can
	// use (LOGINDISABLED, no AUTH, no XOAUTH2 for a token).
	KindAuthUnavailable ErrorKind = "auth_unavailable"
	// KindAuthRejected: the server rejected the credentials.
	KindAuthRejected ErrorKind = "auth_rejected"
	// KindAuthAppPassword: the server wants an app password or an
	// authorization code instead of the account password.
	KindAuthAppPassword ErrorKind = "auth_app_password_required"
	// KindAuthOAuth2Required: the server accepts only OAuth2.
	KindAuthOAuth2Required ErrorKind = "auth_oauth2_required"
	// KindAuthDisabled: an administrator turned this login off for the
	// mailbox or the organization (Microsoft's "SmtpClientAuthentication
	// is disabled for the Mailbox"): a setting, not a wrong password.
	KindAuthDisabled ErrorKind = "auth_disabled"
	// KindAuthNotEnabled: mail-client access (IMAP, POP3 or SMTP) is
	// switched off for the account and must be switched on in the
	// provider's web settings (NetEase's "550 User has no permission").
	KindAuthNotEnabled ErrorKind = "auth_not_enabled"
	// KindAuthRateLimited: the server refuses logins for a while after too
	// many attempts; retrying makes it worse.
	KindAuthRateLimited ErrorKind = "auth_rate_limited"
	// KindMailboxRefused: the login was accepted but the server refused to
	// open the mailbox (IMAP EXAMINE INBOX, checked for providers that
	// need IMAP ID, such as NetEase's "NO Unsafe Login").
	KindMailboxRefused ErrorKind = "mailbox_refused"
)

// Error returns the kind's text, such as "starttls_injection", so that
// printing a kind shows its stable text.
func (k ErrorKind) Error() string { return string(k) }

// KindOf returns the kind of a probe error, or "" if err is nil or not a
// [*ProbeError].
func KindOf(err error) ErrorKind {
	if pe, ok := errors.AsType[*ProbeError](err); ok {
		return pe.Kind
	}
	return ""
}

// The steps of a probe (see [ProbeError].Step), in order.
const (
	stepResolve      = "resolve"      // DNS lookup of the endpoint's host
	stepConnect      = "connect"      // TCP connection
	stepTLS          = "tls"          // TLS handshake (implicit TLS or after STARTTLS)
	stepGreeting     = "greeting"     // the server's first line
	stepCapabilities = "capabilities" // CAPABILITY, CAPA or EHLO
	stepSTARTTLS     = "starttls"     // the STARTTLS or STLS command
	stepAuth         = "auth"         // the optional credential check
	stepLogout       = "logout"       // LOGOUT or QUIT
)

// A ProbeError reports a failed probe: which endpoint, which step, what
// kind of failure, and the underlying cause. It matches its [ErrorKind]
// with [errors.Is], and its cause with [errors.Is] and [errors.As] (such as
// *net.DNSError, *tls.CertificateVerificationError, x509.HostnameError or
// context.DeadlineExceeded).
type ProbeError struct {
	Endpoint ServerEndpoint
	Addr     string // the IP address and port dialled, or "" before the connection
	// Step is the stage of the probe that failed, as a short stable
	// code, in order: "resolve" (DNS lookup of the endpoint's host),
	// "connect" (TCP connection), "tls" (TLS handshake, implicit or after
	// STARTTLS), "greeting" (the server's first line), "capabilities"
	// (CAPABILITY, CAPA or EHLO), "starttls" (the STARTTLS or STLS
	// command), "auth" (the optional credential check), "logout" (LOGOUT
	// or QUIT).
	Step string
	Kind ErrorKind
	Err  error // the cause, or nil

	// ServerText is what the server said, if anything: sanitized (no
	// control characters) and at most 512 bytes. It was received before
	// TLS, so anyone on the network could have written it, when
	// ServerTextBeforeTLS is true.
	ServerText          string
	ServerTextBeforeTLS bool

	// Detected is the protocol the port seems to speak, for wrong_protocol
	// and the mode mismatches, or 0 if unknown.
	Detected Protocol

	// CertNames are the DNS names the server's certificate covers and
	// CertNotAfter its expiry, for certificate failures.
	CertNames    []string
	CertNotAfter time.Time

	// Alternative, for a certificate name mismatch, is a verified endpoint
	// of the same operator on a host the certificate names, or nil: see
	// [ProbeResult].Alternative.
	Alternative *ServerEndpoint

	// Provider is the known provider whose host the endpoint is, or the
	// zero Provider. Its notes are added to the fix of the failures they
	// explain.
	Provider Provider
}

func (e *ProbeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mailsettings: probe %s", e.Endpoint)
	if e.Step != "" {
		fmt.Fprintf(&b, ": %s", e.Step)
	}
	fmt.Fprintf(&b, ": %s", e.Kind)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %s", e.cause())
	}
	if e.ServerText != "" {
		fmt.Fprintf(&b, " (server said %q)", sanitize.Clip(e.ServerText, 120))
	}
	return b.String()
}

// cause returns the cause's message, sanitized: it can hold text from the
// server, such as the names of a certificate in an x509.HostnameError.
func (e *ProbeError) cause() string {
	if e.Err == nil {
		return ""
	}
	return sanitize.Text(e.Err.Error(), maxCauseText)
}

// maxCauseText caps the cause's message in errors and explanations.
const maxCauseText = 512

// Unwrap returns the cause.
func (e *ProbeError) Unwrap() error { return e.Err }

// Is reports whether target is e's [ErrorKind].
func (e *ProbeError) Is(target error) bool {
	k, ok := target.(ErrorKind)
	return ok && k == e.Kind
}
