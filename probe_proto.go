package mailsettings

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// The dialogues of a probe: IMAP (RFC 9051, STARTTLS per RFC 2595), POP3
// (RFC 1939, RFC 2449 CAPA, STLS per RFC 2595) and SMTP submission
// (RFC 6409, STARTTLS per RFC 3207). Each reads the greeting, upgrades with
// STARTTLS if asked, asks for the capabilities after TLS, optionally checks
// credentials, and closes politely.
//
// STARTTLS is done the safe way: a refused or unadvertised STARTTLS ends
// the probe, bytes after the go-ahead end it as a possible injection, and
// capabilities are asked for again after the handshake.

// nextTag returns a new IMAP command tag.
func (s *session) nextTag() string {
	s.tag++
	return "a" + strconv.Itoa(s.tag)
}

// An imapResponse is the answer to one IMAP command.
type imapResponse struct {
	untagged []string // "* ..." lines, in order
	status   string   // "OK", "NO", "BAD", or "+" for a continuation request
	text     string   // the text after the status
}

// imapCommand sends "tag cmd" and reads the response up to the tagged
// status line or a continuation request. An untagged BYE followed by the
// end of the connection is a refusal of service.
func (s *session) imapCommand(cmd string) (imapResponse, error) {
	tag := s.nextTag()
	if err := s.write(tag + " " + cmd); err != nil {
		return imapResponse{}, err
	}
	return s.imapRead(tag)
}

// imapRead reads a response to the command tagged tag.
func (s *session) imapRead(tag string) (imapResponse, error) {
	var resp imapResponse
	bye := ""
	inLiteral := false // the line goes on after a literal
	s.r.startResponse()
	for {
		line, err := s.r.readLine()
		if err != nil {
			if bye != "" && isClosed(err) {
				return resp, s.fail(KindServiceRefused, ErrServiceRefused, bye)
			}
			return resp, s.ioFail(err)
		}
		// A line that announces a literal goes on after the literal's
		// bytes; the whole response line is skipped.
		cont := inLiteral
		inLiteral = false
		if n := imapLiteral(line); n >= 0 {
			if err := s.r.skip(n); err != nil {
				return resp, s.ioFail(err)
			}
			inLiteral = true
			continue
		}
		if cont {
			continue
		}
		if status, text, ok := imapTagged(line, tag); ok {
			resp.status, resp.text = status, text
			return resp, nil
		}
		switch {
		case strings.HasPrefix(line, "* "):
			if w, _, _ := strings.Cut(line[2:], " "); strings.EqualFold(w, "BYE") {
				bye = line
			}
			resp.untagged = append(resp.untagged, line)
		case strings.HasPrefix(line, "+"):
			resp.status, resp.text = "+", strings.TrimPrefix(strings.TrimPrefix(line, "+"), " ")
			return resp, nil
		default:
			return resp, s.fail(KindProtocolError, fmt.Errorf("%w: unexpected IMAP response line", ErrProtocol), line)
		}
	}
}

// imapCapability asks for the capabilities.
func (s *session) imapCapability() ([]string, error) {
	s.step = StepCapabilities
	resp, err := s.imapCommand("CAPABILITY")
	if err != nil {
		return nil, err
	}
	if resp.status != "OK" {
		return nil, s.fail(KindProtocolError, fmt.Errorf("%w: CAPABILITY answered %s", ErrProtocol, resp.status), resp.text)
	}
	caps := []string{}
	for _, l := range resp.untagged {
		if c, ok := parseIMAPCapability(l); ok {
			caps = append(caps, c...)
		}
	}
	return caps, nil
}

func (s *session) imap() error {
	line, err := s.readGreeting()
	if err != nil {
		return err
	}
	g := parseIMAPGreeting(line)
	switch g.status {
	case "":
		return s.badGreeting(line)
	case "BYE":
		return s.fail(KindServiceRefused, ErrServiceRefused, line)
	case "PREAUTH":
		if s.e.Encryption == STARTTLS {
			// RFC 9051 §7.1.4: the session is already authenticated in
			// plaintext, so STARTTLS is impossible.
			return s.fail(KindPreauthPlaintext, ErrPreauthPlaintext, line)
		}
		s.res.Preauth = true
	}
	s.setGreeting(line)
	caps := g.caps
	if s.e.Encryption == STARTTLS {
		if caps == nil {
			if caps, err = s.imapCapability(); err != nil {
				return err
			}
		}
		if !hasCapability(caps, "STARTTLS") {
			return s.fail(KindSTARTTLSNotOffered, ErrNoSTARTTLS, "")
		}
		s.step = StepSTARTTLS
		resp, err := s.imapCommand("STARTTLS")
		if err != nil {
			return err
		}
		if resp.status != "OK" {
			return s.fail(KindSTARTTLSRefused, ErrSTARTTLSRefused, resp.status+" "+resp.text)
		}
		if err := s.startTLSAfterGoAhead(); err != nil {
			return err
		}
		caps = nil // RFC 9051 §6.2.1: forget everything learned before TLS
	}
	if caps == nil || s.e.Encryption == STARTTLS {
		if caps, err = s.imapCapability(); err != nil {
			return err
		}
	}
	s.setCapabilities(caps, imapAuthMechanisms(caps))
	if s.cred != nil {
		if err := s.imapLogin(caps); err != nil {
			return err
		}
	}
	tag := s.nextTag()
	s.quit(tag+" LOGOUT", func(l string) bool { _, _, ok := imapTagged(l, tag); return ok })
	return nil
}

// pop3Status reads a POP3 status line: ok is true for "+OK", false for
// "-ERR"; anything else is a protocol error.
func (s *session) pop3Status() (ok bool, text string, err error) {
	s.r.startResponse()
	line, err := s.r.readLine()
	if err != nil {
		return false, "", s.ioFail(err)
	}
	if t, found := strings.CutPrefix(line, "+OK"); found {
		return true, strings.TrimPrefix(t, " "), nil
	}
	if t, found := strings.CutPrefix(line, "-ERR"); found {
		return false, strings.TrimPrefix(t, " "), nil
	}
	return false, "", s.fail(KindProtocolError, fmt.Errorf("%w: POP3 status line expected", ErrProtocol), line)
}

// pop3Capa asks for the capabilities (RFC 2449). ok is false if the server
// answered -ERR.
func (s *session) pop3Capa() (caps []string, ok bool, err error) {
	s.step = StepCapabilities
	if err := s.write("CAPA"); err != nil {
		return nil, false, err
	}
	ok, _, err = s.pop3Status()
	if err != nil || !ok {
		return nil, false, err
	}
	caps = []string{}
	for {
		line, err := s.r.readLine()
		if err != nil {
			return nil, false, s.ioFail(err)
		}
		if line == "." {
			return caps, true, nil
		}
		line = strings.TrimPrefix(line, ".")
		if len(caps) < maxCapabilities {
			if w := appendWords(nil, line); len(w) > 0 {
				caps = append(caps, strings.Join(w, " "))
			}
		}
	}
}

func (s *session) pop3() error {
	line, err := s.readGreeting()
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(line, "+OK"):
	case strings.HasPrefix(line, "-ERR"):
		return s.fail(KindServiceRefused, ErrServiceRefused, line)
	default:
		return s.badGreeting(line)
	}
	s.setGreeting(line)
	if s.e.Encryption == STARTTLS {
		caps, _, err := s.pop3Capa()
		if err != nil {
			return err
		}
		if !hasCapability(caps, "STLS") {
			return s.fail(KindSTARTTLSNotOffered, ErrNoSTARTTLS, "")
		}
		s.step = StepSTARTTLS
		if err := s.write("STLS"); err != nil {
			return err
		}
		ok, text, err := s.pop3Status()
		if err != nil {
			return err
		}
		if !ok {
			return s.fail(KindSTARTTLSRefused, ErrSTARTTLSRefused, "-ERR "+text)
		}
		if err := s.startTLSAfterGoAhead(); err != nil {
			return err
		}
	}
	caps, _, err := s.pop3Capa()
	if err != nil {
		return err
	}
	if caps == nil {
		caps = []string{}
	}
	s.setCapabilities(caps, pop3AuthMechanisms(caps))
	if s.cred != nil {
		if err := s.pop3Login(caps); err != nil {
			return err
		}
	}
	s.quit("QUIT", func(string) bool { return true })
	return nil
}

// smtpRead reads a reply whose first line, if not empty, was already read.
func (s *session) smtpRead(first string) (smtpReply, error) {
	var r smtpReply
	line := first
	if line == "" {
		s.r.startResponse()
	}
	for {
		if line == "" {
			var err error
			if line, err = s.r.readLine(); err != nil {
				return r, s.ioFail(err)
			}
		}
		code, text, more, ok := parseSMTPLine(line)
		if !ok || (r.code != 0 && code != r.code) {
			return r, s.fail(KindProtocolError, fmt.Errorf("%w: malformed SMTP reply", ErrProtocol), line)
		}
		r.code = code
		if len(r.lines) < maxCapabilities {
			r.lines = append(r.lines, text)
		}
		if !more {
			return r, nil
		}
		line = ""
	}
}

// smtpCommand sends cmd and reads the reply.
func (s *session) smtpCommand(cmd string) (smtpReply, error) {
	if err := s.write(cmd); err != nil {
		return smtpReply{}, err
	}
	return s.smtpRead("")
}

// smtpEHLO sends EHLO and returns the extensions; ok is false if the
// server does not speak ESMTP.
func (s *session) smtpEHLO() (caps, auth []string, ok bool, err error) {
	s.step = StepCapabilities
	r, err := s.smtpCommand("EHLO " + s.ehloName())
	if err != nil {
		return nil, nil, false, err
	}
	switch {
	case r.code == 250:
		caps, auth = smtpExtensions(r)
		return caps, auth, true, nil
	case r.code == 421:
		return nil, nil, false, s.fail(KindServiceRefused, ErrServiceRefused, "421 "+r.text())
	}
	return nil, nil, false, nil
}

// ehloName is the client's address literal (RFC 5321 §4.1.3).
func (s *session) ehloName() string {
	if a := s.raw.LocalAddr(); a != nil {
		if host, _, err := net.SplitHostPort(a.String()); err == nil && net.ParseIP(host) != nil {
			if strings.Contains(host, ":") {
				return "[IPv6:" + host + "]"
			}
			return "[" + host + "]"
		}
	}
	return "[127.0.0.1]"
}

func (s *session) smtp() error {
	line, err := s.readGreeting()
	if err != nil {
		return err
	}
	if _, _, _, ok := parseSMTPLine(line); !ok {
		return s.badGreeting(line)
	}
	s.step = StepGreeting
	g, err := s.smtpRead(line)
	if err != nil {
		return err
	}
	text := strconv.Itoa(g.code) + " " + g.text()
	switch {
	case g.code == 220:
	case g.code >= 400:
		return s.fail(KindServiceRefused, ErrServiceRefused, text)
	default:
		return s.fail(KindProtocolError, fmt.Errorf("%w: SMTP greeting %d", ErrProtocol, g.code), text)
	}
	s.setGreeting(text)
	if s.e.Encryption == STARTTLS {
		caps, _, ok, err := s.smtpEHLO()
		if err != nil {
			return err
		}
		if !ok || !hasCapability(caps, "STARTTLS") {
			return s.fail(KindSTARTTLSNotOffered, ErrNoSTARTTLS, "")
		}
		s.step = StepSTARTTLS
		r, err := s.smtpCommand("STARTTLS")
		if err != nil {
			return err
		}
		if r.code != 220 {
			return s.fail(KindSTARTTLSRefused, ErrSTARTTLSRefused, strconv.Itoa(r.code)+" "+r.text())
		}
		if err := s.startTLSAfterGoAhead(); err != nil {
			return err
		}
	}
	caps, auth, ok, err := s.smtpEHLO()
	if err != nil {
		return err
	}
	if !ok {
		// Not ESMTP: plain SMTP has no extensions and no AUTH.
		if r, err := s.smtpCommand("HELO " + s.ehloName()); err != nil {
			return err
		} else if r.code != 250 {
			return s.fail(KindProtocolError, fmt.Errorf("%w: EHLO and HELO refused", ErrProtocol), strconv.Itoa(r.code)+" "+r.text())
		}
		caps = []string{}
	}
	s.setCapabilities(caps, auth)
	if s.cred != nil {
		if err := s.smtpLogin(auth); err != nil {
			return err
		}
	}
	s.quit("QUIT", func(string) bool { return true })
	return nil
}
