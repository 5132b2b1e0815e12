package mailsettingstest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCA(t *testing.T) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	verify := func(c *mailsettingstest.Cert, name string) error {
		_, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: ca.Pool()})
		return err
	}
	good, err := ca.Issue("imap.example.test", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(good, "imap.example.test"); err != nil {
		t.Errorf("good cert: %v", err)
	}
	if err := verify(good, "other.example.test"); err == nil {
		t.Errorf("good cert verified for another name")
	}
	expired, _ := ca.IssueExpired("imap.example.test")
	if err := verify(expired, "imap.example.test"); err == nil {
		t.Errorf("expired cert verified")
	}
	self, _ := mailsettingstest.SelfSigned("imap.example.test")
	if err := verify(self, "imap.example.test"); err == nil {
		t.Errorf("self-signed cert verified")
	}
	if _, err := tls.X509KeyPair(good.CertPEM, good.KeyPEM); err != nil {
		t.Errorf("PEM pair: %v", err)
	}
	if !strings.Contains(string(ca.PEM()), "BEGIN CERTIFICATE") {
		t.Errorf("PEM() = %q", ca.PEM())
	}
	if _, err := ca.Issue(); err == nil {
		t.Errorf("Issue() without names succeeded")
	}
}

func TestResolver(t *testing.T) {
	ctx := context.Background()
	r := &mailsettingstest.Resolver{
		Hosts: map[string][]string{"imap.example.test": {"127.0.0.1", "::1"}},
		MX:    map[string][]*net.MX{"example.test": {{Host: "mx.example.test.", Pref: 10}}},
		SRV:   map[string][]*net.SRV{"_imaps._tcp.example.test": {{Target: "imap.example.test.", Port: 993}}},
	}
	if a, err := r.LookupIPAddr(ctx, "IMAP.example.test."); err != nil || len(a) != 2 {
		t.Errorf("LookupIPAddr = %v, %v", a, err)
	}
	if mx, err := r.LookupMX(ctx, "example.test"); err != nil || mx[0].Host != "mx.example.test." {
		t.Errorf("LookupMX = %v, %v", mx, err)
	}
	if _, srv, err := r.LookupSRV(ctx, "imaps", "tcp", "example.test"); err != nil || srv[0].Port != 993 {
		t.Errorf("LookupSRV = %v, %v", srv, err)
	}
	_, err := r.LookupIPAddr(ctx, "nx.example.test")
	if de, ok := errors.AsType[*net.DNSError](err); !ok || !de.IsNotFound {
		t.Errorf("unknown name: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.LookupIPAddr(canceled, "imap.example.test"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestServerTranscript(t *testing.T) {
	srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.STARTTLS, mailsettingstest.WithUsers(map[string]string{"u": "p"}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := srv.Prober().CheckLogin(ctx, srv.Endpoint(), mailsettings.Credentials{Username: "u", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close() // twice is fine
	tr := srv.Transcript()
	if srv.Connections() != 1 || len(tr) != 2 || tr[0].AfterTLS || !tr[1].AfterTLS {
		t.Fatalf("connections %d, transcript:\n%s", srv.Connections(), tr)
	}
	if !strings.Contains(string(tr[0].Data), "STARTTLS") || !tr.Contains("AUTHENTICATE PLAIN") {
		t.Errorf("transcript:\n%s", tr)
	}
	if c := tr.CredentialCommands(); len(c) != 1 || !c[0].AfterTLS {
		t.Errorf("CredentialCommands = %v", c)
	}
}

func TestBlackholeDialer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := mailsettingstest.BlackholeDialer{}.DialContext(ctx, "tcp", "127.0.0.1:1")
	if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
		t.Errorf("err = %v, want a timeout", err)
	}
}

// A script can play any server, such as one that injects a response after
// the STARTTLS go-ahead.
func ExampleWithScript() {
	srv, _ := mailsettingstest.Start(mailsettings.SMTP, mailsettings.STARTTLS,
		mailsettingstest.WithScript(func(c *mailsettingstest.Conn) {
			c.Write("220 smtp.example.test ESMTP\r\n")
			for {
				line, err := c.ReadLine()
				if err != nil {
					return
				}
				switch {
				case strings.HasPrefix(line, "EHLO"):
					c.Write("250-smtp.example.test\r\n250 STARTTLS\r\n")
				case line == "STARTTLS":
					c.Write("220 go ahead\r\n250 AUTH PLAIN\r\n") // injected
				default:
					return
				}
			}
		}))
	defer srv.Close()
	_, err := srv.Prober().Probe(context.Background(), srv.Endpoint())
	fmt.Println(mailsettings.KindOf(err))
	// Output:
	// starttls_injection
}

func ExampleNewServer() {
	// In a test: srv := mailsettingstest.NewServer(t, mailsettings.POP3, mailsettings.ImplicitTLS)
	srv, _ := mailsettingstest.Start(mailsettings.POP3, mailsettings.ImplicitTLS)
	defer srv.Close()
	res, err := srv.Prober().Probe(context.Background(), srv.Endpoint())
	fmt.Println(err, res.Greeting, res.Verified)
	// Output:
	// <nil> +OK mailsettingstest POP3 ready true
}

// TestTranscriptCompleteAfterClose checks that Close does not cut a
// connection before the server has recorded what its client sent: bytes a
// client wrote just before hanging up, which the server had not read yet,
// must be in the transcript, or a "no credential was sent" check could
// pass wrongly.
func TestTranscriptCompleteAfterClose(t *testing.T) {
	for i := range 20 {
		srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.Plaintext,
			mailsettingstest.WithScript(func(c *mailsettingstest.Conn) { c.Pause(time.Hour) }))
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		for srv.Connections() == 0 {
			time.Sleep(time.Millisecond)
		}
		secret := fmt.Sprintf("a1 LOGIN alice secret-%d", i)
		if _, err := c.Write([]byte(secret + "\r\n")); err != nil {
			t.Fatal(err)
		}
		c.Close()
		srv.Close()
		if tr := srv.Transcript(); !tr.Contains(secret) {
			t.Fatalf("run %d: transcript lacks what the client sent before closing:\n%s", i, tr)
		}
	}
}

// TestRequireIMAPID: like NetEase, the server accepts the login and
// refuses SELECT and EXAMINE with "Unsafe Login" until the client sent ID.
func TestRequireIMAPID(t *testing.T) {
	srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, mailsettingstest.RequireIMAPID(), mailsettingstest.WithUsers(map[string]string{"u": "p"}))
	c, err := tls.Dial("tcp", srv.Addr(), &tls.Config{RootCAs: srv.CA.Pool(), ServerName: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	read := func(tag string) string {
		t.Helper()
		var got string
		for !strings.Contains(got, tag+" ") {
			n, err := c.Read(buf)
			if err != nil {
				t.Fatalf("read: %v (so far %q)", err, got)
			}
			got += string(buf[:n])
		}
		return got
	}
	read("*")
	for _, step := range []struct{ cmd, want string }{
		{"a1 EXAMINE INBOX", "a1 BAD"},
		{"a2 LOGIN u p", "a2 OK"},
		{"a3 SELECT INBOX", "a3 NO SELECT Unsafe Login"},
		{"a4 EXAMINE INBOX", "a4 NO EXAMINE Unsafe Login"},
		{`a5 ID ("name" "test")`, "a5 OK"},
		{"a6 EXAMINE INBOX", "a6 OK [READ-ONLY]"},
		{"a7 SELECT INBOX", "a7 OK [READ-WRITE]"},
	} {
		if _, err := c.Write([]byte(step.cmd + "\r\n")); err != nil {
			t.Fatal(err)
		}
		tag, _, _ := strings.Cut(step.cmd, " ")
		if got := read(tag); !strings.Contains(got, step.want) {
			t.Errorf("%s: got %q, want %q", step.cmd, got, step.want)
		}
	}
}
