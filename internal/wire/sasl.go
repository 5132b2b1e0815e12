package wire

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// Check refuses credentials that cannot be sent safely on one line.
func (c *Credentials) Check() error {
	switch {
	case c.Username == "":
		return errors.New("empty username")
	case c.Password == "" && c.OAuth2Token == "":
		return errors.New("no password or token")
	case strings.ContainsAny(c.Username+c.Password+c.OAuth2Token, "\x00\r\n"):
		return errors.New("NUL, CR or LF in credentials")
	}
	return nil
}

// authAllowed refuses to go on unless TLS is on with a verified
// certificate.
func (s *session) authAllowed() error {
	s.step = StepAuth
	if s.cfg.Mode == Plaintext || !s.tls || !s.verified {
		return s.fail(KindAuthInsecure, errAuthInsecure, "")
	}
	return nil
}

// loginDone records the outcome and classifies a rejection.
func (s *session) loginDone(mech string, accepted bool, text string) error {
	s.res.Login = &Login{Mechanism: mech, Accepted: accepted, ServerText: sanitize.Text(text, MaxServerText)}
	if accepted {
		return nil
	}
	k, hint := ClassifyLoginFailure(text)
	// A provider that accepts only OAuth2 rejects any password, whatever
	// it says, unless the reply is one this package knows.
	if k == KindAuthRejected && hint == "" && s.cfg.Credentials.OAuth2Token == "" && s.cfg.OAuth2Only {
		k = KindAuthOAuth2Required
	}
	return s.fail(k, errLoginFailed, text)
}

// A saslMech is a SASL exchange the client can run: the initial response
// and the answers to the server's challenges, in order, all base64.
type saslMech struct {
	name  string
	ir    string   // the initial response, or "" for none (LOGIN)
	steps []string // the answers to the challenges after the initial response
	// abort answers a challenge after the steps: XOAUTH2 and OAUTHBEARER
	// send one with an error before failing, answered by an empty line
	// (XOAUTH2) or a single 0x01 (OAUTHBEARER, RFC 7628, 3.2.3); for PLAIN
	// and LOGIN it cancels the exchange with "*" (RFC 9051 6.2.2, RFC 5034
	// 4, RFC 4954 4).
	abort string
}

// chooseSASL returns the first mechanism of the server's that the
// credentials can use: OAUTHBEARER, then XOAUTH2 for a token; PLAIN, then
// LOGIN for a password. ok is false if none is offered.
func chooseSASL(c *Credentials, offered []string) (saslMech, bool) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	if c.OAuth2Token != "" {
		switch {
		case containsFold(offered, "OAUTHBEARER"):
			// RFC 7628, 3.1: a GS2 header with the authorization
			// identity, then key-value pairs separated by 0x01.
			ir := "n,a=" + saslName(c.Username) + ",\x01auth=Bearer " + c.OAuth2Token + "\x01\x01"
			return saslMech{name: "OAUTHBEARER", ir: b64(ir), abort: b64("\x01")}, true
		case containsFold(offered, "XOAUTH2"):
			// https://developers.google.com/gmail/imap/xoauth2-protocol
			ir := "user=" + c.Username + "\x01auth=Bearer " + c.OAuth2Token + "\x01\x01"
			return saslMech{name: "XOAUTH2", ir: b64(ir)}, true
		}
		return saslMech{}, false
	}
	switch {
	case containsFold(offered, "PLAIN"):
		return saslMech{name: "PLAIN", ir: b64("\x00" + c.Username + "\x00" + c.Password), abort: "*"}, true
	case containsFold(offered, "LOGIN"):
		// draft-murchison-sasl-login: the server asks for the username,
		// then the password.
		return saslMech{name: "LOGIN", steps: []string{b64(c.Username), b64(c.Password)}, abort: "*"}, true
	}
	return saslMech{}, false
}

// saslName escapes an authorization identity for a GS2 header (RFC 5801,
// section 4: "," and "=" become "=2C" and "=3D").
func saslName(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}

// answers returns what the client sends after the command: the initial
// response first if it was not sent with the command, then the steps.
func (m saslMech) answers(irSent bool) []string {
	if m.ir == "" || irSent {
		return m.steps
	}
	return append([]string{m.ir}, m.steps...)
}

// next returns the answer to the i-th challenge, and false once the
// exchange went on longer than the mechanism allows.
func (m saslMech) next(answers []string, i int) (string, bool) {
	switch {
	case i < len(answers):
		return answers[i], true
	case i == len(answers):
		return m.abort, true
	}
	return "", false
}

// imapQuote returns s as an IMAP quoted string, or ok=false if s is not
// ASCII.
func imapQuote(s string) (string, bool) {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return "", false
		}
		if c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String(), true
}

// imapLogin logs in with AUTHENTICATE and the first mechanism offered
// (RFC 9051, 6.2.2), or else the LOGIN command unless LOGINDISABLED.
func (s *session) imapLogin(caps []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	c := s.cfg.Credentials
	m, ok := chooseSASL(c, imapAuthMechanisms(caps))
	var resp imapResponse
	var err error
	switch {
	case ok:
		if resp, err = s.imapAuthenticate(m, hasCapability(caps, "SASL-IR")); err != nil {
			return err
		}
	case c.OAuth2Token != "" || hasCapability(caps, "LOGINDISABLED"):
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	default:
		u, ok1 := imapQuote(c.Username)
		p, ok2 := imapQuote(c.Password)
		if !ok1 || !ok2 {
			return s.fail(KindAuthUnavailable, fmt.Errorf("%w: non-ASCII credentials need AUTH=PLAIN", errAuthUnavailable), "")
		}
		m.name = "IMAP-LOGIN"
		if resp, err = s.imapCommand("LOGIN " + u + " " + p); err != nil {
			return err
		}
	}
	if err := s.loginDone(m.name, resp.status == "OK", resp.status+" "+resp.text); err != nil {
		return err
	}
	if s.cfg.IMAPID {
		return s.imapIdentify()
	}
	return nil
}

// imapAuthenticate runs AUTHENTICATE with m, sending the initial response
// with the command when the server allows it (SASL-IR, RFC 4959).
func (s *session) imapAuthenticate(m saslMech, saslIR bool) (imapResponse, error) {
	tag := s.nextTag()
	cmd := tag + " AUTHENTICATE " + m.name
	irSent := saslIR && m.ir != ""
	if irSent {
		cmd += " " + m.ir
	}
	if err := s.write(cmd); err != nil {
		return imapResponse{}, err
	}
	answers := m.answers(irSent)
	for i := 0; ; i++ {
		resp, err := s.imapRead(tag)
		if err != nil || resp.status != "+" {
			return resp, err
		}
		a, ok := m.next(answers, i)
		if !ok {
			return resp, s.fail(KindProtocolError, fmt.Errorf("%w: AUTHENTICATE %s did not end", errProtocol, m.name), "+ "+resp.text)
		}
		if err := s.write(a); err != nil {
			return resp, err
		}
	}
}

// imapIdentify sends ID (RFC 2971) after the login and checks that the
// mailbox opens, for servers that refuse SELECT and EXAMINE with "Unsafe
// Login" until the client identified itself (NetEase).
func (s *session) imapIdentify() error {
	if _, err := s.imapCommand(`ID ("name" "mailsettings")`); err != nil {
		return err
	}
	resp, err := s.imapCommand("EXAMINE INBOX")
	if err != nil {
		return err
	}
	if resp.status != "OK" {
		return s.fail(KindMailboxRefused, errMailboxRefused, resp.status+" "+resp.text)
	}
	return nil
}

// pop3Login logs in with AUTH and the first mechanism offered (RFC 5034),
// or else USER/PASS when CAPA lists USER (RFC 2449, 6.1).
func (s *session) pop3Login(caps []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	c := s.cfg.Credentials
	m, ok := chooseSASL(c, pop3AuthMechanisms(caps))
	switch {
	case ok:
		return s.pop3Auth(m)
	case c.OAuth2Token != "" || !hasCapability(caps, "USER"):
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	}
	if err := s.write("USER " + c.Username); err != nil {
		return err
	}
	ok, text, err := s.pop3Status()
	if err != nil {
		return err
	}
	if ok {
		if err := s.write("PASS " + c.Password); err != nil {
			return err
		}
		if ok, text, err = s.pop3Status(); err != nil {
			return err
		}
	}
	return s.loginDone("USER", ok, text)
}

// maxPOP3Command is the longest AUTH command with an initial response
// (RFC 5034, section 4: 255 octets); a longer one waits for the "+"
// challenge instead.
const maxPOP3Command = 255

func (s *session) pop3Auth(m saslMech) error {
	cmd := "AUTH " + m.name
	irSent := m.ir != "" && len(cmd)+1+len(m.ir) <= maxPOP3Command
	if irSent {
		cmd += " " + m.ir
	}
	if err := s.write(cmd); err != nil {
		return err
	}
	answers := m.answers(irSent)
	for i := 0; ; i++ {
		s.r.startResponse()
		line, err := s.r.readLine()
		if err != nil {
			return s.ioFail(err)
		}
		switch {
		case strings.HasPrefix(line, "+OK"):
			return s.loginDone(m.name, true, line)
		case strings.HasPrefix(line, "-ERR"):
			return s.loginDone(m.name, false, line)
		case strings.HasPrefix(line, "+"):
			a, ok := m.next(answers, i)
			if !ok {
				return s.fail(KindProtocolError, fmt.Errorf("%w: POP3 AUTH did not end", errProtocol), line)
			}
			if err := s.write(a); err != nil {
				return err
			}
		default:
			return s.fail(KindProtocolError, fmt.Errorf("%w: POP3 AUTH answer", errProtocol), line)
		}
	}
}

// maxSMTPCommand is the longest AUTH command with an initial response
// (RFC 4954, section 4, and the 512-octet command line of RFC 5321,
// 4.5.3.1.4, CRLF included); a longer one waits for the 334 challenge.
const maxSMTPCommand = 510

// smtpLogin logs in with AUTH and the first mechanism offered (RFC 4954).
func (s *session) smtpLogin(auth []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	m, ok := chooseSASL(s.cfg.Credentials, auth)
	if !ok {
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	}
	cmd := "AUTH " + m.name
	irSent := m.ir != "" && len(cmd)+1+len(m.ir) <= maxSMTPCommand
	if irSent {
		cmd += " " + m.ir
	}
	answers := m.answers(irSent)
	r, err := s.smtpCommand(cmd)
	for i := 0; err == nil && r.code == 334; i++ {
		a, ok := m.next(answers, i)
		if !ok {
			return s.fail(KindProtocolError, fmt.Errorf("%w: SMTP AUTH did not end", errProtocol), "334 "+r.text())
		}
		r, err = s.smtpCommand(a)
	}
	if err != nil {
		return err
	}
	return s.loginDone(m.name, r.code == 235, strconv.Itoa(r.code)+" "+r.text())
}
