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
	k := ClassifyLoginFailure(text)
	if k == KindAuthRejected && s.cfg.Credentials.OAuth2Token == "" && s.cfg.OAuth2Only {
		k = KindAuthOAuth2Required
	}
	return s.fail(k, errLoginFailed, text)
}

// ClassifyLoginFailure reads a rejection's text for the known hints.
func ClassifyLoginFailure(text string) Kind {
	t := strings.ToLower(text)
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(t, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has("basic authentication is disabled", "5.7.139", "oauth2 required", "oauth is required"):
		return KindAuthOAuth2Required
	case has("application-specific password", "app password", "app-specific password", "5.7.9 ",
		"authorization code", "授权码", "5.7.14", "web browser", "webloginrequired"):
		return KindAuthAppPassword
	}
	return KindAuthRejected
}

// saslPlain is the PLAIN initial response (RFC 4616).
func saslPlain(c *Credentials) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + c.Username + "\x00" + c.Password))
}

// saslXOAUTH2 is the XOAUTH2 initial response.
func saslXOAUTH2(c *Credentials) string {
	return base64.StdEncoding.EncodeToString([]byte("user=" + c.Username + "\x01auth=Bearer " + c.OAuth2Token + "\x01\x01"))
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

func (s *session) imapLogin(caps []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	if s.cfg.IMAPID {
		if _, err := s.imapCommand(`ID ("name" "mailsettings")`); err != nil {
			return err
		}
		s.step = StepAuth
	}
	c := s.cfg.Credentials
	var mech, ir string
	switch {
	case c.OAuth2Token != "":
		mech, ir = "XOAUTH2", saslXOAUTH2(c)
	case hasCapability(caps, "AUTH=PLAIN"):
		mech, ir = "PLAIN", saslPlain(c)
	case hasCapability(caps, "LOGINDISABLED"):
	default:
		mech = "LOGIN"
	}
	if mech == "" || mech == "XOAUTH2" && !hasCapability(caps, "AUTH=XOAUTH2") {
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	}
	var resp imapResponse
	var err error
	tag := s.nextTag()
	switch {
	case mech == "LOGIN":
		u, ok1 := imapQuote(c.Username)
		p, ok2 := imapQuote(c.Password)
		if !ok1 || !ok2 {
			return s.fail(KindAuthUnavailable, fmt.Errorf("%w: non-ASCII credentials need AUTH=PLAIN", errAuthUnavailable), "")
		}
		err = s.write(tag + " LOGIN " + u + " " + p)
	case hasCapability(caps, "SASL-IR"):
		err = s.write(tag + " AUTHENTICATE " + mech + " " + ir)
	default:
		if err = s.write(tag + " AUTHENTICATE " + mech); err == nil {
			if resp, err = s.imapRead(tag); err == nil && resp.status == "+" {
				err = s.write(ir)
			}
		}
	}
	if err != nil {
		return err
	}
	if resp.status == "" || resp.status == "+" {
		// A continuation after the initial response carries an error
		// (XOAUTH2); answer it with an empty line to get the status.
		for range 2 {
			if resp, err = s.imapRead(tag); err != nil {
				return err
			}
			if resp.status != "+" {
				break
			}
			if err := s.write(""); err != nil {
				return err
			}
		}
	}
	return s.loginDone(mech, resp.status == "OK", resp.status+" "+resp.text)
}

func (s *session) pop3Login(caps []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	c := s.cfg.Credentials
	mechs := pop3AuthMechanisms(caps)
	var mech, ir string
	switch {
	case c.OAuth2Token != "" && containsFold(mechs, "XOAUTH2"):
		mech, ir = "XOAUTH2", saslXOAUTH2(c)
	case c.OAuth2Token != "":
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	case containsFold(mechs, "PLAIN"):
		mech, ir = "PLAIN", saslPlain(c)
	default:
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
	if err := s.write("AUTH " + mech + " " + ir); err != nil {
		return err
	}
	for range 2 {
		s.r.startResponse()
		line, err := s.r.readLine()
		if err != nil {
			return s.ioFail(err)
		}
		switch {
		case strings.HasPrefix(line, "+OK"):
			return s.loginDone(mech, true, line)
		case strings.HasPrefix(line, "-ERR"):
			return s.loginDone(mech, false, line)
		case strings.HasPrefix(line, "+"):
			if err := s.write(""); err != nil {
				return err
			}
		default:
			return s.fail(KindProtocolError, fmt.Errorf("%w: POP3 AUTH answer", errProtocol), line)
		}
	}
	return s.fail(KindProtocolError, fmt.Errorf("%w: POP3 AUTH did not end", errProtocol), "")
}

func (s *session) smtpLogin(auth []string) error {
	if err := s.authAllowed(); err != nil {
		return err
	}
	c := s.cfg.Credentials
	var mech string
	var steps []string // what to send after each 334
	switch {
	case c.OAuth2Token != "" && containsFold(auth, "XOAUTH2"):
		mech = "XOAUTH2"
	case c.OAuth2Token != "":
	case containsFold(auth, "PLAIN"):
		mech = "PLAIN"
	case containsFold(auth, "LOGIN"):
		mech = "LOGIN"
		steps = []string{base64.StdEncoding.EncodeToString([]byte(c.Username)), base64.StdEncoding.EncodeToString([]byte(c.Password))}
	}
	var cmd string
	switch mech {
	case "":
		return s.fail(KindAuthUnavailable, errAuthUnavailable, "")
	case "XOAUTH2":
		cmd = "AUTH XOAUTH2 " + saslXOAUTH2(c)
	case "PLAIN":
		cmd = "AUTH PLAIN " + saslPlain(c)
	default:
		cmd = "AUTH LOGIN"
	}
	r, err := s.smtpCommand(cmd)
	for i := 0; err == nil && r.code == 334 && i < 3; i++ {
		next := "" // an empty answer to an XOAUTH2 error challenge
		if i < len(steps) {
			next = steps[i]
		}
		r, err = s.smtpCommand(next)
	}
	if err != nil {
		return err
	}
	return s.loginDone(mech, r.code == 235, strconv.Itoa(r.code)+" "+r.text())
}
