// Package mailsettingstest provides IMAP, POP3 and SMTP submission servers
// on loopback, a throwaway certificate authority and an in-memory DNS
// resolver, for testing code that uses package mailsettings, in the spirit
// of net/http/httptest.
//
// A [Server] speaks enough of its protocol for [mailsettings.Prober]:
// greeting, capabilities, STARTTLS, login (IMAP LOGIN and AUTHENTICATE,
// POP3 USER/PASS and AUTH, SMTP AUTH, with the SASL mechanisms PLAIN,
// LOGIN, XOAUTH2 and OAUTHBEARER, each offered as [WithAuthMechanisms]
// says), IMAP ID, EXAMINE and SELECT, and LOGOUT or QUIT. Options make it
// misbehave (refuse STARTTLS, inject data after the go-ahead, fail the
// handshake after it, never greet, present a bad certificate, speak only
// old TLS, refuse mailboxes until IMAP ID as NetEase does), and
// [WithScript] replaces the dialogue entirely for hostile fixtures. Every byte a server receives is kept in its [Transcript], marked
// as received before or after TLS, so that a test can prove what a client
// did or did not send.
//
// With a [Resolver] that maps test names to 127.0.0.1, probes run with full
// certificate verification against the server's name:
//
//	srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.STARTTLS)
//	p := mailsettings.Prober{Resolver: srv.Resolver(), TLSConfig: srv.ClientTLSConfig()}
//	res, err := p.Probe(ctx, srv.Endpoint())
//
// [NewProvider] sets up a whole fake provider for a test domain in one
// call: IMAP, POP3 and SMTP servers with one CA, the
// [mailsettings.Provider] that lists them, a Resolver, and a ready
// Discoverer and Prober. [WithAutoconfig] adds an HTTPS autoconfig server,
// so that discovery finds the provider as it would in production:
//
//	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
//	disc, err := fake.Discoverer().Discover(ctx, "alice@example.test")
//	reports := fake.Prober().ProbeAll(ctx, fake.Provider.Endpoints())
//
// [mailsettings.Lookup] answers only from the built-in table and knows no
// test domain; [mailsettings.Discoverer.Providers] is the hook that makes
// discovery know one (Provider.Discoverer sets it).
package mailsettingstest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
)

// A Server is a mail server on a loopback port.
type Server struct {
	Protocol   mailsettings.Protocol
	Encryption mailsettings.Encryption
	// Host is the name the certificate is for ("imap.example.test" by
	// default) and Port the port listened on, at 127.0.0.1.
	Host string
	Port uint16
	// CA signed the server's certificate (unless WithCert gave another).
	CA *CA

	cfg       config
	ln        net.Listener
	tlsConfig *tls.Config
	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	nconn   int
	chunks  []Chunk
	closeBy time.Time // set by Close
}

// config is what the options set.
type config struct {
	host           string
	ca             *CA
	cert           *Cert
	expired        bool
	users          map[string]string
	tokens         map[string]string
	greeting       *string
	neverGreet     bool
	hideSTARTTLS   bool
	refuseSTARTTLS bool
	starttlsReply  *string
	inject         string
	goAhead        *string
	maxTLS         uint16
	script         func(*Conn)
	authFailure    string
	requireID      bool
	mechs          []string // nil: the protocol's default
	onlySASL       bool
	tlsFailReply   *string
}

// An Option changes how a Server behaves.
type Option func(*config)

// WithHost sets the host name the server's certificate is issued for.
func WithHost(name string) Option { return func(c *config) { c.host = name } }

// WithCA has the server's certificate signed by ca instead of a new CA.
func WithCA(ca *CA) Option { return func(c *config) { c.ca = ca } }

// WithCert makes the server present cert, such as an expired, self-signed
// or wrong-name certificate.
func WithCert(cert *Cert) Option { return func(c *config) { c.cert = cert } }

// ExpiredCertificate makes the server present a certificate for its host,
// from its CA, that expired yesterday.
func ExpiredCertificate() Option { return func(c *config) { c.expired = true } }

// WithUsers sets the accepted usernames and passwords.
func WithUsers(users map[string]string) Option { return func(c *config) { c.users = users } }

// WithOAuth2Tokens sets the accepted usernames and XOAUTH2 tokens.
func WithOAuth2Tokens(tokens map[string]string) Option { return func(c *config) { c.tokens = tokens } }

// WithGreeting replaces the greeting with raw bytes (include the CRLF).
// For an implicit-TLS server it is sent after the handshake.
func WithGreeting(raw string) Option { return func(c *config) { c.greeting = &raw } }

// NeverGreet makes the server accept connections and say nothing.
func NeverGreet() Option { return func(c *config) { c.neverGreet = true } }

// HideSTARTTLS stops a STARTTLS server from advertising STARTTLS (or
// STLS); the command is refused if sent anyway.
func HideSTARTTLS() Option { return func(c *config) { c.hideSTARTTLS = true } }

// RefuseSTARTTLS makes the server advertise STARTTLS but refuse it.
func RefuseSTARTTLS() Option { return func(c *config) { c.refuseSTARTTLS = true } }

// WithSTARTTLSReply replaces the answer to STARTTLS (or STLS) with raw
// bytes, in which "{tag}" stands for the IMAP command's tag; the server
// then does not start TLS but goes on reading commands.
func WithSTARTTLSReply(raw string) Option { return func(c *config) { c.starttlsReply = &raw } }

// InjectAfterSTARTTLS makes the server send raw right after the STARTTLS
// go-ahead, in the same write, before starting TLS ("{tag}" stands for the
// tag): a STARTTLS response injection.
func InjectAfterSTARTTLS(raw string) Option { return func(c *config) { c.inject = raw } }

// WithSTARTTLSGoAhead replaces the STARTTLS go-ahead with raw bytes ("{tag}"
// stands for the tag), after which the server starts TLS as usual. Use it
// to send untagged data or a [CAPABILITY ...] code with the go-ahead, which
// a client must forget once TLS is on.
func WithSTARTTLSGoAhead(raw string) Option { return func(c *config) { c.goAhead = &raw } }

// WithMaxTLSVersion limits the server's TLS versions, such as
// tls.VersionTLS11 for a server that only speaks obsolete TLS.
func WithMaxTLSVersion(v uint16) Option { return func(c *config) { c.maxTLS = v } }

// WithAuthFailure replaces the rejection of a failed login: for IMAP the
// text after the tag ("NO [ALERT] Application-specific password
// required"), for POP3 and SMTP the whole line ("535 5.7.139
// Authentication unsuccessful, basic authentication is disabled.").
func WithAuthFailure(reply string) Option { return func(c *config) { c.authFailure = reply } }

// RequireIMAPID makes an IMAP server behave as NetEase's do: the login
// succeeds, but SELECT and EXAMINE are refused with "NO SELECT Unsafe
// Login. Please contact kefu@188.com for help" until the client has sent
// the ID command (RFC 2971), before or after the login.
func RequireIMAPID() Option { return func(c *config) { c.requireID = true } }

// WithAuthMechanisms sets the SASL mechanisms offered after TLS (IMAP
// AUTH=, POP3 SASL, SMTP AUTH), in order, from PLAIN, LOGIN, XOAUTH2 and
// OAUTHBEARER; a mechanism not offered is refused when tried. Without it,
// IMAP and POP3 offer PLAIN and XOAUTH2, SMTP PLAIN, LOGIN and XOAUTH2.
func WithAuthMechanisms(mechs ...string) Option {
	return func(c *config) { c.mechs = append([]string{}, mechs...) }
}

// OnlySASL makes the server accept logins only through SASL, as Dovecot
// does when PLAIN is not among its mechanisms: IMAP advertises
// LOGINDISABLED and refuses LOGIN, POP3 does not list USER and answers
// USER and PASS with "-ERR [AUTH] Unsupported authentication mechanism".
func OnlySASL() Option { return func(c *config) { c.onlySASL = true } }

// FailTLSAfterSTARTTLS makes a STARTTLS server give the go-ahead and then
// answer the client's TLS handshake with raw in plaintext (such as
// "-ERR STARTTLS failed\r\n"), as a server whose TLS setup is broken does,
// and close the connection.
func FailTLSAfterSTARTTLS(raw string) Option { return func(c *config) { c.tlsFailReply = &raw } }

// WithScript replaces the server's dialogue by f. For an implicit-TLS
// server f runs after the handshake. When f returns, the server keeps
// reading (and recording) until the client closes the connection.
func WithScript(f func(*Conn)) Option { return func(c *config) { c.script = f } }

// NewServer starts a server for t and closes it when the test ends.
func NewServer(t testing.TB, p mailsettings.Protocol, e mailsettings.Encryption, opts ...Option) *Server {
	t.Helper()
	s, err := Start(p, e, opts...)
	if err != nil {
		t.Fatalf("mailsettingstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server listening on 127.0.0.1. The caller must Close it.
func Start(p mailsettings.Protocol, e mailsettings.Encryption, opts ...Option) (*Server, error) {
	if (mailsettings.ServerEndpoint{Protocol: p, Host: "x.example", Port: 1, Encryption: e, Username: mailsettings.UsernameAddress}).Validate() != nil {
		return nil, errors.New("mailsettingstest: invalid protocol or encryption")
	}
	s := &Server{Protocol: p, Encryption: e, done: make(chan struct{}), conns: make(map[net.Conn]struct{})}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.Host = s.cfg.host
	if s.Host == "" {
		s.Host = string(p) + ".example.test"
	}
	s.CA = s.cfg.ca
	if s.CA == nil {
		ca, err := NewCA()
		if err != nil {
			return nil, err
		}
		s.CA = ca
	}
	cert := s.cfg.cert
	if cert == nil {
		issue := s.CA.Issue
		if s.cfg.expired {
			issue = s.CA.IssueExpired
		}
		var err error
		if cert, err = issue(s.Host); err != nil {
			return nil, err
		}
	}
	s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	if v := s.cfg.maxTLS; v != 0 {
		s.tlsConfig.MaxVersion = v
		s.tlsConfig.MinVersion = min(v, tls.VersionTLS10)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.Port = uint16(ln.Addr().(*net.TCPAddr).Port)
	s.wg.Go(s.accept)
	return s, nil
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Endpoint returns the server's endpoint under its Host name.
func (s *Server) Endpoint() mailsettings.ServerEndpoint {
	return mailsettings.ServerEndpoint{
		Protocol: s.Protocol, Host: s.Host, Port: s.Port, Encryption: s.Encryption,
		Username: mailsettings.UsernameAddress,
	}
}

// Resolver returns a resolver that maps the server's Host to 127.0.0.1.
func (s *Server) Resolver() *Resolver { return LoopbackResolver(s.Host) }

// ClientTLSConfig returns a client configuration that trusts the CA.
func (s *Server) ClientTLSConfig() *tls.Config { return &tls.Config{RootCAs: s.CA.Pool()} }

// Prober returns a Prober that resolves the server's Host to 127.0.0.1 and
// trusts its CA.
func (s *Server) Prober() *mailsettings.Prober {
	return &mailsettings.Prober{Resolver: s.Resolver(), TLSConfig: s.ClientTLSConfig()}
}

// Connections returns how many connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nconn
}

// closeGrace bounds how long Close waits for a client that is still
// connected.
const closeGrace = 2 * time.Second

// Close stops the server and waits for its goroutines. It may be called
// more than once. Connections are not cut at once: each keeps reading (and
// recording) until its client closes it or, for a client still connected,
// for at most two seconds, so that the transcript holds every byte a
// client sent before it hung up, even bytes the server had not read yet.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closeBy = time.Now().Add(closeGrace)
		close(s.done)
		for c := range s.conns {
			c.SetDeadline(s.closeBy)
		}
		s.mu.Unlock()
		s.ln.Close()
		s.wg.Wait()
	})
}

// deadline is the deadline for connections: none, or the end of Close's
// grace period.
func (s *Server) deadline() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeBy
}

func (s *Server) accept() {
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			raw.Close()
			return
		default:
		}
		s.conns[raw] = struct{}{}
		s.nconn++
		id := s.nconn
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(raw, id)
	}
}

// maxDrain bounds what the server reads after its dialogue ends.
const maxDrain = 16 << 20

func (s *Server) serve(raw net.Conn, id int) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, raw)
		s.mu.Unlock()
		raw.Close()
	}()
	c := &Conn{srv: s, id: id, raw: raw}
	c.setStream(raw, false)
	if s.Encryption == mailsettings.ImplicitTLS {
		if err := c.StartTLS(); err != nil {
			return
		}
	}
	if s.cfg.script != nil {
		s.cfg.script(c)
	} else {
		switch s.Protocol {
		case mailsettings.IMAP:
			c.serveIMAP()
		case mailsettings.POP3:
			c.servePOP3()
		default:
			c.serveSMTP()
		}
	}
	io.Copy(io.Discard, io.LimitReader(c.br, maxDrain))
}

// A Chunk is bytes the server received on one connection, before or after
// TLS.
type Chunk struct {
	Conn     int  // the connection's number, from 1
	AfterTLS bool // received through TLS
	Data     []byte
}

// A Transcript is every byte a server received, in order.
type Transcript []Chunk

// Transcript returns what the server has received so far. After Close it
// holds every byte that clients sent before closing their connections.
func (s *Server) Transcript() Transcript {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(Transcript, len(s.chunks))
	for i, c := range s.chunks {
		c.Data = bytes.Clone(c.Data)
		out[i] = c
	}
	return out
}

func (s *Server) record(id int, afterTLS bool, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.chunks); n > 0 && s.chunks[n-1].Conn == id && s.chunks[n-1].AfterTLS == afterTLS {
		s.chunks[n-1].Data = append(s.chunks[n-1].Data, p...)
		return
	}
	s.chunks = append(s.chunks, Chunk{Conn: id, AfterTLS: afterTLS, Data: bytes.Clone(p)})
}

// String returns the transcript as lines such as "1 plain: a1 CAPABILITY".
func (t Transcript) String() string {
	var b strings.Builder
	for _, l := range t.Lines() {
		fmt.Fprintf(&b, "%d %s: %q\n", l.Conn, map[bool]string{false: "plain", true: "tls"}[l.AfterTLS], l.Text)
	}
	return b.String()
}

// A Line is one line the server received.
type Line struct {
	Conn     int
	AfterTLS bool
	Text     string // without the line ending
}

// Lines splits the transcript into lines.
func (t Transcript) Lines() []Line {
	var out []Line
	for _, c := range t {
		for l := range strings.Lines(string(c.Data)) {
			out = append(out, Line{Conn: c.Conn, AfterTLS: c.AfterTLS, Text: strings.TrimRight(l, "\r\n")})
		}
	}
	return out
}

// Contains reports whether s occurs in the bytes of any chunk.
func (t Transcript) Contains(s string) bool {
	for _, c := range t {
		if bytes.Contains(c.Data, []byte(s)) {
			return true
		}
	}
	return false
}

// credentialVerbs are the commands that carry or lead to a credential or a
// mailbox operation.
var credentialVerbs = []string{"LOGIN", "AUTHENTICATE", "AUTH", "USER", "PASS", "APOP", "SELECT", "EXAMINE", "MAIL", "RCPT", "DATA", "RETR", "LIST", "FETCH"}

// CredentialCommands returns the lines that are login or mailbox commands
// (IMAP LOGIN, AUTHENTICATE, SELECT; POP3 USER, PASS, APOP, RETR; SMTP
// AUTH, MAIL, RCPT, DATA), ignoring an IMAP tag.
func (t Transcript) CredentialCommands() []Line {
	var out []Line
	for _, l := range t.Lines() {
		words := strings.Fields(l.Text)
		for i := 0; i < len(words) && i < 2; i++ {
			if slicesContainsFold(credentialVerbs, words[i]) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func slicesContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// A Conn is the server's side of one connection, for scripts.
type Conn struct {
	srv    *Server
	id     int
	raw    net.Conn
	stream net.Conn // raw or the TLS connection
	br     *bufio.Reader
	tls    bool
	sentID bool
	authed bool
}

// recorder records what is read from a stream.
type recorder struct {
	c        *Conn
	r        io.Reader
	afterTLS bool
}

func (r recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.c.srv.record(r.c.id, r.afterTLS, p[:n])
	}
	return n, err
}

func (c *Conn) setStream(nc net.Conn, afterTLS bool) {
	c.stream, c.tls = nc, afterTLS
	c.br = bufio.NewReaderSize(recorder{c: c, r: nc, afterTLS: afterTLS}, 4096)
}

// maxServerLine bounds a line the server reads.
const maxServerLine = 64 << 10

// ReadLine reads one line from the client, without its line ending.
func (c *Conn) ReadLine() (string, error) {
	var b []byte
	for {
		chunk, err := c.br.ReadSlice('\n')
		b = append(b, chunk...)
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) || len(b) > maxServerLine {
			return "", err
		}
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// Write sends raw bytes to the client in one write.
func (c *Conn) Write(raw string) error {
	_, err := c.stream.Write([]byte(raw))
	return err
}

// StartTLS does the server's side of a TLS handshake with the server's
// certificate. Bytes the client sent before it that were not read are
// dropped from the stream (they stay in the transcript).
func (c *Conn) StartTLS() error {
	tc := tls.Server(c.raw, c.srv.tlsConfig)
	c.raw.SetDeadline(time.Now().Add(10 * time.Second))
	err := tc.Handshake()
	c.raw.SetDeadline(c.srv.deadline())
	if err != nil {
		return err
	}
	c.setStream(tc, true)
	return nil
}

// Close closes the connection, so that the client sees the server hang
// up. Nothing more is recorded from it.
func (c *Conn) Close() error { return c.raw.Close() }

// TLS reports whether TLS is on.
func (c *Conn) TLS() bool { return c.tls }

// Pause waits for d, or until the server closes, and reports whether the
// whole time passed.
func (c *Conn) Pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.srv.done:
		return false
	}
}

// Host returns the server's host name.
func (c *Conn) Host() string { return c.srv.Host }

// Server returns the server the connection belongs to.
func (c *Conn) Server() *Server { return c.srv }
