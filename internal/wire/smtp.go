package wire

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

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
			return r, s.fail(KindProtocolError, fmt.Errorf("%w: malformed SMTP reply", errProtocol), line)
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
		return nil, nil, false, s.fail(KindServiceRefused, errServiceRefused, "421 "+r.text())
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
		return s.fail(KindServiceRefused, errServiceRefused, text)
	default:
		return s.fail(KindProtocolError, fmt.Errorf("%w: SMTP greeting %d", errProtocol, g.code), text)
	}
	s.setGreeting(text)
	if s.cfg.Mode == STARTTLS {
		caps, _, ok, err := s.smtpEHLO()
		if err != nil {
			return err
		}
		if !ok || !hasCapability(caps, "STARTTLS") {
			return s.fail(KindSTARTTLSNotOffered, errNoSTARTTLS, "")
		}
		s.step = StepSTARTTLS
		r, err := s.smtpCommand("STARTTLS")
		if err != nil {
			return err
		}
		if r.code != 220 {
			return s.fail(KindSTARTTLSRefused, errSTARTTLSRefused, strconv.Itoa(r.code)+" "+r.text())
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
			return s.fail(KindProtocolError, fmt.Errorf("%w: EHLO and HELO refused", errProtocol), strconv.Itoa(r.code)+" "+r.text())
		}
		caps = []string{}
	}
	s.setCapabilities(caps, auth)
	if s.cfg.Credentials != nil {
		if err := s.smtpLogin(auth); err != nil {
			return err
		}
	}
	s.quit("QUIT", func(string) bool { return true })
	return nil
}
