package wire

import (
	"fmt"
	"strconv"
	"strings"
)

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
			if bye != "" && IsClosed(err) {
				return resp, s.fail(KindServiceRefused, errServiceRefused, bye)
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
			return resp, s.fail(KindProtocolError, fmt.Errorf("%w: unexpected IMAP response line", errProtocol), line)
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
		return nil, s.fail(KindProtocolError, fmt.Errorf("%w: CAPABILITY answered %s", errProtocol, resp.status), resp.text)
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
		return s.fail(KindServiceRefused, errServiceRefused, line)
	case "PREAUTH":
		if s.cfg.Mode == STARTTLS {
			// RFC 9051 §7.1.4: the session is already authenticated in
			// plaintext, so STARTTLS is impossible.
			return s.fail(KindPreauthPlaintext, errPreauthPlaintext, line)
		}
		s.res.Preauth = true
	}
	s.setGreeting(line)
	caps := g.caps
	if s.cfg.Mode == STARTTLS {
		if caps == nil {
			if caps, err = s.imapCapability(); err != nil {
				return err
			}
		}
		if !hasCapability(caps, "STARTTLS") {
			return s.fail(KindSTARTTLSNotOffered, errNoSTARTTLS, "")
		}
		s.step = StepSTARTTLS
		resp, err := s.imapCommand("STARTTLS")
		if err != nil {
			return err
		}
		if resp.status != "OK" {
			return s.fail(KindSTARTTLSRefused, errSTARTTLSRefused, resp.status+" "+resp.text)
		}
		if err := s.startTLSAfterGoAhead(); err != nil {
			return err
		}
		caps = nil // RFC 9051 §6.2.1: forget everything learned before TLS
	}
	if caps == nil || s.cfg.Mode == STARTTLS {
		if caps, err = s.imapCapability(); err != nil {
			return err
		}
	}
	s.setCapabilities(caps, imapAuthMechanisms(caps))
	if s.cfg.Credentials != nil {
		if err := s.imapLogin(caps); err != nil {
			return err
		}
	}
	tag := s.nextTag()
	s.quit(tag+" LOGOUT", func(l string) bool { _, _, ok := imapTagged(l, tag); return ok })
	return nil
}
