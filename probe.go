package mailsettings

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults of a zero [Prober].
const (
	defaultProbeTimeout = 30 * time.Second
	defaultMaxParallel  = 16
	// maxAddresses is how many of a host's addresses a probe tries.
	maxAddresses = 4
)

// A Prober checks that mail server endpoints work: it resolves the host,
// connects, starts TLS (implicit TLS or STARTTLS), verifies the certificate
// against the endpoint's host name, reads the greeting, asks for the
// capabilities after TLS, and closes politely (LOGOUT or QUIT). Every
// failure is a [*ProbeError] that names the step and the kind of failure
// and explains it in English and Simplified Chinese.
//
// The zero value is ready to use. A Prober is safe for concurrent use and
// must not be changed while probes are running. It starts no goroutine that
// outlives a call.
type Prober struct {
	// Resolver looks up the endpoint's host (LookupIPAddr). Nil means
	// net.DefaultResolver. The Prober resolves names itself and dials IP
	// addresses, so every DNS question goes to Resolver.
	Resolver Resolver

	// Dialer opens TCP connections to IP addresses. Nil means a zero
	// net.Dialer.
	Dialer Dialer

	// TLSConfig is the TLS client configuration, or nil for the default.
	// It is cloned, never modified. ServerName is always set to the
	// endpoint's host and MinVersion is raised to TLS 1.2 if lower. Set
	// RootCAs to trust a private certificate authority. Credentials are
	// never sent unless the certificate was verified, so a config with
	// InsecureSkipVerify allows probing but never a login.
	TLSConfig *tls.Config

	// Timeout bounds a whole probe, from DNS to LOGOUT. Zero means 30
	// seconds. The context given to Probe can shorten it.
	Timeout time.Duration

	// MaxParallel bounds how many probes ProbeAll runs at once. Zero means
	// 16.
	MaxParallel int
}

// A ProbeResult is what a probe learned about an endpoint.
//
// Text that came from the server (Greeting, Capabilities, AuthMechanisms) is
// sanitized: control characters are removed and its length is capped. Text
// received before TLS could have been written by anyone on the network; the
// BeforeTLS fields say when that is the case.
type ProbeResult struct {
	Endpoint ServerEndpoint
	Addr     string   // the IP address and port dialled
	Provider Provider // the known provider whose host this is, or the zero Provider

	// TLS facts, zero for a plaintext probe.
	TLSVersion  uint16       // such as tls.VersionTLS13
	CipherSuite uint16       // such as tls.TLS_AES_128_GCM_SHA256
	Verified    bool         // the certificate chain was verified
	Certificate *CertSummary // the server's certificate, or nil

	// Greeting is the server's first line; GreetingBeforeTLS is true for
	// STARTTLS and plaintext endpoints.
	Greeting          string
	GreetingBeforeTLS bool
	// Preauth is true when an IMAP server greeted with PREAUTH (allowed
	// only after implicit TLS).
	Preauth bool

	// Capabilities are the IMAP CAPABILITY, POP3 CAPA or SMTP EHLO
	// keywords, asked for after TLS; nothing learned before STARTTLS is
	// kept. CapabilitiesBeforeTLS is true only for plaintext endpoints.
	Capabilities          []string
	CapabilitiesBeforeTLS bool
	// AuthMechanisms are the SASL mechanisms offered, upper case.
	AuthMechanisms []string

	// Login is the outcome of the credential check, or nil if none was
	// asked for or it did not happen.
	Login *LoginResult

	Timing ProbeTiming
}

// TLSVersionName returns the TLS version, such as "TLS 1.3", or "".
func (r *ProbeResult) TLSVersionName() string {
	if r.TLSVersion == 0 {
		return ""
	}
	return tls.VersionName(r.TLSVersion)
}

// CipherSuiteName returns the cipher suite's name, or "".
func (r *ProbeResult) CipherSuiteName() string {
	if r.CipherSuite == 0 {
		return ""
	}
	return tls.CipherSuiteName(r.CipherSuite)
}

// A CertSummary describes a server certificate.
type CertSummary struct {
	Subject   string
	Issuer    string
	DNSNames  []string
	NotBefore time.Time
	NotAfter  time.Time
}

func summarizeCert(c *x509.Certificate) *CertSummary {
	if c == nil {
		return nil
	}
	names := make([]string, 0, len(c.DNSNames)+len(c.IPAddresses))
	for _, n := range c.DNSNames {
		names = append(names, sanitize(n))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return &CertSummary{
		Subject: sanitize(c.Subject.String()), Issuer: sanitize(c.Issuer.String()),
		DNSNames: names, NotBefore: c.NotBefore, NotAfter: c.NotAfter,
	}
}

// ProbeTiming is how long each step of a probe took. A step that did not
// happen is zero.
type ProbeTiming struct {
	DNS      time.Duration
	Connect  time.Duration
	TLS      time.Duration // the handshake, for implicit TLS or after STARTTLS
	Greeting time.Duration // from connection (or handshake) to the greeting line
	Total    time.Duration
}

// Probe checks the endpoint with a zero [Prober].
func Probe(ctx context.Context, e ServerEndpoint) (*ProbeResult, error) {
	var p Prober
	return p.Probe(ctx, e)
}

// Probe checks the endpoint. The result is never nil: on failure it holds
// what was learned before the failure, and the error is a [*ProbeError].
func (p *Prober) Probe(ctx context.Context, e ServerEndpoint) (*ProbeResult, error) {
	return p.run(ctx, e, nil)
}

// A ProbeReport is the outcome of probing one endpoint with ProbeAll.
type ProbeReport struct {
	Result *ProbeResult // never nil
	Err    error        // nil or a *ProbeError
}

// ProbeAll probes the endpoints with a zero [Prober].
func ProbeAll(ctx context.Context, endpoints []ServerEndpoint) []ProbeReport {
	var p Prober
	return p.ProbeAll(ctx, endpoints)
}

// ProbeAll probes every endpoint, at most MaxParallel at a time, and
// returns the reports in the order of endpoints. It returns when every
// probe has finished.
func (p *Prober) ProbeAll(ctx context.Context, endpoints []ServerEndpoint) []ProbeReport {
	out := make([]ProbeReport, len(endpoints))
	workers := p.MaxParallel
	if workers <= 0 {
		workers = defaultMaxParallel
	}
	workers = min(workers, len(endpoints))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(endpoints) {
					return
				}
				r, err := p.Probe(ctx, endpoints[i])
				out[i] = ProbeReport{Result: r, Err: err}
			}
		})
	}
	wg.Wait()
	return out
}

// run does a probe, with a credential check if cred is not nil.
func (p *Prober) run(ctx context.Context, e ServerEndpoint, cred *Credentials) (*ProbeResult, error) {
	start := time.Now()
	s := &session{p: p, e: e, cred: cred, res: &ProbeResult{Endpoint: e}}
	s.res.Provider = providerForHost(e.Host)
	err := s.run(ctx)
	s.res.Timing.Total = time.Since(start)
	if err != nil {
		return s.res, err
	}
	return s.res, nil
}

// A session is one probe's state.
type session struct {
	p    *Prober
	e    ServerEndpoint
	cred *Credentials
	res  *ProbeResult

	ctx      context.Context
	raw      net.Conn    // the TCP connection
	r        *lineReader // reads from raw, or from the TLS connection
	w        net.Conn    // raw or the TLS connection
	tls      bool        // TLS is on
	verified bool        // TLS is on with a verified certificate
	step     Step
	tag      int
}

func (s *session) run(parent context.Context) error {
	if err := checkProbeEndpoint(s.e); err != nil {
		return s.fail(KindInvalidRequest, err, "")
	}
	if s.cred != nil {
		if err := s.cred.check(); err != nil {
			return s.fail(KindInvalidRequest, err, "")
		}
	}
	timeout := s.p.Timeout
	if timeout <= 0 {
		timeout = defaultProbeTimeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	s.ctx = ctx

	ips, err := s.resolve()
	if err != nil {
		return err
	}
	if err := s.connect(ips); err != nil {
		return err
	}
	// Closing the connection when ctx is done unblocks every read, write
	// and handshake. If the closing function has started, wait for it, so
	// that no goroutine outlives the call.
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		s.raw.Close()
		close(closed)
	})
	defer func() {
		if !stop() {
			<-closed
		}
		s.raw.Close()
	}()
	if dl, ok := ctx.Deadline(); ok {
		s.raw.SetDeadline(dl)
	}
	s.r, s.w = newLineReader(s.raw), s.raw
	if s.e.Encryption == ImplicitTLS {
		if err := s.handshake(false); err != nil {
			return err
		}
	}
	switch s.e.Protocol {
	case IMAP:
		return s.imap()
	case POP3:
		return s.pop3()
	default:
		return s.smtp()
	}
}

// checkProbeEndpoint checks the fields a probe needs. The username form is
// not needed, and the host may be an IP address.
func checkProbeEndpoint(e ServerEndpoint) error {
	switch {
	case !e.Protocol.Valid():
		return fmt.Errorf("%w: invalid protocol", ErrInvalidRequest)
	case !e.Encryption.Valid():
		return fmt.Errorf("%w: invalid encryption", ErrInvalidRequest)
	case e.Port == 0:
		return fmt.Errorf("%w: port 0", ErrInvalidRequest)
	}
	if net.ParseIP(e.Host) != nil {
		return nil
	}
	if err := checkLDH(e.Host); err != nil {
		return fmt.Errorf("%w: host %q: %w", ErrInvalidRequest, truncate(e.Host, 80), err)
	}
	return nil
}

// resolve returns the addresses to try.
func (s *session) resolve() ([]net.IP, error) {
	s.step = StepResolve
	if ip := net.ParseIP(s.e.Host); ip != nil {
		return []net.IP{ip}, nil
	}
	var r Resolver = net.DefaultResolver
	if s.p.Resolver != nil {
		r = s.p.Resolver
	}
	t0 := time.Now()
	// Fully qualified, so that a resolver never appends its search
	// domains and asks about names outside the endpoint's.
	addrs, err := r.LookupIPAddr(s.ctx, fqdn(s.e.Host))
	s.res.Timing.DNS = time.Since(t0)
	if err != nil {
		if k, ok := s.ctxKind(err); ok {
			if k == KindConnectTimeout || k == KindTimeout {
				k = KindDNSFailure
			}
			return nil, s.fail(k, err, "")
		}
		if de, ok := errors.AsType[*net.DNSError](err); ok && de.IsNotFound {
			return nil, s.fail(KindDNSNotFound, err, "")
		}
		return nil, s.fail(KindDNSFailure, err, "")
	}
	ips := make([]net.IP, 0, len(addrs))
	for _, a := range addrs {
		if a.IP != nil {
			ips = append(ips, a.IP)
		}
	}
	if len(ips) == 0 {
		return nil, s.fail(KindDNSNotFound, &net.DNSError{Err: "no addresses", Name: s.e.Host, IsNotFound: true}, "")
	}
	return ips, nil
}

// connect dials the addresses in turn until one answers.
func (s *session) connect(ips []net.IP) error {
	s.step = StepConnect
	var d Dialer = &net.Dialer{}
	if s.p.Dialer != nil {
		d = s.p.Dialer
	}
	t0 := time.Now()
	defer func() { s.res.Timing.Connect = time.Since(t0) }()
	var err error
	for i, ip := range ips {
		if i == maxAddresses {
			break
		}
		addr := net.JoinHostPort(ip.String(), strconv.Itoa(int(s.e.Port)))
		s.res.Addr = addr
		var c net.Conn
		c, err = d.DialContext(s.ctx, "tcp", addr)
		if err == nil {
			s.raw = c
			return nil
		}
		if s.ctx.Err() != nil {
			break
		}
	}
	if k, ok := s.ctxKind(err); ok {
		return s.fail(k, err, "")
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return s.fail(KindConnectionRefused, err, "")
	}
	return s.fail(KindNetwork, err, "")
}

// tlsConfig returns the TLS configuration for the endpoint.
func (s *session) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.p.TLSConfig != nil {
		c = s.p.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	c.ServerName = s.e.Host
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	if c.MaxVersion != 0 && c.MaxVersion < tls.VersionTLS12 {
		c.MaxVersion = 0
	}
	return c
}

// handshake starts TLS on the connection, for implicit TLS or after a
// STARTTLS go-ahead.
func (s *session) handshake(afterSTARTTLS bool) error {
	s.step = StepTLS
	t0 := time.Now()
	tc := tls.Client(s.raw, s.tlsConfig())
	err := tc.HandshakeContext(s.ctx)
	s.res.Timing.TLS = time.Since(t0)
	if err != nil {
		return s.tlsFail(err, afterSTARTTLS)
	}
	cs := tc.ConnectionState()
	s.tls = true
	s.verified = len(cs.VerifiedChains) > 0
	s.res.TLSVersion, s.res.CipherSuite, s.res.Verified = cs.Version, cs.CipherSuite, s.verified
	if len(cs.PeerCertificates) > 0 {
		s.res.Certificate = summarizeCert(cs.PeerCertificates[0])
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
			return s.failText(KindSTARTTLSInjection, fmt.Errorf("%w: %w", errUnexpectedPlainAfterGo, err), head, true)
		}
		pe := s.failText(KindExpectedTLSGotPlaintext, err, head, true)
		pe.Detected = detectProtocol(head)
		return pe
	}
	if cve, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		var pe *ProbeError
		switch {
		case isErr[x509.UnknownAuthorityError](err):
			pe = s.fail(KindCertUntrusted, err, "")
		case isErr[x509.HostnameError](err):
			pe = s.fail(KindCertNameMismatch, err, "")
		case isExpired(err):
			pe = s.fail(KindCertExpired, err, "")
		default:
			pe = s.fail(KindCertInvalid, err, "")
		}
		if len(cve.UnverifiedCertificates) > 0 {
			c := summarizeCert(cve.UnverifiedCertificates[0])
			s.res.Certificate = c
			pe.CertNames, pe.CertNotAfter = c.DNSNames, c.NotAfter
		}
		return pe
	}
	if isTLSVersionError(err) {
		return s.fail(KindTLSVersion, err, "")
	}
	if isClosed(err) {
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

// isClosed reports whether err means the peer closed or reset the
// connection.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}

// ctxKind classifies err as a timeout or cancellation, by the context's
// state or the error itself.
func (s *session) ctxKind(err error) (ErrorKind, bool) {
	switch {
	case s.ctx.Err() == context.Canceled:
		return KindCanceled, true
	case s.ctx.Err() == context.DeadlineExceeded, errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
	default:
		if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
			return "", false
		}
	}
	switch {
	case s.step == StepConnect:
		return KindConnectTimeout, true
	case s.step == StepGreeting, s.step == StepTLS && s.e.Encryption == ImplicitTLS:
		return KindGreetingTimeout, true
	}
	return KindTimeout, true
}

// ioFail classifies a failed read or write.
func (s *session) ioFail(err error) *ProbeError {
	if errors.Is(err, errLineTooLong) || errors.Is(err, errResponseTooLong) {
		return s.fail(KindResponseTooLong, err, "")
	}
	if k, ok := s.ctxKind(err); ok {
		return s.fail(k, err, "")
	}
	if isClosed(err) {
		return s.fail(KindConnectionClosed, err, "")
	}
	return s.fail(KindNetwork, err, "")
}

// fail returns a ProbeError for the current step. Server text, if any, is
// marked as received before TLS when TLS is not on.
func (s *session) fail(k ErrorKind, err error, serverText string) *ProbeError {
	return s.failText(k, err, serverText, !s.tls)
}

func (s *session) failText(k ErrorKind, err error, serverText string, beforeTLS bool) *ProbeError {
	if s.ctx != nil && k == KindCanceled {
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	} else if k == KindTimeout || k == KindGreetingTimeout || k == KindConnectTimeout {
		if !errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	pe := &ProbeError{
		Endpoint: s.e, Addr: s.res.Addr, Step: s.step, Kind: k, Err: err,
		Provider: s.res.Provider,
	}
	if serverText != "" {
		pe.ServerText, pe.ServerTextBeforeTLS = sanitize(serverText), beforeTLS
	}
	return pe
}

// write sends one command line.
func (s *session) write(line string) error {
	if _, err := s.w.Write([]byte(line + "\r\n")); err != nil {
		return s.ioFail(err)
	}
	return nil
}

// readGreeting reads the server's first line. On a plaintext connection it
// waits three quarters of the remaining time; if nothing at all arrives,
// it checks
// whether the port speaks TLS by starting a handshake, so that a port that
// expects implicit TLS is diagnosed as such instead of as a silent server.
func (s *session) readGreeting() (string, error) {
	s.step = StepGreeting
	t0 := time.Now()
	defer func() { s.res.Timing.Greeting = time.Since(t0) }()
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
			return "", s.fail(KindExpectedPlaintextGotTLS, ErrUnexpectedTLS, "")
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
	tc := tls.Client(s.raw, s.tlsConfig())
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

// setGreeting records the greeting in the result.
func (s *session) setGreeting(line string) {
	s.res.Greeting, s.res.GreetingBeforeTLS = sanitize(line), !s.tls
}

// setCapabilities records capabilities in the result.
func (s *session) setCapabilities(caps, auth []string) {
	s.res.Capabilities, s.res.AuthMechanisms = caps, auth
	s.res.CapabilitiesBeforeTLS = !s.tls
}

// badGreeting diagnoses a greeting that is not one of the protocol's.
func (s *session) badGreeting(line string) error {
	if p := detectProtocol(line); p != 0 && p != s.e.Protocol {
		pe := s.fail(KindWrongProtocol, fmt.Errorf("%w: %s greeting on a %s port", ErrWrongProtocol, p, s.e.Protocol), line)
		pe.Detected = p
		return pe
	}
	return s.fail(KindProtocolError, fmt.Errorf("%w: invalid %s greeting", ErrProtocol, s.e.Protocol), line)
}

// startTLSAfterGoAhead checks that nothing followed the STARTTLS go-ahead
// and starts TLS.
func (s *session) startTLSAfterGoAhead() error {
	if n := s.r.buffered(); n > 0 {
		peek, _ := s.r.br.Peek(min(n, 80))
		return s.fail(KindSTARTTLSInjection, fmt.Errorf("%w: %d bytes", ErrSTARTTLSInjection, n), string(peek))
	}
	return s.handshake(true)
}

// logoutWait bounds the wait for the answer to LOGOUT or QUIT, which
// changes nothing in the result.
const logoutWait = 2 * time.Second

// quit sends the closing command and reads one reply, ignoring errors.
func (s *session) quit(cmd string, done func(line string) bool) {
	s.step = StepLogout
	if s.write(cmd) != nil {
		return
	}
	dl := time.Now().Add(logoutWait)
	if cd, ok := s.ctx.Deadline(); ok && cd.Before(dl) {
		dl = cd
	}
	s.raw.SetReadDeadline(dl)
	s.r.startResponse()
	for range 8 {
		line, err := s.r.readLine()
		if err != nil || done(line) {
			return
		}
	}
}
