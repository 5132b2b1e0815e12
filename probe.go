package mailsettings

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/netdial"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/wire"
)

// Defaults of a zero [Prober].
const (
	defaultProbeTimeout    = 30 * time.Second
	defaultGreetingTimeout = 5 * time.Second
	defaultMaxParallel     = 16
	// maxAddresses is how many of a host's addresses a probe tries.
	maxAddresses = 4
)

// A Prober checks that mail server endpoints work: it resolves the host,
// connects, starts TLS (implicit TLS or STARTTLS), verifies the certificate
// against the endpoint's host name, reads the greeting, asks for the
// capabilities after TLS, and closes politely (LOGOUT or QUIT). Every
// failure is a [*ProbeError] that names the step and the kind of failure
// and explains it in English and Chinese (Simplified and Traditional).
//
// The zero value is ready to use. A Prober is safe for concurrent use and
// must not be changed while probes are running. It starts no goroutine that
// outlives a call.
type Prober struct {
	// Resolver looks up the endpoint's host (LookupIPAddr). Nil means
	// net.DefaultResolver. The Prober resolves names itself and dials IP
	// addresses, so every DNS question goes to Resolver. Names with a dot
	// are asked fully qualified; a single-label name is asked as it is
	// (so that the hosts file is consulted); localhost names are loopback
	// without a question (RFC 6761).
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

	// GreetingTimeout bounds each wait for the server to speak first, so
	// that a mode mismatch is diagnosed in seconds, not at the end of
	// Timeout: the implicit-TLS handshake, the greeting, and, when a
	// plaintext (or STARTTLS) port stays silent, the check whether it
	// speaks TLS instead (KindExpectedPlaintextGotTLS). The greeting wait
	// on a plaintext connection is also at most half the time left, so
	// that the check has time. Zero means 5 seconds. A server that takes
	// longer to greet is reported as KindGreetingTimeout; raise it for
	// servers that delay their greeting on purpose (some port-25 servers
	// do).
	GreetingTimeout time.Duration

	// AlternativeDomains are registrable domains, besides those of the
	// endpoint's host and of its built-in provider's hosts, whose hosts
	// a certificate name mismatch may be answered with (see
	// [ProbeResult].Alternative), such as the domain of a custom mail
	// domain's MX operator. Nil means none.
	AlternativeDomains []string

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
	Verified    bool         // the chain was verified and meets the key baseline (see KindCertWeakKey)
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

	// Alternative, after a certificate name mismatch, is an endpoint
	// like this one on another host that the certificate names and that
	// belongs to the same operator (a host of the endpoint's built-in
	// provider, or in the registrable domain of the endpoint's host, of
	// its provider's hosts or of [Prober].AlternativeDomains), which a
	// probe verified, or nil. The mismatched certificate itself is never
	// accepted, and no credential is sent to the alternative; a wildcard
	// name is followed only to a host of the built-in table in one of
	// those domains. ProbeError.Alternative is the same.
	Alternative *ServerEndpoint

	Timing ProbeTiming
}

// A CertSummary describes a server certificate.
type CertSummary struct {
	Subject   string
	Issuer    string
	DNSNames  []string
	NotBefore time.Time
	NotAfter  time.Time
	// KeyAlgorithm is the public key's algorithm ("RSA", "ECDSA",
	// "Ed25519", "DSA") and KeyBits its size (the RSA or DSA modulus, the
	// ECDSA curve; 256 for Ed25519). SignatureAlgorithm is how the issuer
	// signed it, such as "SHA256-RSA" or "ECDSA-SHA256".
	KeyAlgorithm       string
	KeyBits            int
	SignatureAlgorithm string
}

func summarizeCert(c *x509.Certificate) *CertSummary {
	if c == nil {
		return nil
	}
	names := make([]string, 0, len(c.DNSNames)+len(c.IPAddresses))
	for _, n := range c.DNSNames {
		names = append(names, sanitize.Text(n, wire.MaxServerText))
	}
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return &CertSummary{
		Subject: sanitize.Text(c.Subject.String(), wire.MaxServerText), Issuer: sanitize.Text(c.Issuer.String(), wire.MaxServerText),
		DNSNames: names, NotBefore: c.NotBefore, NotAfter: c.NotAfter,
		KeyAlgorithm: c.PublicKeyAlgorithm.String(), KeyBits: wire.KeyBits(c), SignatureAlgorithm: c.SignatureAlgorithm.String(),
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

// Credentials are what a credential check logs in with.
type Credentials struct {
	Username string
	// Password is the password, app password or authorization code.
	Password string
	// OAuth2Token, if not empty, is an OAuth2 access token sent instead of
	// the password, with OAUTHBEARER (RFC 7628) or XOAUTH2.
	OAuth2Token string
}

// A LoginResult is the outcome of a credential check.
type LoginResult struct {
	// Mechanism is how the credentials were sent: a SASL mechanism
	// ("PLAIN", "LOGIN", "OAUTHBEARER", "XOAUTH2"), or the protocol's own
	// command: "IMAP-LOGIN" for IMAP LOGIN, "USER" for POP3 USER/PASS.
	Mechanism  string
	Accepted   bool
	ServerText string // the server's answer, sanitized
}

// CheckLogin probes the endpoint like [Prober.Probe] and then logs in with
// c, to tell whether the credentials work. The credentials are sent only
// over TLS with a verified certificate whose chain meets the key and
// signature baseline (never to a plaintext endpoint, with
// InsecureSkipVerify, or over a weak certificate: [KindCertWeakKey]);
// otherwise the error is of kind [KindAuthInsecure] and nothing is sent.
//
// The login uses the first mechanism the server offers of: for a token,
// OAUTHBEARER (RFC 7628), then XOAUTH2; for a password, SASL PLAIN, then
// SASL LOGIN, then the protocol's own command (IMAP LOGIN unless the
// server says LOGINDISABLED; POP3 USER/PASS only when CAPA lists USER).
// [KindAuthUnavailable] means none of them is offered.
//
// For a provider that needs IMAP ID (see [ProviderInfo].IMAPID: NetEase
// accepts the login but answers SELECT and EXAMINE with "Unsafe Login"
// until the client identified itself), ID (RFC 2971) is sent right after a
// successful login, and EXAMINE INBOX then checks that the mailbox opens,
// since that is where such a server refuses; a refusal is
// [KindMailboxRefused]. For other providers nothing is sent after the
// login.
//
// A rejection is classified by the server's answer: [KindAuthAppPassword]
// when it asks for an app password or authorization code (Gmail's
// 534-5.7.9, QQ Mail's 535), [KindAuthOAuth2Required] when password login
// is off (Microsoft's "basic authentication is disabled"),
// [KindAuthDisabled] when an administrator turned the login off (Microsoft's
// "SmtpClientAuthentication is disabled"), [KindAuthNotEnabled] when the
// account must switch mail-client access on (NetEase's "User has no
// permission"), [KindAuthRateLimited] after too many attempts, and
// [KindAuthRejected] otherwise. The result's Login field holds the outcome.
func (p *Prober) CheckLogin(ctx context.Context, e ServerEndpoint, c Credentials) (*ProbeResult, error) {
	return p.run(ctx, e, &c)
}

// run does a probe, with a credential check if cred is not nil.
func (p *Prober) run(ctx context.Context, e ServerEndpoint, cred *Credentials) (*ProbeResult, error) {
	start := time.Now()
	s := &session{p: p, e: e, res: &ProbeResult{Endpoint: e}}
	user := ""
	if cred != nil {
		user = cred.Username
	}
	s.res.Provider = providerFor(e.Host, user)
	err := s.run(ctx, cred)
	s.res.Timing.Total = time.Since(start)
	if err != nil {
		return s.res, err
	}
	return s.res, nil
}

// A session is one probe's state.
type session struct {
	p   *Prober
	e   ServerEndpoint
	res *ProbeResult

	ctx  context.Context
	step string
	// alternative is an alternative's probe, which looks for no
	// alternative of its own.
	alternative bool
}

func (s *session) run(parent context.Context, cred *Credentials) error {
	if err := checkProbeEndpoint(s.e); err != nil {
		return s.fail(KindInvalidRequest, err)
	}
	var wc *wire.Credentials
	if cred != nil {
		wc = &wire.Credentials{Username: cred.Username, Password: cred.Password, OAuth2Token: cred.OAuth2Token}
		if err := wc.Check(); err != nil {
			return s.fail(KindInvalidRequest, err)
		}
	}
	timeout := s.p.Timeout
	if timeout <= 0 {
		timeout = defaultProbeTimeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	s.ctx = ctx

	addrs, err := s.resolve()
	if err != nil {
		return err
	}
	conn, err := s.connect(addrs)
	if err != nil {
		return err
	}
	greeting := s.p.GreetingTimeout
	if greeting <= 0 {
		greeting = defaultGreetingTimeout
	}
	cfg := wire.Config{
		Proto: wire.Proto(s.e.Protocol.rank()), Mode: wire.Mode(s.e.Encryption.rank()), TLS: s.tlsConfig(),
		GreetingWait: greeting,
	}
	if info := s.res.Provider.data(); wc != nil {
		cfg.Credentials = wc
		cfg.IMAPID, cfg.OAuth2Only = info.IMAPID, info.Password == PasswordOAuth2Only
	}
	var wr wire.Result
	err = wire.Run(ctx, conn, cfg, &wr)
	s.setResult(&wr)
	if we, ok := errors.AsType[*wire.Error](err); ok {
		return s.wireFail(we, &wr)
	}
	return err
}

// setResult copies what the session learned into the probe's result.
func (s *session) setResult(wr *wire.Result) {
	r := s.res
	if wr.TLS != nil {
		r.TLSVersion, r.CipherSuite = wr.TLS.Version, wr.TLS.CipherSuite
	}
	r.Verified = wr.Verified
	if wr.Cert != nil {
		r.Certificate = summarizeCert(wr.Cert)
	}
	r.Greeting, r.GreetingBeforeTLS, r.Preauth = wr.Greeting, wr.GreetingBeforeTLS, wr.Preauth
	r.Capabilities, r.CapabilitiesBeforeTLS, r.AuthMechanisms = wr.Capabilities, wr.CapabilitiesBeforeTLS, wr.AuthMechanisms
	if l := wr.Login; l != nil {
		r.Login = &LoginResult{Mechanism: l.Mechanism, Accepted: l.Accepted, ServerText: l.ServerText}
	}
	r.Timing.TLS, r.Timing.Greeting = wr.TLSTime, wr.GreetingTime
}

// wireFail turns a failed session into a ProbeError.
func (s *session) wireFail(we *wire.Error, wr *wire.Result) *ProbeError {
	s.step = string(we.Step)
	pe := s.fail(ErrorKind(we.Kind), we.Err)
	pe.ServerText, pe.ServerTextBeforeTLS = we.ServerText, we.ServerTextBeforeTLS
	pe.Detected = protocolOf(int(we.Detected))
	switch pe.Kind {
	case KindCertUntrusted, KindCertNameMismatch, KindCertExpired, KindCertInvalid, KindCertWeakKey:
		if c := s.res.Certificate; c != nil {
			pe.CertNames, pe.CertNotAfter = c.DNSNames, c.NotAfter
		}
	}
	if pe.Kind == KindCertNameMismatch && !s.alternative {
		s.res.Alternative = s.findAlternative(wr)
		pe.Alternative = s.res.Alternative
	}
	return pe
}

// checkProbeEndpoint checks the fields a probe needs. The username form is
// not needed, and the host may be an IP address.
func checkProbeEndpoint(e ServerEndpoint) error {
	switch {
	case !e.Protocol.valid():
		return errors.New("invalid protocol")
	case !e.Encryption.valid():
		return errors.New("invalid encryption")
	case e.Port == 0:
		return errors.New("port 0")
	}
	if net.ParseIP(e.Host) != nil {
		return nil
	}
	if err := hostname.Check(e.Host, hostname.Target); err != nil {
		return fmt.Errorf("host %q: %w", sanitize.Clip(e.Host, 80), err)
	}
	return nil
}

// resolve returns the addresses to try, by the rules of netdial.Resolve
// (localhost is loopback, single-label names go through the hosts file,
// other names are asked fully qualified).
func (s *session) resolve() ([]net.IPAddr, error) {
	s.step = stepResolve
	if ip := net.ParseIP(s.e.Host); ip != nil {
		return []net.IPAddr{{IP: ip}}, nil
	}
	var r netdial.Resolver // nil: net.DefaultResolver
	if s.p.Resolver != nil {
		r = s.p.Resolver
	}
	t0 := time.Now()
	addrs, err := netdial.Resolve(s.ctx, r, s.e.Host)
	s.res.Timing.DNS = time.Since(t0)
	if err != nil {
		if k, ok := s.ctxKind(err); ok {
			if k == KindConnectTimeout || k == KindTimeout {
				k = KindDNSFailure
			}
			return nil, s.fail(k, err)
		}
		if errors.Is(err, netdial.ErrNotFound) {
			return nil, s.fail(KindDNSNotFound, err)
		}
		return nil, s.fail(KindDNSFailure, err)
	}
	return addrs, nil
}

// connect dials the addresses with netdial.Dial (Happy Eyeballs, the
// deadline split across addresses).
func (s *session) connect(addrs []net.IPAddr) (net.Conn, error) {
	s.step = stepConnect
	var d netdial.Dialer // nil: a zero net.Dialer
	if s.p.Dialer != nil {
		d = s.p.Dialer
	}
	t0 := time.Now()
	c, addr, err := netdial.Dial(s.ctx, d, "tcp", addrs, s.e.Port, netdial.Options{MaxAddrs: maxAddresses})
	s.res.Timing.Connect = time.Since(t0)
	s.res.Addr = addr
	if err == nil {
		return c, nil
	}
	if s.ctx.Err() == context.Canceled {
		return nil, s.fail(KindCanceled, err)
	}
	switch netdial.Classify(err) {
	case netdial.ClassRefused:
		return nil, s.fail(KindConnectionRefused, err)
	case netdial.ClassTimeout:
		return nil, s.fail(KindConnectTimeout, err)
	case netdial.ClassCanceled:
		return nil, s.fail(KindCanceled, err)
	}
	if s.ctx.Err() != nil { // the probe's deadline passed during the dial
		return nil, s.fail(KindConnectTimeout, err)
	}
	return nil, s.fail(KindNetwork, err)
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

// ctxKind classifies an error of the resolve or connect step as a timeout
// or cancellation (see wire.ContextKind).
func (s *session) ctxKind(err error) (ErrorKind, bool) {
	k, ok := wire.ContextKind(s.ctx, err, wire.Step(s.step), wire.Mode(s.e.Encryption.rank()))
	return ErrorKind(k), ok
}

// fail returns a ProbeError of kind k for the current step.
func (s *session) fail(k ErrorKind, err error) *ProbeError {
	if s.ctx != nil && k == KindCanceled && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	} else if (k == KindTimeout || k == KindGreetingTimeout || k == KindConnectTimeout) && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	// The cause can quote the server (a certificate's names, a TLS
	// alert): its text is sanitized, the original stays reachable.
	return &ProbeError{
		Endpoint: s.e, Addr: s.res.Addr, Step: s.step, Kind: k, Err: sanitize.Error(err),
		Provider: s.res.Provider,
	}
}

// findAlternative looks, after a certificate name mismatch, for a host the
// certificate names that belongs to the endpoint's operator and that a
// probe (without credentials) verifies under its own name. The names are
// considered only when the certificate chains to a trusted root without
// its names checked, so that they are a real certificate's, not text a
// server made up; the mismatched certificate itself is never accepted.
// It returns the endpoint on that host, or nil.
func (s *session) findAlternative(wr *wire.Result) *ServerEndpoint {
	if !wr.MismatchChainVerified || wr.Cert == nil {
		return nil
	}
	for _, h := range alternativeHosts(s.e.Host, s.res.Provider, s.p.AlternativeDomains, wr.Cert.DNSNames) {
		e := s.e
		e.Host = h
		alt := &session{p: s.p, e: e, res: &ProbeResult{Endpoint: e}, alternative: true}
		if err := alt.run(s.ctx, nil); err == nil && alt.res.Verified {
			return &e
		}
		if s.ctx.Err() != nil {
			break
		}
	}
	return nil
}
