package mailsettingstest

import (
	"encoding/base64"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// The default dialogues. They are small on purpose: enough for a client to
// greet, list capabilities, upgrade, log in and leave.

// starttlsOffered reports whether the server offers STARTTLS now.
func (c *Conn) starttlsOffered() bool {
	return c.srv.Encryption == mailsettings.STARTTLS && !c.tls && !c.srv.cfg.hideSTARTTLS
}

// loginAllowed reports whether credentials are accepted now: after TLS,
// or on a plaintext server.
func (c *Conn) loginAllowed() bool {
	return c.tls || c.srv.Encryption == mailsettings.Plaintext
}

func (c *Conn) checkPassword(user, pass string) bool {
	p, ok := c.srv.cfg.users[user]
	return ok && p == pass
}

func (c *Conn) checkToken(user, token string) bool {
	t, ok := c.srv.cfg.tokens[user]
	return ok && t == token
}

// saslCheck checks a PLAIN or XOAUTH2 initial response.
func (c *Conn) saslCheck(mech, b64 string) bool {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return false
	}
	switch strings.ToUpper(mech) {
	case "PLAIN":
		parts := strings.Split(string(raw), "\x00")
		return len(parts) == 3 && c.checkPassword(parts[1], parts[2])
	case "XOAUTH2":
		var user, token string
		for f := range strings.SplitSeq(string(raw), "\x01") {
			if u, ok := strings.CutPrefix(f, "user="); ok {
				user = u
			} else if t, ok := strings.CutPrefix(f, "auth=Bearer "); ok {
				token = t
			}
		}
		return c.checkToken(user, token)
	}
	return false
}

// xoauth2Error is the JSON error Google sends as an XOAUTH2 challenge.
var xoauth2Error = base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`))

// goAhead sends the STARTTLS go-ahead (plus any injection) and starts TLS.
// It reports whether the dialogue can go on.
func (c *Conn) goAhead(tag, line string) bool {
	cfg := &c.srv.cfg
	if cfg.starttlsReply != nil {
		return c.Write(strings.ReplaceAll(*cfg.starttlsReply, "{tag}", tag)) == nil
	}
	if cfg.goAhead != nil {
		line = strings.ReplaceAll(*cfg.goAhead, "{tag}", tag)
	}
	if c.Write(line+strings.ReplaceAll(cfg.inject, "{tag}", tag)) != nil {
		return false
	}
	return c.StartTLS() == nil
}

// ---- IMAP (RFC 9051) ----

func (c *Conn) imapCaps() string {
	caps := []string{"IMAP4rev1", "SASL-IR", "ID", "ENABLE", "IDLE", "LITERAL+"}
	switch {
	case c.starttlsOffered():
		caps = append(caps, "STARTTLS", "LOGINDISABLED")
	case c.srv.Encryption == mailsettings.STARTTLS && !c.tls:
		caps = append(caps, "LOGINDISABLED")
	default:
		caps = append(caps, "AUTH=PLAIN", "AUTH=XOAUTH2")
	}
	return strings.Join(caps, " ")
}

// greet sends the configured greeting, or def, and reports whether the
// dialogue goes on (not for a server that never greets or a failed write).
func (c *Conn) greet(def string) bool {
	cfg := &c.srv.cfg
	if cfg.neverGreet {
		return false
	}
	if cfg.greeting != nil {
		def = *cfg.greeting
	}
	return c.Write(def) == nil
}

func (c *Conn) serveIMAP() {
	cfg := &c.srv.cfg
	if !c.greet("* OK [CAPABILITY " + c.imapCaps() + "] mailsettingstest IMAP ready\r\n") {
		return
	}
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(line, " ")
		cmd, args, _ := strings.Cut(rest, " ")
		var reply string
		switch strings.ToUpper(cmd) {
		case "CAPABILITY":
			reply = "* CAPABILITY " + c.imapCaps() + "\r\n" + tag + " OK CAPABILITY completed\r\n"
		case "NOOP":
			reply = tag + " OK NOOP completed\r\n"
		case "ID":
			c.sentID = true
			reply = "* ID (\"name\" \"mailsettingstest\")\r\n" + tag + " OK ID completed\r\n"
		case "STARTTLS":
			switch {
			case c.tls || c.srv.Encryption != mailsettings.STARTTLS || cfg.hideSTARTTLS:
				reply = tag + " BAD STARTTLS not available\r\n"
			case cfg.refuseSTARTTLS:
				reply = tag + " NO STARTTLS refused\r\n"
			default:
				if !c.goAhead(tag, tag+" OK Begin TLS negotiation now\r\n") {
					return
				}
				continue
			}
		case "LOGIN":
			user, pass := imapArgs(args)
			reply = c.imapAuthResult(tag, c.checkPassword(user, pass))
		case "AUTHENTICATE":
			mech, ir, _ := strings.Cut(args, " ")
			if !c.loginAllowed() {
				reply = c.imapAuthResult(tag, false)
				break
			}
			if ir == "" {
				if c.Write("+ \r\n") != nil {
					return
				}
				if ir, err = c.ReadLine(); err != nil {
					return
				}
			}
			ok := c.saslCheck(mech, ir)
			if !ok && strings.EqualFold(mech, "XOAUTH2") && c.srv.cfg.authFailure == "" {
				if c.Write("+ "+xoauth2Error+"\r\n") != nil {
					return
				}
				if _, err := c.ReadLine(); err != nil {
					return
				}
			}
			reply = c.imapAuthResult(tag, ok)
		case "LOGOUT":
			c.Write("* BYE mailsettingstest logging out\r\n" + tag + " OK LOGOUT completed\r\n")
			return
		default:
			reply = tag + " BAD unknown command\r\n"
		}
		if c.Write(reply) != nil {
			return
		}
	}
}

// imapAuthResult answers a login attempt.
func (c *Conn) imapAuthResult(tag string, ok bool) string {
	cfg := &c.srv.cfg
	switch {
	case !c.loginAllowed():
		return tag + " NO [PRIVACYREQUIRED] Plaintext authentication disallowed\r\n"
	case cfg.requireID && !c.sentID:
		return tag + " NO Unsafe Login. Please contact kefu@188.com for help\r\n"
	case ok:
		return tag + " OK Logged in\r\n"
	case cfg.authFailure != "":
		return tag + " " + cfg.authFailure + "\r\n"
	}
	return tag + " NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
}

// imapArgs parses two astrings (atoms or quoted strings).
func imapArgs(s string) (string, string) {
	a, rest := imapAstring(s)
	b, _ := imapAstring(strings.TrimPrefix(rest, " "))
	return a, b
}

func imapAstring(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		v, rest, _ := strings.Cut(s, " ")
		return v, rest
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}

// ---- POP3 (RFC 1939, RFC 2449, RFC 5034) ----

func (c *Conn) pop3Caps() []string {
	caps := []string{"TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE"}
	if c.starttlsOffered() {
		caps = append(caps, "STLS")
	}
	if c.loginAllowed() {
		caps = append(caps, "USER", "SASL PLAIN XOAUTH2")
	}
	return caps
}

func (c *Conn) servePOP3() {
	cfg := &c.srv.cfg
	if !c.greet("+OK mailsettingstest POP3 ready\r\n") {
		return
	}
	user := ""
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		var reply string
		switch strings.ToUpper(cmd) {
		case "CAPA":
			reply = "+OK Capability list follows\r\n" + strings.Join(c.pop3Caps(), "\r\n") + "\r\n.\r\n"
		case "NOOP":
			reply = "+OK\r\n"
		case "STLS":
			switch {
			case c.tls || c.srv.Encryption != mailsettings.STARTTLS || cfg.hideSTARTTLS || cfg.refuseSTARTTLS:
				reply = "-ERR STLS not available\r\n"
			default:
				if !c.goAhead("", "+OK Begin TLS negotiation\r\n") {
					return
				}
				continue
			}
		case "USER":
			user = args
			reply = "+OK\r\n"
			if !c.loginAllowed() {
				reply = "-ERR [AUTH] Plaintext authentication disallowed\r\n"
			}
		case "PASS":
			reply = c.pop3AuthResult(c.checkPassword(user, args))
		case "AUTH":
			mech, ir, _ := strings.Cut(args, " ")
			if !c.loginAllowed() {
				reply = c.pop3AuthResult(false)
				break
			}
			if ir == "" {
				if c.Write("+ \r\n") != nil {
					return
				}
				if ir, err = c.ReadLine(); err != nil {
					return
				}
			}
			reply = c.pop3AuthResult(c.saslCheck(mech, ir))
		case "QUIT":
			c.Write("+OK mailsettingstest signing off\r\n")
			return
		default:
			reply = "-ERR unknown command\r\n"
		}
		if c.Write(reply) != nil {
			return
		}
	}
}

func (c *Conn) pop3AuthResult(ok bool) string {
	switch {
	case !c.loginAllowed():
		return "-ERR [AUTH] Plaintext authentication disallowed\r\n"
	case ok:
		return "+OK Logged in.\r\n"
	case c.srv.cfg.authFailure != "":
		return c.srv.cfg.authFailure + "\r\n"
	}
	return "-ERR [AUTH] Authentication failed.\r\n"
}

// ---- SMTP submission (RFC 6409, RFC 3207, RFC 4954) ----

func (c *Conn) smtpEHLO() string {
	ext := []string{c.srv.Host, "PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"}
	if c.starttlsOffered() {
		ext = append(ext, "STARTTLS")
	}
	if c.loginAllowed() {
		ext = append(ext, "AUTH PLAIN LOGIN XOAUTH2")
	}
	var b strings.Builder
	for i, e := range ext {
		sep := "-"
		if i == len(ext)-1 {
			sep = " "
		}
		b.WriteString("250" + sep + e + "\r\n")
	}
	return b.String()
}

func (c *Conn) serveSMTP() {
	cfg := &c.srv.cfg
	if !c.greet("220 " + c.srv.Host + " ESMTP mailsettingstest\r\n") {
		return
	}
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		var reply string
		switch strings.ToUpper(cmd) {
		case "EHLO":
			reply = c.smtpEHLO()
		case "HELO":
			reply = "250 " + c.srv.Host + "\r\n"
		case "NOOP", "RSET":
			reply = "250 2.0.0 OK\r\n"
		case "STARTTLS":
			switch {
			case c.tls || c.srv.Encryption != mailsettings.STARTTLS || cfg.hideSTARTTLS:
				reply = "502 5.5.1 STARTTLS not available\r\n"
			case cfg.refuseSTARTTLS:
				reply = "454 4.7.0 TLS not available due to temporary reason\r\n"
			default:
				if !c.goAhead("", "220 2.0.0 Ready to start TLS\r\n") {
					return
				}
				continue
			}
		case "AUTH":
			if !c.loginAllowed() {
				reply = "530 5.7.0 Must issue a STARTTLS command first\r\n"
				break
			}
			ok, done := c.smtpAuth(args)
			if done {
				return
			}
			reply = c.smtpAuthResult(ok)
		case "QUIT":
			c.Write("221 2.0.0 Bye\r\n")
			return
		default:
			reply = "502 5.5.2 Error: command not recognized\r\n"
		}
		if c.Write(reply) != nil {
			return
		}
	}
}

// smtpAuth runs an AUTH exchange. done is true if the connection failed.
func (c *Conn) smtpAuth(args string) (ok, done bool) {
	mech, ir, _ := strings.Cut(args, " ")
	read := func(prompt string) (string, bool) {
		if c.Write("334 "+prompt+"\r\n") != nil {
			return "", false
		}
		l, err := c.ReadLine()
		return l, err == nil
	}
	switch strings.ToUpper(mech) {
	case "PLAIN", "XOAUTH2":
		if ir == "" {
			var good bool
			if ir, good = read(""); !good {
				return false, true
			}
		}
		ok = c.saslCheck(mech, ir)
		if !ok && strings.EqualFold(mech, "XOAUTH2") && c.srv.cfg.authFailure == "" {
			if _, good := read(xoauth2Error); !good {
				return false, true
			}
		}
		return ok, false
	case "LOGIN":
		u, good := read(base64.StdEncoding.EncodeToString([]byte("Username:")))
		if !good {
			return false, true
		}
		p, good := read(base64.StdEncoding.EncodeToString([]byte("Password:")))
		if !good {
			return false, true
		}
		ub, _ := base64.StdEncoding.DecodeString(u)
		pb, _ := base64.StdEncoding.DecodeString(p)
		return c.checkPassword(string(ub), string(pb)), false
	}
	return false, false
}

func (c *Conn) smtpAuthResult(ok bool) string {
	switch {
	case ok:
		return "235 2.7.0 Authentication successful\r\n"
	case c.srv.cfg.authFailure != "":
		return c.srv.cfg.authFailure + "\r\n"
	}
	return "535 5.7.8 Error: authentication failed\r\n"
}
