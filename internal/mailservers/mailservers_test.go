package mailservers

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/mailsettingstest"
)

const (
	testUser     = "alice@example.test"
	testPassword = "s3cret: with spaces & colons"
)

// conn is a line-oriented client connection for IMAP and POP3.
type conn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialPlain(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &conn{t: t, c: c, br: bufio.NewReader(c)}
}

func dialTLS(t *testing.T, addr string, cfg *tls.Config) *conn {
	t.Helper()
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("TLS dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	checkTLS(t, c)
	return &conn{t: t, c: c, br: bufio.NewReader(c)}
}

// startTLS upgrades the connection after a successful STARTTLS/STLS reply.
func (c *conn) startTLS(cfg *tls.Config) {
	c.t.Helper()
	if c.br.Buffered() != 0 {
		c.t.Fatalf("%d bytes buffered before the TLS handshake", c.br.Buffered())
	}
	tc := tls.Client(c.c, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("STARTTLS handshake: %v", err)
	}
	checkTLS(c.t, tc)
	c.c = tc
	c.br = bufio.NewReader(tc)
}

func checkTLS(t *testing.T, c *tls.Conn) {
	t.Helper()
	st := c.ConnectionState()
	if st.Version < tls.VersionTLS12 {
		t.Errorf("TLS version %s, want >= TLS 1.2", tls.VersionName(st.Version))
	}
	if len(st.VerifiedChains) == 0 {
		t.Error("server certificate was not verified")
	}
}

func (c *conn) send(line string) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.c, "%s\r\n", line); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
}

func (c *conn) readLine() string {
	c.t.Helper()
	line, err := c.br.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v (partial %q)", err, line)
	}
	return strings.TrimRight(line, "\r\n")
}

// imapCmd sends "tag cmd" and returns the untagged lines and the tagged
// status line.
func (c *conn) imapCmd(tag, cmd string) (untagged []string, status string) {
	c.t.Helper()
	c.send(tag + " " + cmd)
	for {
		line := c.readLine()
		if strings.HasPrefix(line, tag+" ") {
			return untagged, line
		}
		untagged = append(untagged, line)
	}
}

// pop3Multi sends cmd and reads a "+OK" multi-line answer up to ".".
func (c *conn) pop3Multi(cmd string) []string {
	c.t.Helper()
	c.send(cmd)
	if first := c.readLine(); !strings.HasPrefix(first, "+OK") {
		c.t.Fatalf("%s: %q", cmd, first)
	}
	var lines []string
	for {
		line := c.readLine()
		if line == "." {
			return lines
		}
		lines = append(lines, line)
	}
}

func (c *conn) expect(prefix string) string {
	c.t.Helper()
	line := c.readLine()
	if !strings.HasPrefix(line, prefix) {
		c.t.Fatalf("got %q, want prefix %q", line, prefix)
	}
	return line
}

func imapCapabilities(t *testing.T, c *conn) string {
	t.Helper()
	untagged, status := c.imapCmd("c1", "CAPABILITY")
	if !strings.HasPrefix(status, "c1 OK") {
		t.Fatalf("CAPABILITY: %q", status)
	}
	for _, l := range untagged {
		if strings.HasPrefix(l, "* CAPABILITY ") {
			return l
		}
	}
	t.Fatalf("no CAPABILITY line in %q", untagged)
	return ""
}

func imapLogin(t *testing.T, c *conn) {
	t.Helper()
	if _, st := c.imapCmd("l0", fmt.Sprintf("LOGIN %q %q", testUser, "wrong password")); !strings.HasPrefix(st, "l0 NO") {
		t.Errorf("LOGIN with a wrong password: %q, want NO", st)
	}
	if _, st := c.imapCmd("l1", fmt.Sprintf("LOGIN %q %q", testUser, testPassword)); !strings.HasPrefix(st, "l1 OK") {
		t.Fatalf("LOGIN: %q", st)
	}
	if _, st := c.imapCmd("l2", "SELECT INBOX"); !strings.HasPrefix(st, "l2 OK") {
		t.Fatalf("SELECT INBOX: %q", st)
	}
	if _, st := c.imapCmd("l3", "LOGOUT"); !strings.HasPrefix(st, "l3 OK") {
		t.Errorf("LOGOUT: %q", st)
	}
}

func checkPOP3Capa(t *testing.T, c *conn, afterTLS bool) {
	t.Helper()
	capa := strings.Join(c.pop3Multi("CAPA"), " ")
	for _, want := range []string{"USER", "SASL", "UIDL"} {
		if !strings.Contains(capa, want) {
			t.Errorf("CAPA %q lacks %s", capa, want)
		}
	}
	if afterTLS && strings.Contains(capa, "STLS") {
		t.Errorf("CAPA after TLS still offers STLS: %q", capa)
	}
}

func pop3Login(t *testing.T, c *conn) {
	t.Helper()
	c.send("USER " + testUser)
	c.expect("+OK")
	c.send("PASS " + testPassword)
	c.expect("+OK")
	c.send("STAT")
	c.expect("+OK 0 0")
	c.send("QUIT")
	c.expect("+OK")
}

func checkEHLOAfterTLS(t *testing.T, c *smtp.Client) {
	t.Helper()
	if ok, _ := c.Extension("PIPELINING"); !ok {
		t.Error("EHLO after TLS does not list PIPELINING")
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("EHLO after TLS still offers STARTTLS")
	}
	if _, ok := c.TLSConnectionState(); !ok {
		t.Error("SMTP client not on TLS")
	}
	if err := c.Quit(); err != nil {
		t.Errorf("QUIT: %v", err)
	}
}

func TestRealServers(t *testing.T) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := cert.CertPEM, cert.KeyPEM
	tlsConfig := func() *tls.Config {
		return &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}
	}

	start := time.Now()
	dc := StartDovecot(t, certPEM, keyPEM, map[string]string{testUser: testPassword, "bob": "other"})
	t.Logf("dovecot ready in %v: imap %s imaps %s pop3 %s pop3s %s",
		time.Since(start).Round(time.Millisecond), dc.IMAP, dc.IMAPS, dc.POP3, dc.POP3S)
	start = time.Now()
	pf := StartPostfix(t, certPEM, keyPEM)
	t.Logf("postfix ready in %v: submission %s submissions %s",
		time.Since(start).Round(time.Millisecond), pf.Submission, pf.Submissions)

	t.Run("IMAP_STARTTLS", func(t *testing.T) {
		c := dialPlain(t, dc.IMAP)
		greeting := c.expect("* OK")
		if !strings.Contains(greeting, "STARTTLS") {
			t.Errorf("greeting does not offer STARTTLS: %q", greeting)
		}
		if _, st := c.imapCmd("s", "STARTTLS"); !strings.HasPrefix(st, "s OK") {
			t.Fatalf("STARTTLS: %q", st)
		}
		c.startTLS(tlsConfig())
		capa := imapCapabilities(t, c)
		if !strings.Contains(capa, "IMAP4rev1") || !strings.Contains(capa, "AUTH=PLAIN") {
			t.Errorf("capabilities after TLS: %q", capa)
		}
		if strings.Contains(capa, "STARTTLS") {
			t.Errorf("STARTTLS still offered after TLS: %q", capa)
		}
		imapLogin(t, c)
	})
	t.Run("IMAPS", func(t *testing.T) {
		c := dialTLS(t, dc.IMAPS, tlsConfig())
		c.expect("* OK")
		if capa := imapCapabilities(t, c); !strings.Contains(capa, "IMAP4rev1") {
			t.Errorf("capabilities: %q", capa)
		}
		imapLogin(t, c)
	})
	t.Run("POP3_STLS", func(t *testing.T) {
		c := dialPlain(t, dc.POP3)
		c.expect("+OK")
		if capa := strings.Join(c.pop3Multi("CAPA"), " "); !strings.Contains(capa, "STLS") {
			t.Errorf("CAPA before TLS does not offer STLS: %q", capa)
		}
		c.send("STLS")
		c.expect("+OK")
		c.startTLS(tlsConfig())
		checkPOP3Capa(t, c, true)
		pop3Login(t, c)
	})
	t.Run("POP3S", func(t *testing.T) {
		c := dialTLS(t, dc.POP3S, tlsConfig())
		c.expect("+OK")
		checkPOP3Capa(t, c, true)
		pop3Login(t, c)
	})
	t.Run("Submission_STARTTLS", func(t *testing.T) {
		nc, err := net.DialTimeout("tcp", pf.Submission, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		c, err := smtp.NewClient(nc, "localhost")
		if err != nil {
			t.Fatalf("greeting: %v", err)
		}
		if err := c.Hello("client.example.test"); err != nil {
			t.Fatalf("EHLO: %v", err)
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			t.Fatal("EHLO does not offer STARTTLS")
		}
		if err := c.Mail("a@example.test"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("MAIL before STARTTLS: %v, want refusal demanding STARTTLS", err)
		}
		if err := c.StartTLS(tlsConfig()); err != nil {
			t.Fatalf("STARTTLS: %v", err)
		}
		if st, _ := c.TLSConnectionState(); len(st.VerifiedChains) == 0 || st.Version < tls.VersionTLS12 {
			t.Errorf("TLS state: version %x, %d verified chains", st.Version, len(st.VerifiedChains))
		}
		checkEHLOAfterTLS(t, c)
	})
	t.Run("Submissions", func(t *testing.T) {
		tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", pf.Submissions, tlsConfig())
		if err != nil {
			t.Fatalf("TLS dial: %v", err)
		}
		defer tc.Close()
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		checkTLS(t, tc)
		c, err := smtp.NewClient(tc, "localhost")
		if err != nil {
			t.Fatalf("greeting: %v", err)
		}
		if err := c.Hello("client.example.test"); err != nil {
			t.Fatalf("EHLO: %v", err)
		}
		checkEHLOAfterTLS(t, c)
	})
}
