package wire

import (
	"bufio"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// checkWords checks the invariants of parsed capabilities: printable ASCII
// tokens (or words joined by single spaces), bounded in number.
func checkWords(t *testing.T, caps []string) {
	t.Helper()
	if len(caps) > maxCapabilities {
		t.Fatalf("%d capabilities, want at most %d", len(caps), maxCapabilities)
	}
	for _, c := range caps {
		if c == "" {
			t.Fatalf("empty capability in %q", caps)
		}
		for i := 0; i < len(c); i++ {
			if c[i] < ' ' || c[i] >= 0x7f {
				t.Fatalf("capability %q has byte %#x", c, c[i])
			}
		}
	}
}

func FuzzIMAPGreeting(f *testing.F) {
	for _, s := range []string{
		"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready",
		"* PREAUTH [CAPABILITY IMAP4rev1] hi", "* BYE go away", "* BAD", "a OK hi", "* OK", "* OK [", "* OK [CAPABILITY",
		"* OK [ALERT] \x1b[2J", "1Gdo00V4 wFaIW2WP", "", "* OK [CAPABILITY \x00\xff] x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		g := parseIMAPGreeting(line)
		switch g.status {
		case "", "OK", "PREAUTH", "BYE":
		default:
			t.Fatalf("status %q", g.status)
		}
		if g.status == "" && g.caps != nil {
			t.Fatalf("capabilities from a non-greeting: %q", line)
		}
		checkWords(t, g.caps)
		caps, ok := parseIMAPCapability(line)
		if ok != (strings.HasPrefix(line, "* ") && len(line) >= 12 && strings.EqualFold(strings.SplitN(line[2:], " ", 2)[0], "CAPABILITY")) {
			t.Fatalf("parseIMAPCapability(%q) ok = %v", line, ok)
		}
		checkWords(t, caps)
		checkWords(t, imapAuthMechanisms(caps))
		_ = imapLiteral(line)
		_ = detectProtocol(line)
	})
}

func FuzzSMTPReply(f *testing.F) {
	for _, s := range []string{
		"250-smtp.example.test\n250-PIPELINING\n250-AUTH PLAIN LOGIN\n250 AUTH=LOGIN XOAUTH2",
		"220 ready", "421 4.3.2 bye", "554-no\n554 service", "250-x\n251 y", "25", "2500", "999 x", "250-\n250 ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		var r smtpReply
		for line := range strings.Lines(reply) {
			code, text, more, ok := parseSMTPLine(strings.TrimRight(line, "\r\n"))
			if !ok {
				return
			}
			if code < 200 || code > 599 {
				t.Fatalf("code %d from %q", code, line)
			}
			r.code = code
			r.lines = append(r.lines, text)
			if !more {
				break
			}
		}
		caps, auth := smtpExtensions(r)
		checkWords(t, caps)
		checkWords(t, auth)
		for _, a := range auth {
			if a != strings.ToUpper(a) {
				t.Fatalf("mechanism %q not upper case", a)
			}
		}
	})
}

// FuzzResponseReader feeds arbitrary server bytes to the bounded line
// reader and the POP3 capability parser.
func FuzzResponseReader(f *testing.F) {
	for _, s := range []string{"+OK\r\nSTLS\r\nSASL PLAIN LOGIN\r\n.\r\n", "a\nb\r\n", strings.Repeat("x", 5000) + "\n", "* X {3}\r\nabc\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		l := newLineReader(strings.NewReader(data))
		var lines []string
		for {
			line, err := l.readLine()
			if err != nil {
				break
			}
			if len(line) > MaxLine || strings.ContainsAny(line, "\n") {
				t.Fatalf("line of %d bytes: %q", len(line), line)
			}
			if n := imapLiteral(line); n >= 0 {
				if l.skip(n) != nil {
					break
				}
			}
			lines = append(lines, line)
		}
		if l.n > MaxResponse+MaxLine {
			t.Fatalf("read %d bytes in one response", l.n)
		}
		checkWords(t, pop3AuthMechanisms(lines))
		s := sanitize.Text(data, MaxServerText)
		if len(s) > MaxServerText+len("…") || !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x1b\x00") {
			t.Fatalf("sanitize(%q) = %q", data, s)
		}
		_, _ = ClassifyLoginFailure(data)
	})
}

func TestLineReaderBounds(t *testing.T) {
	l := newLineReader(strings.NewReader(strings.Repeat("a", 5000) + "\r\n"))
	if _, err := l.readLine(); err != errLineTooLong {
		t.Errorf("long line: err = %v", err)
	}
	l = newLineReader(bufio.NewReader(strings.NewReader(strings.Repeat("250-x\r\n", 20000))))
	var err error
	for err == nil {
		_, err = l.readLine()
	}
	if err != errResponseTooLong {
		t.Errorf("endless response: err = %v", err)
	}
}
