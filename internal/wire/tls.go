package wire

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// handshake starts TLS on the connection, for implicit TLS or after a
// STARTTLS go-ahead.
func (s *session) handshake(afterSTARTTLS bool) error {
	s.step = StepTLS
	t0 := time.Now()
	tc := tls.Client(s.raw, s.cfg.TLS)
	err := tc.HandshakeContext(s.ctx)
	s.res.TLSTime = time.Since(t0)
	if err != nil {
		return s.tlsFail(err, afterSTARTTLS)
	}
	cs := tc.ConnectionState()
	s.tls = true
	s.verified = len(cs.VerifiedChains) > 0
	s.res.TLS, s.res.Verified = &cs, s.verified
	if len(cs.PeerCertificates) > 0 {
		s.res.Cert = cs.PeerCertificates[0]
	}
	s.r, s.w = newLineReader(tc), tc
	return nil
}

// tlsFail classifies a failed handshake.
func (s *session) tlsFail(err error, afterSTARTTLS bool) error {
	if k, ok := s.ctxKind(err); ok {
		return s.fail(k, err, "")
	}
	if rhe, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		head := string(rhe.RecordHeader[:])
		if afterSTARTTLS {
			return s.failText(KindSTARTTLSInjection, fmt.Errorf("%w: %w", errPlainAfterGoAhead, err), head, true)
		}
		e := s.failText(KindExpectedTLSGotPlaintext, err, head, true)
		e.Detected = detectProtocol(head)
		return e
	}
	if cve, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		if len(cve.UnverifiedCertificates) > 0 {
			s.res.Cert = cve.UnverifiedCertificates[0]
		}
		switch {
		case isErr[x509.UnknownAuthorityError](err):
			return s.fail(KindCertUntrusted, err, "")
		case isErr[x509.HostnameError](err):
			return s.fail(KindCertNameMismatch, err, "")
		case isExpired(err):
			return s.fail(KindCertExpired, err, "")
		}
		return s.fail(KindCertInvalid, err, "")
	}
	if isTLSVersionError(err) {
		return s.fail(KindTLSVersion, err, "")
	}
	if IsClosed(err) {
		return s.fail(KindConnectionClosed, err, "")
	}
	return s.fail(KindTLSHandshake, err, "")
}

func isErr[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

func isExpired(err error) bool {
	ce, ok := errors.AsType[x509.CertificateInvalidError](err)
	return ok && ce.Reason == x509.Expired
}

// isTLSVersionError reports whether err says that no common TLS version
// exists: a protocol_version alert from the server, or a server that chose
// a version below the minimum.
func isTLSVersionError(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if msg := e.Error(); strings.Contains(msg, "protocol version not supported") || strings.Contains(msg, "unsupported protocol version") || strings.Contains(msg, "server selected unsupported protocol") {
			return true
		}
	}
	return false
}

// readGreeting reads the server's first line. On a plaintext connection it
// waits three quarters of the remaining time; if nothing at all arrives,
// it checks whether the port speaks TLS by starting a handshake, so that a
// port that expects implicit TLS is diagnosed as such instead of as a
// silent server.
func (s *session) readGreeting() (string, error) {
	s.step = StepGreeting
	t0 := time.Now()
	defer func() { s.res.GreetingTime = time.Since(t0) }()
	s.r.startResponse()
	if s.tls {
		line, err := s.r.readLine()
		if err != nil {
			return "", s.ioFail(err)
		}
		return line, nil
	}
	dl, ok := s.ctx.Deadline()
	if ok {
		s.raw.SetReadDeadline(time.Now().Add(time.Until(dl) * 3 / 4))
	}
	line, err := s.r.readLine()
	if ok {
		s.raw.SetReadDeadline(dl)
	}
	if err == nil {
		return line, nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) && s.ctx.Err() == nil && s.r.buffered() == 0 && s.r.n == 0 {
		if s.speaksTLS() {
			return "", s.fail(KindExpectedPlaintextGotTLS, errUnexpectedTLS, "")
		}
		if k, ok := s.ctxKind(err); ok {
			return "", s.fail(k, err, "")
		}
	}
	return "", s.ioFail(err)
}

// speaksTLS reports whether the server answers a TLS ClientHello with TLS.
// Nothing but the handshake is sent.
func (s *session) speaksTLS() bool {
	tc := tls.Client(s.raw, s.cfg.TLS)
	err := tc.HandshakeContext(s.ctx)
	switch {
	case err == nil:
		return true
	case isErr[tls.RecordHeaderError](err), isErr[*tls.CertificateVerificationError](err):
		return !isErr[tls.RecordHeaderError](err)
	}
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "remote error" {
		return true
	}
	return false
}

// badGreeting diagnoses a greeting that is not one of the protocol's.
func (s *session) badGreeting(line string) error {
	if p := detectProtocol(line); p != 0 && p != s.cfg.Proto {
		e := s.fail(KindWrongProtocol, fmt.Errorf("%w: %s greeting on a %s port", errWrongProtocol, p, s.cfg.Proto), line)
		e.Detected = p
		return e
	}
	return s.fail(KindProtocolError, fmt.Errorf("%w: invalid %s greeting", errProtocol, s.cfg.Proto), line)
}

// startTLSAfterGoAhead checks that nothing followed the STARTTLS go-ahead
// and starts TLS.
func (s *session) startTLSAfterGoAhead() error {
	if n := s.r.buffered(); n > 0 {
		peek, _ := s.r.br.Peek(min(n, 80))
		return s.fail(KindSTARTTLSInjection, fmt.Errorf("%w: %d bytes", errInjection, n), string(peek))
	}
	return s.handshake(true)
}
