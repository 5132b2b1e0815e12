package wire

import (
	"context"
	"errors"
	"net"
	"os"

	"github.com/mailsettings/mailsettings/internal/netdial"
)

// A Kind names why a session failed. The values are the stable strings of
// mailsettings.ErrorKind, which documents each of them.
type Kind string

// The kinds a session can end with.
const (
	KindInvalidRequest          Kind = "invalid_request"
	KindNetwork                 Kind = "network_error"
	KindConnectTimeout          Kind = "connect_timeout"
	KindExpectedTLSGotPlaintext Kind = "expected_tls_got_plaintext"
	KindExpectedPlaintextGotTLS Kind = "expected_plaintext_got_tls"
	KindSTARTTLSNotOffered      Kind = "starttls_not_offered"
	KindSTARTTLSRefused         Kind = "starttls_refused"
	KindSTARTTLSInjection       Kind = "starttls_injection"
	KindSTARTTLSFailed          Kind = "starttls_failed"
	KindPreauthPlaintext        Kind = "preauth_plaintext"
	KindCertUntrusted           Kind = "cert_untrusted"
	KindCertExpired             Kind = "cert_expired"
	KindCertNameMismatch        Kind = "cert_name_mismatch"
	KindCertInvalid             Kind = "cert_invalid"
	KindCertWeakKey             Kind = "cert_weak_key"
	KindTLSVersion              Kind = "tls_version"
	KindTLSHandshake            Kind = "tls_handshake"
	KindGreetingTimeout         Kind = "greeting_timeout"
	KindTimeout                 Kind = "timeout"
	KindConnectionClosed        Kind = "connection_closed"
	KindWrongProtocol           Kind = "wrong_protocol"
	KindServiceRefused          Kind = "service_refused"
	KindResponseTooLong         Kind = "response_too_long"
	KindProtocolError           Kind = "protocol_error"
	KindCanceled                Kind = "canceled"
	KindAuthInsecure            Kind = "auth_insecure"
	KindAuthUnavailable         Kind = "auth_unavailable"
	KindAuthRejected            Kind = "auth_rejected"
	KindAuthAppPassword         Kind = "auth_app_password_required"
	KindAuthOAuth2Required      Kind = "auth_oauth2_required"
	KindAuthDisabled            Kind = "auth_disabled"
	KindAuthNotEnabled          Kind = "auth_not_enabled"
	KindAuthRateLimited         Kind = "auth_rate_limited"
	KindMailboxRefused          Kind = "mailbox_refused"
)

// The causes of failures that have no error of their own.
var (
	errUnexpectedTLS     = errors.New("server speaks TLS where a plaintext greeting was expected")
	errNoSTARTTLS        = errors.New("server does not offer STARTTLS")
	errSTARTTLSRefused   = errors.New("server refused STARTTLS")
	errInjection         = errors.New("data after the STARTTLS go-ahead, possible attack")
	errPlainAfterGoAhead = errors.New("server sent plaintext instead of a TLS handshake after the STARTTLS go-ahead")
	errSTARTTLSFailed    = errors.New("server answered the TLS handshake with an error after the STARTTLS go-ahead")
	errPreauthPlaintext  = errors.New("PREAUTH greeting in plaintext")
	errServiceRefused    = errors.New("server refused service")
	errProtocol          = errors.New("protocol error")
	errWrongProtocol     = errors.New("port speaks another protocol")
	errAuthInsecure      = errors.New("credentials withheld: connection not TLS with a verified certificate")
	errAuthUnavailable   = errors.New("no usable login method")
	errLoginFailed       = errors.New("login refused")
	errMailboxRefused    = errors.New("login accepted, but the server refused to open the mailbox")
)

// ctxKind classifies err as a timeout or cancellation (see ContextKind).
func (s *session) ctxKind(err error) (Kind, bool) { return ContextKind(s.ctx, err, s.step, s.cfg.Mode) }

// ContextKind classifies err, which ended step of a probe in mode, as a
// cancellation or a timeout, by the context's state or the error itself:
// KindConnectTimeout at the connection, KindGreetingTimeout at the
// greeting (or the implicit-TLS handshake that comes first), KindTimeout
// afterwards. ok is false for other errors.
func ContextKind(ctx context.Context, err error, step Step, mode Mode) (k Kind, ok bool) {
	switch {
	case ctx.Err() == context.Canceled:
		return KindCanceled, true
	case ctx.Err() == context.DeadlineExceeded, errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
	default:
		if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
			return "", false
		}
	}
	switch {
	case step == StepConnect:
		return KindConnectTimeout, true
	case step == StepGreeting, step == StepTLS && mode == ImplicitTLS:
		return KindGreetingTimeout, true
	}
	return KindTimeout, true
}

// ioFail classifies a failed read or write.
func (s *session) ioFail(err error) *Error {
	if errors.Is(err, errLineTooLong) || errors.Is(err, errResponseTooLong) {
		return s.fail(KindResponseTooLong, err, "")
	}
	if k, ok := s.ctxKind(err); ok {
		return s.fail(k, err, "")
	}
	if IsClosed(err) {
		return s.fail(KindConnectionClosed, err, "")
	}
	return s.fail(KindNetwork, err, "")
}

// IsClosed reports whether err means the peer closed or reset the
// connection (netdial.ClassReset: EOF, ECONNRESET, EPIPE, ECONNABORTED and
// their Windows equivalents).
func IsClosed(err error) bool { return netdial.Classify(err) == netdial.ClassReset }
