package wire

import (
	"bytes"
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
// STARTTLS go-ahead. The implicit-TLS handshake is the server's first
// answer, so it is bounded by the greeting wait.
func (s *session) handshake(afterSTARTTLS bool) error {
	s.step = StepTLS
	t0 := time.Now()
	cc := &captureConn{Conn: s.raw}
	tc := tls.Client(cc, s.cfg.TLS)
	if !afterSTARTTLS {
		s.boundWait(s.cfg.GreetingWait)
	}
	err := tc.HandshakeContext(s.ctx)
	s.restoreDeadline()
	cc.stop()
	s.res.TLSTime = time.Since(t0)
	if err != nil {
		return s.tlsFail(err, afterSTARTTLS, cc)
	}
	cs := tc.ConnectionState()
	s.tls = true
	s.res.TLS = &cs
	if len(cs.PeerCertificates) > 0 {
		s.res.Cert = cs.PeerCertificates[0]
	}
	s.r, s.w = newLineReader(tc), tc
	if len(cs.VerifiedChains) > 0 {
		if werr := weakChains(cs.VerifiedChains); werr != nil {
			// The chain verified, but below the baseline: the connection
			// does not count as verified, so no credential is sent.
			return s.fail(KindCertWeakKey, werr, "")
		}
		s.verified = true
		s.res.Verified = true
	}
	return nil
}

// boundWait sets the connection's deadline to d from now, or to the
// context's deadline if that is sooner; d <= 0 leaves the context's.
func (s *session) boundWait(d time.Duration) {
	if d <= 0 {
		return
	}
	dl := time.Now().Add(d)
	if cd, ok := s.ctx.Deadline(); ok && cd.Before(dl) {
		dl = cd
	}
	s.raw.SetDeadline(dl)
}

// restoreDeadline sets the connection's deadline back to the context's.
func (s *session) restoreDeadline() {
	dl, _ := s.ctx.Deadline() // the zero time (no deadline) without one
	s.raw.SetDeadline(dl)
}

// A captureConn keeps the first bytes read from a connection while a TLS
// handshake runs, so that a server that answers in plaintext can be
// quoted: the TLS layer reads more than the 5 bytes of a record header
// that it reports.
type captureConn struct {
	net.Conn
	buf []byte
	off bool
}

// maxCapture bounds what a captureConn keeps.
const maxCapture = MaxServerText

func (c *captureConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.off && n > 0 {
		if room := maxCapture - len(c.buf); room > 0 {
			c.buf = append(c.buf, p[:min(n, room)]...)
		}
	}
	return n, err
}

// stop ends the capture, once the handshake is over.
func (c *captureConn) stop() { c.off = true }

// restOfLineWait bounds the wait for the rest of a plaintext line that
// arrived where a TLS handshake was expected.
const restOfLineWait = 500 * time.Millisecond

// plaintextLine returns the first line of what the server sent instead of
// a TLS handshake: what the TLS layer read, completed from the connection
// until the end of the line, at most maxCapture bytes and restOfLineWait.
func (s *session) plaintextLine(cc *captureConn) string {
	buf := cc.buf
	if !bytes.ContainsRune(buf, '\n') && len(buf) < maxCapture {
		s.boundWait(restOfLineWait)
		tmp := make([]byte, maxCapture)
		for len(buf) < maxCapture && !bytes.ContainsRune(buf, '\n') {
			n, err := s.raw.Read(tmp[:maxCapture-len(buf)])
			buf = append(buf, tmp[:n]...)
			if err != nil {
				break
			}
		}
		s.restoreDeadline()
	}
	line, _, _ := bytes.Cut(buf, []byte("\n"))
	return strings.TrimSuffix(string(line), "\r")
}

// tlsFail classifies a failed handshake.
func (s *session) tlsFail(err error, afterSTARTTLS bool, cc *captureConn) error {
	if k, ok := s.ctxKind(err); ok {
		return s.fail(k, err, "")
	}
	if _, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		line := s.plaintextLine(cc)
		if afterSTARTTLS {
			// The server answered the ClientHello in plaintext. Data that
			// arrived before the ClientHello was sent is caught earlier,
			// as an injection (startTLSAfterGoAhead); an error reply now
			// is a server that could not start TLS, anything else may
			// still be an injection in a later packet.
			if isErrorReply(s.cfg.Proto, line) {
				return s.failText(KindSTARTTLSFailed, fmt.Errorf("%w: %w", errSTARTTLSFailed, err), line, true)
			}
			return s.failText(KindSTARTTLSInjection, fmt.Errorf("%w: %w", errPlainAfterGoAhead, err), line, true)
		}
		e := s.failText(KindExpectedTLSGotPlaintext, err, line, true)
		e.Detected = detectProtocol(line)
		if e.Detected != 0 && e.Detected != s.cfg.Proto {
			// Another protocol's plaintext greeting: the port is not
			// this protocol's in any mode.
			e.Kind = KindWrongProtocol
			e.Err = fmt.Errorf("%w: plaintext %s greeting on %s %s port: %w", errWrongProtocol, e.Detected, article(s.cfg.Proto.String()), s.cfg.Proto, err)
		}
		return e
	}
	if cve, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		if len(cve.UnverifiedCertificates) > 0 {
			s.res.Cert = cve.UnverifiedCertificates[0]
		}
		switch {
		case isInsecureAlgorithm(err):
			return s.fail(KindCertWeakKey, err, "")
		case isErr[x509.UnknownAuthorityError](err):
			return s.fail(KindCertUntrusted, err, "")
		case isErr[x509.HostnameError](err):
			if s.chainVerifies(cve.UnverifiedCertificates) {
				s.res.MismatchChainVerified = true
			}
			return s.fail(KindCertNameMismatch, err, "")
		case isExpired(err):
			return s.fail(KindCertExpired, err, "")
		}
		return s.fail(KindCertInvalid, err, "")
	}
	if isTLSVersionError(err) {
		return s.fail(KindTLSVersion, err, "")
	}
	if isWeakRSAError(err) {
		return s.fail(KindCertWeakKey, err, "")
	}
	if IsClosed(err) {
		return s.fail(KindConnectionClosed, err, "")
	}
	return s.fail(KindTLSHandshake, err, "")
}

// chainVerifies reports whether the certificates the server sent (leaf
// first) chain to a trusted root when the host name is not checked, with
// the roots and time of the TLS configuration. It tells a certificate of
// another host of a real operator from any text a server can make up.
func (s *session) chainVerifies(certs []*x509.Certificate) bool {
	if len(certs) == 0 || s.cfg.TLS == nil || s.cfg.TLS.InsecureSkipVerify {
		return false
	}
	opts := x509.VerifyOptions{Roots: s.cfg.TLS.RootCAs, Intermediates: x509.NewCertPool()}
	if s.cfg.TLS.Time != nil {
		opts.CurrentTime = s.cfg.TLS.Time()
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := certs[0].Verify(opts)
	return err == nil && weakChains(chains) == nil
}

func isErr[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

func isExpired(err error) bool {
	ce, ok := errors.AsType[x509.CertificateInvalidError](err)
	return ok && ce.Reason == x509.Expired
}

// isInsecureAlgorithm reports whether verification failed on a SHA-1 or
// MD5 signature: Go reports it as an x509.InsecureAlgorithmError, or as an
// unknown authority whose hint names the insecure algorithm (the text is
// the only place the hint shows).
func isInsecureAlgorithm(err error) bool {
	return isErr[x509.InsecureAlgorithmError](err) || strings.Contains(err.Error(), "insecure algorithm")
}

// isWeakRSAError reports whether the handshake failed on an RSA key that
// Go refuses outright (under 1024 bits, crypto/rsa).
func isWeakRSAError(err error) bool {
	return strings.Contains(err.Error(), "-bit keys are insecure")
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

// readGreeting reads the server's first line, waiting at most the
// greeting wait (and, on a plaintext connection, at most half the time
// left, so that the check below has time). If nothing at all arrives on a
// plaintext connection, it checks whether the port speaks TLS by starting
// a handshake, bounded the same way, so that a port that expects implicit
// TLS is diagnosed as such in seconds instead of as a silent server.
func (s *session) readGreeting() (string, error) {
	s.step = StepGreeting
	t0 := time.Now()
	defer func() { s.res.GreetingTime = time.Since(t0) }()
	s.r.startResponse()
	wait := s.cfg.GreetingWait
	if dl, ok := s.ctx.Deadline(); ok && !s.tls {
		if half := time.Until(dl) / 2; wait <= 0 || half < wait {
			wait = half
		}
	}
	s.boundWait(wait)
	line, err := s.r.readLine()
	s.restoreDeadline()
	if err == nil {
		return line, nil
	}
	if !s.tls && errors.Is(err, os.ErrDeadlineExceeded) && s.ctx.Err() == nil && s.r.buffered() == 0 && s.r.n == 0 {
		s.boundWait(s.cfg.GreetingWait)
		tlsPort := s.speaksTLS()
		s.restoreDeadline()
		if tlsPort {
			return "", s.fail(KindExpectedPlaintextGotTLS, errUnexpectedTLS, "")
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
	case isErr[tls.RecordHeaderError](err):
		return false
	case isErr[*tls.CertificateVerificationError](err):
		return true
	}
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "remote error" {
		return true
	}
	return false
}

// badGreeting diagnoses a greeting that is not one of the protocol's.
func (s *session) badGreeting(line string) error {
	if p := detectProtocol(line); p != 0 && p != s.cfg.Proto {
		e := s.fail(KindWrongProtocol, fmt.Errorf("%w: %s greeting on %s %s port", errWrongProtocol, p, article(s.cfg.Proto.String()), s.cfg.Proto), line)
		e.Detected = p
		return e
	}
	return s.fail(KindProtocolError, fmt.Errorf("%w: invalid %s greeting", errProtocol, s.cfg.Proto), line)
}

// article returns "an" before IMAP and SMTP (read "an I-MAP", "an
// S-M-T-P"), "a" before POP3.
func article(proto string) string {
	if strings.HasPrefix(proto, "POP") {
		return "a"
	}
	return "an"
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

// isErrorReply reports whether line is a refusal in the protocol: POP3
// "-ERR", an SMTP 4xx or 5xx reply, or an IMAP NO, BAD or BYE (tagged or
// untagged).
func isErrorReply(p Proto, line string) bool {
	switch p {
	case POP3:
		return strings.HasPrefix(line, "-ERR")
	case SMTP:
		code, _, _, ok := parseSMTPLine(line)
		return ok && code >= 400
	case IMAP:
		f := strings.Fields(line)
		return len(f) >= 2 && (strings.EqualFold(f[1], "NO") || strings.EqualFold(f[1], "BAD") || strings.EqualFold(f[1], "BYE"))
	}
	return false
}
