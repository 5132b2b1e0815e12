package wire

import (
	"fmt"
	"strings"
)

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
	return false, "", s.fail(KindProtocolError, fmt.Errorf("%w: POP3 status line expected", errProtocol), line)
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
		return s.fail(KindServiceRefused, errServiceRefused, line)
	default:
		return s.badGreeting(line)
	}
	s.setGreeting(line)
	if s.cfg.Mode == STARTTLS {
		caps, _, err := s.pop3Capa()
		if err != nil {
			return err
		}
		if !hasCapability(caps, "STLS") {
			return s.fail(KindSTARTTLSNotOffered, errNoSTARTTLS, "")
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
			return s.fail(KindSTARTTLSRefused, errSTARTTLSRefused, "-ERR "+text)
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
	if s.cfg.Credentials != nil {
		if err := s.pop3Login(caps); err != nil {
			return err
		}
	}
	s.quit("QUIT", func(string) bool { return true })
	return nil
}
