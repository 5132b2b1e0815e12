package mailsettings_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// greetingProber returns srv's Prober with a long Timeout and a short
// greeting wait.
func greetingProber(srv *mailsettingstest.Server, wait time.Duration) *mailsettings.Prober {
	p := srv.Prober()
	p.Timeout = longWait
	p.GreetingTimeout = wait
	return p
}

// TestGreetingTimeoutDiagnosesModeMismatch: a STARTTLS or plaintext client
// on an implicit-TLS port, and a client facing a silent port, are
// diagnosed within the greeting wait, not at the end of the Timeout (a
// STARTTLS probe of an implicit-TLS port used to wait three quarters of
// it), and the fix names the right mode and port.
func TestGreetingTimeoutDiagnosesModeMismatch(t *testing.T) {
	const wait = 300 * time.Millisecond
	cases := []struct {
		name           string
		proto          mailsettings.Protocol
		server, client mailsettings.Encryption
		opts           []mailsettingstest.Option
		want           mailsettings.ErrorKind
		fix            []string // in the English fix
		fixZH          string
	}{
		{"imap/starttls-on-implicit", imap, itls, stls, nil, mailsettings.KindExpectedPlaintextGotTLS, []string{"implicit TLS", "port 143 with STARTTLS"}, "143端口并使用STARTTLS"},
		{"pop3/plain-on-implicit", pop3, itls, plain, nil, mailsettings.KindExpectedPlaintextGotTLS, []string{"implicit TLS", "port 110 with STARTTLS"}, "隐式TLS"},
		{"smtp/starttls-on-implicit", smtp, itls, stls, nil, mailsettings.KindExpectedPlaintextGotTLS, []string{"implicit TLS", "port 587 with STARTTLS"}, "587端口"},
		{"smtp/implicit-on-starttls", smtp, stls, itls, nil, mailsettings.KindExpectedTLSGotPlaintext, []string{"to STARTTLS", "port 465 with implicit TLS"}, "465端口并使用隐式TLS"},
		{"imap/silent", imap, plain, stls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, []string{"993 is implicit TLS"}, "993端口"},
		{"imap/silent-implicit", imap, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, []string{"993 is implicit TLS"}, "993端口"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, c.proto, c.server, c.opts...)
			p := greetingProber(srv, wait)
			e := srv.Endpoint()
			e.Encryption = c.client
			start := time.Now()
			_, err := p.Probe(context.Background(), e)
			took := time.Since(start)
			pe := wantKind(t, err, c.want)
			// Generous bounds relative to the configured times: at most
			// two greeting waits (the wait, then the check for TLS) and
			// far less than the Timeout.
			if took > p.Timeout/4 {
				t.Errorf("diagnosis took %v with a greeting wait of %v and a timeout of %v", took, wait, p.Timeout)
			}
			f := pe.Fix()
			for _, s := range c.fix {
				if !strings.Contains(f.String(), s) {
					t.Errorf("Fix() = %q, want %q in it", f.String(), s)
				}
			}
			if !strings.Contains(zhHans(f), c.fixZH) {
				t.Errorf("Fix() zh-Hans = %q, want %q in it", zhHans(f), c.fixZH)
			}
		})
	}
}

// TestGreetingTimeoutLeavesSlowGreeters: a server that greets after a
// pause shorter than the greeting wait is probed as usual.
func TestGreetingTimeoutLeavesSlowGreeters(t *testing.T) {
	srv := newServer(t, smtp, stls, mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
		if !c.Pause(300 * time.Millisecond) {
			return
		}
		dialogueSMTP(c)
	}))
	p := greetingProber(srv, 3*time.Second)
	res, err := p.Probe(context.Background(), srv.Endpoint())
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if res.Timing.Greeting < 300*time.Millisecond {
		t.Errorf("greeting after %v, want the server's pause", res.Timing.Greeting)
	}
}

// dialogueSMTP is a minimal STARTTLS submission dialogue for scripts.
func dialogueSMTP(c *mailsettingstest.Conn) {
	if c.Write("220 smtp.example.test ESMTP\r\n") != nil {
		return
	}
	for {
		l, err := c.ReadLine()
		if err != nil {
			return
		}
		switch w, _, _ := strings.Cut(strings.ToUpper(l), " "); w {
		case "EHLO":
			ext := "250-smtp.example.test\r\n250 STARTTLS\r\n"
			if c.TLS() {
				ext = "250-smtp.example.test\r\n250 AUTH PLAIN\r\n"
			}
			c.Write(ext)
		case "STARTTLS":
			if c.Write("220 go ahead\r\n") != nil || c.StartTLS() != nil {
				return
			}
		case "QUIT":
			c.Write("221 bye\r\n")
			return
		default:
			c.Write("502 no\r\n")
		}
	}
}

// TestMismatchQuotesGreeting: an implicit-TLS probe of a plaintext port
// quotes the server's whole first line, enough to recognise the server
// (only the 5 bytes of a TLS record header used to be quoted), even when
// the line arrives in two writes.
func TestMismatchQuotesGreeting(t *testing.T) {
	const greeting = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready."
	for _, split := range []bool{false, true} {
		name := map[bool]string{false: "one-write", true: "two-writes"}[split]
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, imap, stls, mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
				if !split {
					c.Write(greeting + "\r\n")
					return
				}
				if c.Write(greeting[:20]) != nil || !c.Pause(100*time.Millisecond) {
					return
				}
				c.Write(greeting[20:] + "\r\n")
			}))
			_, err := probe(t, srv, itls, longWait)
			pe := wantKind(t, err, mailsettings.KindExpectedTLSGotPlaintext)
			if pe.ServerText != greeting || !pe.ServerTextBeforeTLS {
				t.Errorf("ServerText = %q (before TLS %v), want %q", pe.ServerText, pe.ServerTextBeforeTLS, greeting)
			}
			if !strings.Contains(pe.Explanation().String(), "Dovecot ready.") {
				t.Errorf("Explanation() = %q", pe.Explanation())
			}
			if pe.Detected != imap {
				t.Errorf("Detected = %v", pe.Detected)
			}
		})
	}
}

// TestSTARTTLSFailedQuotesReply: the error a server sends instead of a TLS
// handshake after its go-ahead is quoted, marked as unauthenticated, and
// the failure is a broken STARTTLS (it used to be labelled an injection).
func TestSTARTTLSFailedQuotesReply(t *testing.T) {
	srv := newServer(t, pop3, stls, mailsettingstest.FailTLSAfterSTARTTLS("-ERR STARTTLS failed\r\n"))
	_, err := probe(t, srv, 0, longWait)
	pe := wantKind(t, err, mailsettings.KindSTARTTLSFailed)
	if pe.ServerText != "-ERR STARTTLS failed" || !pe.ServerTextBeforeTLS || pe.Step != mailsettings.Step("tls") {
		t.Errorf("ServerText %q, before TLS %v, step %s", pe.ServerText, pe.ServerTextBeforeTLS, pe.Step)
	}
	if x := pe.Explanation(); !strings.Contains(x.String(), "TLS setup is broken") || !strings.Contains(zhHans(x), "TLS配置有故障") {
		t.Errorf("Explanation() = %+v", x)
	}
}
