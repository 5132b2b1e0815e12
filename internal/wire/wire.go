// Package wire speaks the client side of IMAP (RFC 9051), POP3 (RFC 1939,
// RFC 2449) and SMTP submission (RFC 6409) far enough to check a server:
// it reads the greeting, upgrades with STARTTLS (RFC 2595, RFC 3207) if
// asked, asks for the capabilities after TLS, optionally logs in with SASL,
// and says goodbye (LOGOUT or QUIT).
//
// STARTTLS is done the safe way ("Why TLS is better without STARTTLS",
// USENIX Security 2021): a refused or unadvertised STARTTLS ends the
// session, bytes after the go-ahead end it as a possible injection (or, if
// they are the server's error reply to the handshake, as a failed
// STARTTLS), a plaintext PREAUTH ends it, and nothing learned before the
// handshake is kept. Every read is bounded (see [MaxLine], [MaxResponse])
// and every step obeys the context. Credentials are sent only over TLS
// with a verified certificate whose chain meets the key and signature
// baseline (see [WeakCertError]), with the SASL mechanism the server
// offers (see [Config].Credentials).
//
// A failure is an [*Error] that names the [Step] and the [Kind] of failure;
// package mailsettings turns it into a ProbeError. Server text in results
// and errors is sanitized.
package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/mailsettings/mailsettings/internal/sanitize"
	"github.com/mailsettings/mailsettings/internal/tlsmode"
)

// A Proto is a mail protocol. The values are those of mailsettings.Protocol.
type Proto uint8

// The protocols.
const (
	IMAP Proto = iota + 1
	POP3
	SMTP
)

// String returns "IMAP", "POP3" or "SMTP".
func (p Proto) String() string {
	switch p {
	case IMAP:
		return "IMAP"
	case POP3:
		return "POP3"
	case SMTP:
		return "SMTP"
	}
	return fmt.Sprintf("Proto(%d)", uint8(p))
}

// A Mode is how a connection is protected (see package tlsmode).
type Mode = tlsmode.Mode

// The modes.
const (
	ImplicitTLS = tlsmode.ImplicitTLS
	STARTTLS    = tlsmode.STARTTLS
	Plaintext   = tlsmode.Plaintext
)

// A Step is a stage of a session; the values are those of
// mailsettings.Step.
type Step string

// The steps of a session, in order. Resolve and Connect happen before a
// session starts; they are here so that one vocabulary serves both.
const (
	StepResolve      Step = "resolve"
	StepConnect      Step = "connect"
	StepTLS          Step = "tls"
	StepGreeting     Step = "greeting"
	StepCapabilities Step = "capabilities"
	StepSTARTTLS     Step = "starttls"
	StepAuth         Step = "auth"
	StepLogout       Step = "logout"
)

// Credentials are what a login uses.
type Credentials struct {
	Username    string
	Password    string // password, app password or authorization code
	OAuth2Token string // if set, an OAuth2 access token used instead of Password
}

// A Config says what a session does.
type Config struct {
	Proto Proto
	Mode  Mode
	// TLS is the client configuration for the handshake, with ServerName
	// set. It is used as is.
	TLS *tls.Config
	// Credentials, if not nil, are used to log in after the capabilities,
	// with the first mechanism the server offers of: for a token,
	// OAUTHBEARER (RFC 7628) and XOAUTH2; for a password, SASL PLAIN
	// (RFC 4616) and SASL LOGIN, then the protocol's own command: IMAP
	// LOGIN unless LOGINDISABLED, POP3 USER/PASS only when CAPA lists USER.
	Credentials *Credentials
	// IMAPID, for servers that accept a login but answer SELECT and
	// EXAMINE with "NO Unsafe Login" until the client identified itself
	// (NetEase), sends the IMAP ID command (RFC 2971) right after a
	// successful login and then checks with EXAMINE INBOX that the
	// mailbox opens; a refusal is [KindMailboxRefused].
	IMAPID bool
	// OAuth2Only says the server's provider accepts only OAuth2, so that a
	// rejected password is reported as [KindAuthOAuth2Required].
	OAuth2Only bool
	// GreetingWait bounds each wait for the server to speak first: the
	// implicit-TLS handshake, the greeting (on a plaintext connection also
	// at most half the time left), and the check whether a silent
	// plaintext port speaks TLS. Zero means only the context bounds them.
	GreetingWait time.Duration
}

// A Result is what a session learned. Text from the server is sanitized.
type Result struct {
	// TLS is the state of the TLS connection, or nil without TLS.
	TLS *tls.ConnectionState
	// Verified reports that the certificate chain was verified and meets
	// the key and signature baseline.
	Verified bool
	// MismatchChainVerified reports, after a certificate name mismatch,
	// that the certificate chains to a trusted root when its names are
	// not checked: its names are then those of a real certificate.
	MismatchChainVerified bool
	// Cert is the server's certificate, also when its verification failed,
	// or nil.
	Cert *x509.Certificate

	Greeting              string
	GreetingBeforeTLS     bool
	Preauth               bool
	Capabilities          []string
	CapabilitiesBeforeTLS bool
	AuthMechanisms        []string
	Login                 *Login

	TLSTime      time.Duration // the handshake
	GreetingTime time.Duration // from the connection (or handshake) to the greeting
}

// A Login is the outcome of a login.
type Login struct {
	Mechanism  string // "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"; "IMAP-LOGIN" or "USER" for the IMAP LOGIN and POP3 USER/PASS commands
	Accepted   bool
	ServerText string // the server's answer, sanitized
}

// MaxServerText caps the server text kept in results and errors.
const MaxServerText = 512

// An Error is a failed session.
type Error struct {
	Step Step
	Kind Kind
	Err  error // the cause, or nil
	// ServerText is what the server said, sanitized; ServerTextBeforeTLS
	// reports that it arrived before TLS, so anyone could have written it.
	ServerText          string
	ServerTextBeforeTLS bool
	// Detected is the protocol the port seems to speak, or 0.
	Detected Proto
}

func (e *Error) Error() string {
	msg := string(e.Step) + ": " + string(e.Kind)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Run speaks cfg.Proto with the server on conn, which must be connected
// and is closed when Run returns. It fills res as it learns. If ctx ends,
// the connection is closed, which ends every read, write and handshake;
// Run returns only after that, so nothing it started outlives it.
func Run(ctx context.Context, conn net.Conn, cfg Config, res *Result) error {
	if cfg.Credentials != nil {
		if err := cfg.Credentials.Check(); err != nil {
			return &Error{Kind: KindInvalidRequest, Err: err}
		}
	}
	s := &session{ctx: ctx, cfg: cfg, res: res, raw: conn}
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		conn.Close()
		close(closed)
	})
	defer func() {
		if !stop() {
			<-closed
		}
		conn.Close()
	}()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	s.r, s.w = newLineReader(conn), conn
	if cfg.Mode == ImplicitTLS {
		if err := s.handshake(false); err != nil {
			return err
		}
	}
	switch cfg.Proto {
	case IMAP:
		return s.imap()
	case POP3:
		return s.pop3()
	case SMTP:
		return s.smtp()
	}
	return &Error{Kind: KindInvalidRequest, Err: errors.New("invalid protocol")}
}

// A session is one Run's state.
type session struct {
	ctx context.Context
	cfg Config
	res *Result

	raw      net.Conn    // the TCP connection
	r        *lineReader // reads from raw, or from the TLS connection
	w        net.Conn    // raw or the TLS connection
	tls      bool        // TLS is on
	verified bool        // TLS is on with a verified certificate
	step     Step
	tag      int
}

// fail returns an Error for the current step. Server text, if any, is
// marked as received before TLS when TLS is not on.
func (s *session) fail(k Kind, err error, serverText string) *Error {
	return s.failText(k, err, serverText, !s.tls)
}

func (s *session) failText(k Kind, err error, serverText string, beforeTLS bool) *Error {
	switch {
	case k == KindCanceled && !errors.Is(err, context.Canceled):
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	case (k == KindTimeout || k == KindGreetingTimeout) && !errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	e := &Error{Step: s.step, Kind: k, Err: err}
	if serverText != "" {
		e.ServerText, e.ServerTextBeforeTLS = sanitize.Text(serverText, MaxServerText), beforeTLS
	}
	return e
}

// write sends one command line.
func (s *session) write(line string) error {
	if _, err := s.w.Write([]byte(line + "\r\n")); err != nil {
		return s.ioFail(err)
	}
	return nil
}

// setGreeting records the greeting in the result.
func (s *session) setGreeting(line string) {
	s.res.Greeting, s.res.GreetingBeforeTLS = sanitize.Text(line, MaxServerText), !s.tls
}

// setCapabilities records capabilities in the result.
func (s *session) setCapabilities(caps, auth []string) {
	s.res.Capabilities, s.res.AuthMechanisms = caps, auth
	s.res.CapabilitiesBeforeTLS = !s.tls
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
