package mailsettings_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// The hostile-server fixtures (THREATS.md T1-T8, §2.4; EAST test cases).
// Every fixture is probed with credentials (CheckLogin), must end in the
// intended kind of error, and its transcript must show that no credential
// or mailbox command was ever sent.

const (
	hostileUser     = "alice@example.test"
	hostilePassword = "s3cret-Passw0rd"
)

// An exch is one scripted answer: when a command whose verb (the first
// word, or the second after an IMAP tag) is verb arrives, send reply
// ("{tag}" is the IMAP tag), then start TLS or close if asked.
type exch struct {
	verb  string
	reply string
	tls   bool
	close bool
}

// dialogue is a script that sends greeting and answers commands from ex;
// an unknown command ends it.
func dialogue(greeting string, ex ...exch) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		if greeting != "" && c.Write(greeting) != nil {
			return
		}
		for {
			line, err := c.ReadLine()
			if err != nil {
				return
			}
			words := strings.Fields(line)
			if len(words) == 0 {
				return
			}
			tag := words[0]
			var found *exch
			for i := range ex {
				if strings.EqualFold(words[0], ex[i].verb) || len(words) > 1 && strings.EqualFold(words[1], ex[i].verb) {
					found = &ex[i]
					break
				}
			}
			if found == nil {
				return
			}
			if c.Write(strings.ReplaceAll(found.reply, "{tag}", tag)) != nil {
				return
			}
			if found.close {
				c.Close()
				return
			}
			if found.tls && c.StartTLS() != nil {
				return
			}
		}
	})
}

// flood is a script that greets with greeting and answers the command verb
// with prefix and then an endless stream of line.
func flood(greeting, verb, prefix, line string) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		if greeting != "" && c.Write(greeting) != nil {
			return
		}
		for verb != "" {
			l, err := c.ReadLine()
			if err != nil {
				return
			}
			if w := strings.Fields(l); len(w) > 0 && (strings.EqualFold(w[0], verb) || len(w) > 1 && strings.EqualFold(w[1], verb)) {
				break
			}
		}
		if c.Write(prefix) != nil {
			return
		}
		block := strings.Repeat(line, 4096/len(line)+1)
		for range 1 << 12 { // at most ~16 MiB
			if c.Write(block) != nil {
				return
			}
		}
	})
}

// hangUp is a script that sends greeting and closes the connection.
func hangUp(greeting string) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		c.Write(greeting)
		c.Close()
	})
}

// hugeLine is a script that sends prefix followed by a 10 MiB line.
func hugeLine(prefix string) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		c.Write(prefix + strings.Repeat("A", 10<<20) + "\r\n")
	})
}

// drip is a script that sends greeting one byte every 200 ms, so that
// bytes keep coming but the greeting takes seconds: the probe's deadline
// must hold, however often bytes arrive.
func drip(greeting string) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		for i := range len(greeting) {
			if c.Write(greeting[i:i+1]) != nil || !c.Pause(200*time.Millisecond) {
				return
			}
		}
	})
}

// lateData is a script for a STARTTLS server that gives the go-ahead and
// then, in a later packet, sends plaintext instead of a TLS handshake.
func lateData(greeting, verb, goAhead, later string) mailsettingstest.Option {
	return mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		if c.Write(greeting) != nil {
			return
		}
		for {
			l, err := c.ReadLine()
			if err != nil {
				return
			}
			w := strings.Fields(l)
			if len(w) == 0 {
				return
			}
			switch {
			case strings.EqualFold(w[0], "CAPA"):
				c.Write("+OK\r\nSTLS\r\n.\r\n")
			case strings.EqualFold(w[0], "EHLO"):
				c.Write("250-x\r\n250 STARTTLS\r\n")
			case strings.EqualFold(w[0], verb) || len(w) > 1 && strings.EqualFold(w[1], verb):
				if c.Write(strings.ReplaceAll(goAhead, "{tag}", w[0])) != nil || !c.Pause(100*time.Millisecond) {
					return
				}
				c.Write(later)
				return
			default:
				c.Write(w[0] + " OK [CAPABILITY IMAP4rev1 STARTTLS] ok\r\n")
			}
		}
	})
}

// A fixture is one hostile server.
type fixture struct {
	name    string
	proto   mailsettings.Protocol
	server  mailsettings.Encryption // the server's mode
	client  mailsettings.Encryption // the probe's mode; 0 means the server's
	opts    []mailsettingstest.Option
	want    mailsettings.ErrorKind
	timeout time.Duration // the probe's deadline; 0 means longWait
}

const (
	imap   = mailsettings.IMAP
	pop3   = mailsettings.POP3
	smtp   = mailsettings.SMTP
	itls   = mailsettings.ImplicitTLS
	stls   = mailsettings.STARTTLS
	plain  = mailsettings.Plaintext
	short  = time.Second // the deadline of fixtures that must time out
	greetI = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"
	greetP = "+OK POP3 ready\r\n"
	greetS = "220 smtp.example.test ESMTP\r\n"
)

func opts(o ...mailsettingstest.Option) []mailsettingstest.Option { return o }

// hostileFixtures returns the fixtures; certificate fixtures need certs
// made with the test CA.
func hostileFixtures(t *testing.T) []fixture {
	fs := []fixture{
		// T1: STARTTLS response injection, extra lines in the same packet
		// as the go-ahead (EAST Buffering B_1..B_3).
		{"imap/inject-capability", imap, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-alert", imap, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("* OK [ALERT] suffix.\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-bye", imap, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("* BYE close\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-later-packet", imap, stls, 0, opts(lateData("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "STARTTLS", "{tag} OK go\r\n", "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-capa", pop3, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-binary", pop3, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("\x00\x01\x02\xffjunk")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-later-packet", pop3, stls, 0, opts(lateData(greetP, "STLS", "+OK go\r\n", "+OK fake\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"smtp/inject-ehlo", smtp, stls, 0, opts(mailsettingstest.InjectAfterSTARTTLS("250-example.org\r\n250 AUTH LOGIN\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"smtp/inject-later-packet", smtp, stls, 0, opts(lateData(greetS, "STARTTLS", "220 go\r\n", "250 AUTH PLAIN\r\n")), mailsettings.KindSTARTTLSInjection, 0},

		// The server's error reply to the handshake after the go-ahead: a
		// broken TLS setup, not an injection.
		{"pop3/starttls-failed", pop3, stls, 0, opts(mailsettingstest.FailTLSAfterSTARTTLS("-ERR STARTTLS failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"imap/starttls-failed", imap, stls, 0, opts(mailsettingstest.FailTLSAfterSTARTTLS("* BAD [ALERT] TLS initialization failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"imap/starttls-failed-no", imap, stls, 0, opts(mailsettingstest.FailTLSAfterSTARTTLS("* NO [UNAVAILABLE] TLS failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"smtp/starttls-failed", smtp, stls, 0, opts(mailsettingstest.FailTLSAfterSTARTTLS("454 4.7.0 TLS not available due to local problem\r\n")), mailsettings.KindSTARTTLSFailed, 0},

		// T3: STARTTLS refused or not offered; never continue in plaintext.
		{"imap/starttls-no", imap, stls, 0, opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-bad", imap, stls, 0, opts(mailsettingstest.WithSTARTTLSReply("{tag} BAD no\r\n")), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-continue", imap, stls, 0, opts(mailsettingstest.WithSTARTTLSReply("+ continue with something.\r\n")), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-hidden", imap, stls, 0, opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/starttls-hidden-no-greeting-caps", imap, stls, 0, opts(mailsettingstest.HideSTARTTLS(), mailsettingstest.WithGreeting("* OK ready\r\n")), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/imap4-only", imap, stls, 0, opts(dialogue("* OK ready\r\n", exch{verb: "CAPABILITY", reply: "* CAPABILITY IMAP4\r\n{tag} OK\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/bye-before-starttls-ok", imap, stls, 0, opts(dialogue(greetI, exch{verb: "STARTTLS", reply: "* BYE going away\r\n", close: true})), mailsettings.KindServiceRefused, 0},
		{"pop3/stls-err", pop3, stls, 0, opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"pop3/stls-hidden", pop3, stls, 0, opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"pop3/capa-err", pop3, stls, 0, opts(dialogue(greetP, exch{verb: "CAPA", reply: "-ERR no CAPA\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"pop3/stls-garbage", pop3, stls, 0, opts(dialogue(greetP, exch{verb: "CAPA", reply: "+OK\r\nSTLS\r\n.\r\n"}, exch{verb: "STLS", reply: "hello\r\n"})), mailsettings.KindProtocolError, 0},
		{"smtp/starttls-454", smtp, stls, 0, opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"smtp/starttls-hidden", smtp, stls, 0, opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"smtp/ehlo-500-helo-only", smtp, stls, 0, opts(dialogue(greetS, exch{verb: "EHLO", reply: "500 5.5.1 unknown\r\n"}, exch{verb: "HELO", reply: "250 ok\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"smtp/ehlo-421", smtp, stls, 0, opts(dialogue(greetS, exch{verb: "EHLO", reply: "421 4.3.2 shutting down\r\n", close: true})), mailsettings.KindServiceRefused, 0},
		{"smtp/multiline-mismatch", smtp, stls, 0, opts(dialogue(greetS, exch{verb: "EHLO", reply: "250-x\r\n251 STARTTLS\r\n"})), mailsettings.KindProtocolError, 0},

		// T4: PREAUTH in plaintext.
		{"imap/preauth-plaintext", imap, stls, 0, opts(mailsettingstest.WithGreeting("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")), mailsettings.KindPreauthPlaintext, 0},

		// T5: bad greetings.
		{"imap/garbage-greeting", imap, stls, 0, opts(mailsettingstest.WithGreeting("1Gdo00V4 wFaIW2WP\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/tagged-greeting", imap, stls, 0, opts(mailsettingstest.WithGreeting("a OK hi\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/bad-greeting", imap, stls, 0, opts(mailsettingstest.WithGreeting("* BAD\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/empty-greeting", imap, stls, 0, opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/bye-greeting", imap, stls, 0, opts(mailsettingstest.WithGreeting("* BYE shutting down\r\n")), mailsettings.KindServiceRefused, 0},
		{"imap/bye-greeting-tls", imap, itls, 0, opts(mailsettingstest.WithGreeting("* BYE too many connections\r\n")), mailsettings.KindServiceRefused, 0},
		{"imap/smtp-banner", imap, stls, 0, opts(mailsettingstest.WithGreeting("220 smtp.example.test ESMTP\r\n")), mailsettings.KindWrongProtocol, 0},
		{"imap/pop3-banner", imap, plain, 0, opts(mailsettingstest.WithGreeting("+OK POP3 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"imap/capability-no", imap, itls, 0, opts(dialogue("* OK hi\r\n", exch{verb: "CAPABILITY", reply: "{tag} NO not now\r\n"})), mailsettings.KindProtocolError, 0},
		{"imap/close-after-greeting", imap, itls, 0, opts(hangUp("* OK hi\r\n")), mailsettings.KindConnectionClosed, 0},
		{"imap/close-at-once", imap, plain, stls, opts(hangUp("")), mailsettings.KindConnectionClosed, 0},
		{"pop3/err-greeting", pop3, stls, 0, opts(mailsettingstest.WithGreeting("-ERR POP3 server ready. <1896.697170952@example.org>\r\n")), mailsettings.KindServiceRefused, 0},
		{"pop3/garbage-greeting", pop3, stls, 0, opts(mailsettingstest.WithGreeting("1Gdo00V4 wFaIW2WP\r\n")), mailsettings.KindProtocolError, 0},
		{"pop3/empty-greeting", pop3, itls, 0, opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"pop3/imap-banner", pop3, stls, 0, opts(mailsettingstest.WithGreeting("* OK IMAP4rev1 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"pop3/smtp-banner", pop3, itls, 0, opts(mailsettingstest.WithGreeting("220 smtp.example.test ESMTP\r\n")), mailsettings.KindWrongProtocol, 0},
		{"smtp/421-greeting", smtp, stls, 0, opts(mailsettingstest.WithGreeting("421 4.3.2 try later\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/554-greeting", smtp, itls, 0, opts(mailsettingstest.WithGreeting("554 5.7.1 no service for you\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/554-multiline-greeting", smtp, stls, 0, opts(mailsettingstest.WithGreeting("554-no\r\n554 service\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/500-greeting", smtp, stls, 0, opts(mailsettingstest.WithGreeting("500 what\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/garbage-greeting", smtp, stls, 0, opts(mailsettingstest.WithGreeting("SSH-2.0-OpenSSH_9.2\r\n")), mailsettings.KindProtocolError, 0},
		{"smtp/empty-greeting", smtp, plain, 0, opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"smtp/imap-banner", smtp, stls, 0, opts(mailsettingstest.WithGreeting("* OK IMAP4rev1 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"smtp/pop3-banner", smtp, itls, 0, opts(mailsettingstest.WithGreeting("+OK POP3 ready\r\n")), mailsettings.KindWrongProtocol, 0},

		// Bounds: huge lines, endless responses.
		{"imap/10MiB-greeting", imap, stls, 0, opts(hugeLine("* OK ")), mailsettings.KindResponseTooLong, 0},
		{"imap/10MiB-greeting-tls", imap, itls, 0, opts(hugeLine("* OK ")), mailsettings.KindResponseTooLong, 0},
		{"imap/endless-capability", imap, itls, 0, opts(flood("* OK hi\r\n", "CAPABILITY", "", "* CAPABILITY IMAP4rev1 X\r\n")), mailsettings.KindResponseTooLong, 0},
		{"imap/endless-literal", imap, itls, 0, opts(flood("* OK hi\r\n", "CAPABILITY", "* CAPABILITY {999999999}\r\n", "AAAAAAAA")), mailsettings.KindResponseTooLong, 0},
		{"pop3/10MiB-greeting", pop3, stls, 0, opts(hugeLine("+OK ")), mailsettings.KindResponseTooLong, 0},
		{"pop3/endless-capa", pop3, itls, 0, opts(flood(greetP, "CAPA", "+OK\r\n", "X-CAP\r\n")), mailsettings.KindResponseTooLong, 0},
		{"smtp/10MiB-greeting", smtp, stls, 0, opts(hugeLine("220 ")), mailsettings.KindResponseTooLong, 0},
		{"smtp/endless-250", smtp, stls, 0, opts(flood(greetS, "EHLO", "", "250-X\r\n")), mailsettings.KindResponseTooLong, 0},
		{"smtp/endless-220-greeting", smtp, itls, 0, opts(flood("220-hi\r\n", "", "", "220-hello\r\n")), mailsettings.KindResponseTooLong, 0},

		// Silent and slow servers.
		{"imap/never-greets", imap, stls, 0, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"imap/never-handshakes", imap, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"imap/drip", imap, stls, 0, opts(drip(greetI)), mailsettings.KindGreetingTimeout, short},
		{"pop3/never-greets", pop3, plain, 0, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"pop3/never-handshakes", pop3, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"pop3/drip", pop3, stls, 0, opts(drip(greetP)), mailsettings.KindGreetingTimeout, short},
		{"smtp/never-greets", smtp, stls, 0, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"smtp/never-handshakes", smtp, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"smtp/drip", smtp, stls, 0, opts(drip(greetS)), mailsettings.KindGreetingTimeout, short},
		{"smtp/silent-after-ehlo", smtp, itls, 0, opts(dialogue(greetS, exch{verb: "EHLO", reply: "250-x\r\n"})), mailsettings.KindTimeout, 3 * time.Second},
	}
	for _, c := range []struct {
		code string
		want mailsettings.ErrorKind
	}{
		{"502 5.5.1 no", mailsettings.KindSTARTTLSRefused}, {"501 5.5.4 syntax", mailsettings.KindSTARTTLSRefused},
		{"354 go ahead", mailsettings.KindSTARTTLSRefused}, {"530 5.7.0 auth first", mailsettings.KindSTARTTLSRefused},
		{"221 bye", mailsettings.KindSTARTTLSRefused}, {"500 5.5.2 what", mailsettings.KindSTARTTLSRefused},
	} {
		fs = append(fs, fixture{"smtp/starttls-" + c.code[:3], smtp, stls, 0, opts(mailsettingstest.WithSTARTTLSReply(c.code + "\r\n")), c.want, 0})
	}

	// T7, T8: certificates and TLS versions, for implicit TLS and STARTTLS.
	otherCA, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	must := func(c *mailsettingstest.Cert, err error) *mailsettingstest.Cert {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, p := range protocols {
		host := strings.ToLower(p.String()) + ".example.test"
		certs := []struct {
			name string
			opt  mailsettingstest.Option
			want mailsettings.ErrorKind
		}{
			{"self-signed", mailsettingstest.WithCert(must(mailsettingstest.SelfSigned(host))), mailsettings.KindCertUntrusted},
			{"unknown-ca", mailsettingstest.WithCert(must(otherCA.Issue(host))), mailsettings.KindCertUntrusted},
			{"wrong-name", mailsettingstest.WithCert(must(testCA.Issue("other.example.test"))), mailsettings.KindCertNameMismatch},
			{"expired", mailsettingstest.WithCert(must(testCA.IssueExpired(host))), mailsettings.KindCertExpired},
			{"tls1.1-only", mailsettingstest.WithMaxTLSVersion(tls.VersionTLS11), mailsettings.KindTLSVersion},
		}
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			for _, c := range certs {
				fs = append(fs, fixture{strings.ToLower(p.String()) + "/" + c.name + "/" + enc.String(), p, enc, 0, opts(c.opt), c.want, 0})
			}
		}
	}
	fs = append(fs,
		fixture{"imap/wildcard-too-deep", imap, itls, 0, opts(mailsettingstest.WithHost("a.b.example.test"), mailsettingstest.WithCert(must(testCA.Issue("*.example.test")))), mailsettings.KindCertNameMismatch, 0},
		fixture{"imap/partial-wildcard", imap, itls, 0, opts(mailsettingstest.WithHost("foo.example.test"), mailsettingstest.WithCert(must(testCA.Issue("f*o.example.test")))), mailsettings.KindCertNameMismatch, 0},
	)
	return fs
}

func TestHostileServers(t *testing.T) {
	fs := hostileFixtures(t)
	if len(fs) < 60 {
		t.Errorf("%d hostile fixtures, want at least 60", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.name] {
			t.Fatalf("fixture %q listed twice", f.name)
		}
		seen[f.name] = true
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, f.proto, f.server, f.opts...)
			e := srv.Endpoint()
			if f.client != 0 {
				e.Encryption = f.client
			}
			d := f.timeout
			if d == 0 {
				d = longWait
			}
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			res, err := srv.Prober().CheckLogin(ctx, e, mailsettings.Credentials{Username: hostileUser, Password: hostilePassword})
			if el := time.Since(start); el > d+5*time.Second {
				t.Errorf("probe took %v with a deadline of %v", el, d)
			}
			pe := wantKind(t, err, f.want)
			if res == nil || res.Login != nil {
				t.Errorf("result %+v: a login happened", res)
			}
			checkSanitized(t, pe.ServerText)
			if res != nil {
				checkSanitized(t, res.Greeting)
			}
			if f.want == mailsettings.KindSTARTTLSInjection && res != nil {
				if len(res.Capabilities) > 0 || len(res.AuthMechanisms) > 0 {
					t.Errorf("capabilities reported after an injection: %v %v", res.Capabilities, res.AuthMechanisms)
				}
			}
			srv.Close()
			checkNoCredentials(t, srv.Transcript())
		})
	}
}

// checkNoCredentials fails if the transcript holds a credential, a login
// command or a mailbox command.
func checkNoCredentials(t *testing.T, tr mailsettingstest.Transcript) {
	t.Helper()
	if cmds := tr.CredentialCommands(); len(cmds) > 0 {
		t.Errorf("login or mailbox commands were sent: %v\ntranscript:\n%s", cmds, tr)
	}
	plainIR := base64.StdEncoding.EncodeToString([]byte("\x00" + hostileUser + "\x00" + hostilePassword))
	for _, secret := range []string{hostilePassword, plainIR, base64.StdEncoding.EncodeToString([]byte(hostilePassword))} {
		if tr.Contains(secret) {
			t.Errorf("the credential was sent:\n%s", tr)
		}
	}
}

// checkSanitized fails if server text holds control characters or is too
// long.
func checkSanitized(t *testing.T, s string) {
	t.Helper()
	if len(s) > 600 {
		t.Errorf("server text of %d bytes, want at most ~512", len(s))
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			t.Errorf("server text %q has control character %U", s, r)
			return
		}
	}
}
