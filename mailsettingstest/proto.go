package mailsettingstest

import (
	"encoding/base64"
	"io"
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

// mechanisms returns the SASL mechanisms the server offers.
func (c *Conn) mechanisms() []string {
	if m := c.srv.cfg.mechs; m != nil {
		return m
	}
	if c.srv.Protocol == mailsettings.SMTP {
		return []string{"PLAIN", "LOGIN", "XOAUTH2"}
	}
	return []string{"PLAIN", "XOAUTH2"}
}

// offers reports whether the server offers the SASL mechanism mech.
func (c *Conn) offers(mech string) bool { return slicesContainsFold(c.mechanisms(), mech) }

// saslCheck checks a PLAIN, XOAUTH2 or OAUTHBEARER initial response.
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
	case "OAUTHBEARER":
		// RFC 7628, 3.1: "n,a=USER," then key=value pairs after 0x01.
		header, kvs, ok := strings.Cut(string(raw), "\x01")
		if !ok || !strings.HasPrefix(header, "n,a=") || !strings.HasSuffix(header, ",") {
			return false
		}
		user := strings.NewReplacer("=2C", ",", "=3D", "=").Replace(strings.TrimSuffix(strings.TrimPrefix(header, "n,a="), ","))
		var token string
		for f := range strings.SplitSeq(kvs, "\x01") {
			if t, ok := strings.CutPrefix(f, "auth=Bearer "); ok {
				token = t
			}
		}
		return c.checkToken(user, token)
	}
	return false
}

// saslRun runs a SASL exchange for mech with the initial response ir (""
// for none), asking for more with prompt (which writes a challenge and
// reads the answer). done is true if the connection failed.
func (c *Conn) saslRun(mech, ir string, prompt func(challenge string) (string, bool)) (ok, done bool) {
	mech = strings.ToUpper(mech)
	switch mech {
	case "PLAIN", "XOAUTH2", "OAUTHBEARER":
		if ir == "" {
			var good bool
			if ir, good = prompt(""); !good {
				return false, true
			}
		}
		ok = c.saslCheck(mech, ir)
		if !ok && mech != "PLAIN" && c.srv.cfg.authFailure == "" {
			// Google's error challenge, answered by an empty line
			// (XOAUTH2) or 0x01 (OAUTHBEARER, RFC 7628 3.2.3).
			if _, good := prompt(xoauth2Error); !good {
				return false, true
			}
		}
		return ok, false
	case "LOGIN":
		u, good := prompt(base64.StdEncoding.EncodeToString([]byte("Username:")))
		if !good {
			return false, true
		}
		p, good := prompt(base64.StdEncoding.EncodeToString([]byte("Password:")))
		if !good {
			return false, true
		}
		ub, _ := base64.StdEncoding.DecodeString(u)
		pb, _ := base64.StdEncoding.DecodeString(p)
		return c.checkPassword(string(ub), string(pb)), false
	}
	return false, false
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
	if cfg.tlsFailReply != nil {
		// Read the start of the ClientHello, answer it in plaintext and
		// hang up.
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c.br, buf); err == nil {
			c.Write(*cfg.tlsFailReply)
		}
		c.Close()
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
		for _, m := range c.mechanisms() {
			caps = append(caps, "AUTH="+m)
		}
		if c.srv.cfg.onlySASL {
			caps = append(caps, "LOGINDISABLED")
		}
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
			if cfg.onlySASL {
				reply = tag + " NO [PRIVACYREQUIRED] Plaintext authentication disallowed\r\n"
				break
			}
			user, pass := imapArgs(args)
			reply = c.imapAuthResult(tag, c.checkPassword(user, pass))
		case "AUTHENTICATE":
			mech, ir, _ := strings.Cut(args, " ")
			if !c.loginAllowed() {
				reply = c.imapAuthResult(tag, false)
				break
			}
			if !c.offers(mech) {
				reply = tag + " NO [CANNOT] Unsupported authentication mechanism\r\n"
				break
			}
			ok, done := c.saslRun(mech, ir, func(ch string) (string, bool) {
				if c.Write("+ "+ch+"\r\n") != nil {
					return "", false
				}
				l, err := c.ReadLine()
				return l, err == nil
			})
			if done {
				return
			}
			reply = c.imapAuthResult(tag, ok)
		case "SELECT", "EXAMINE":
			switch {
			case !c.authed:
				reply = tag + " BAD Not authenticated\r\n"
			case cfg.requireID && !c.sentID:
				reply = tag + " NO " + strings.ToUpper(cmd) + " Unsafe Login. Please contact kefu@188.com for help\r\n"
			default:
				reply = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 0 EXISTS\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n" +
					tag + " OK [READ-" + map[bool]string{true: "ONLY", false: "WRITE"}[strings.EqualFold(cmd, "EXAMINE")] + "] " + strings.ToUpper(cmd) + " completed\r\n"
			}
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
	case ok:
		c.authed = true
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
		if !c.srv.cfg.onlySASL {
			caps = append(caps, "USER")
		}
		caps = append(caps, "SASL "+strings.Join(c.mechanisms(), " "))
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
		case "USER", "PASS":
			switch {
			case !c.loginAllowed():
				reply = "-ERR [AUTH] Plaintext authentication disallowed\r\n"
			case cfg.onlySASL:
				reply = "-ERR [AUTH] Unsupported authentication mechanism.\r\n"
			case strings.EqualFold(cmd, "USER"):
				user = args
				reply = "+OK\r\n"
			default:
				reply = c.pop3AuthResult(c.checkPassword(user, args))
			}
		case "AUTH":
			mech, ir, _ := strings.Cut(args, " ")
			if !c.loginAllowed() {
				reply = c.pop3AuthResult(false)
				break
			}
			if !c.offers(mech) {
				reply = "-ERR [AUTH] Unsupported authentication mechanism.\r\n"
				break
			}
			ok, done := c.saslRun(mech, ir, func(ch string) (string, bool) {
				if c.Write("+ "+ch+"\r\n") != nil {
					return "", false
				}
				l, err := c.ReadLine()
				return l, err == nil
			})
			if done {
				return
			}
			reply = c.pop3AuthResult(ok)
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
		ext = append(ext, "AUTH "+strings.Join(c.mechanisms(), " "))
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
			if mech, _, _ := strings.Cut(args, " "); !c.offers(mech) {
				reply = "504 5.5.4 Unrecognized authentication type\r\n"
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
	return c.saslRun(mech, ir, func(ch string) (string, bool) {
		if c.Write("334 "+ch+"\r\n") != nil {
			return "", false
		}
		l, err := c.ReadLine()
		return l, err == nil
	})
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
