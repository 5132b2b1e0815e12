package mailsettings_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

var (
	protocols   = []mailsettings.Protocol{mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP}
	encryptions = []mailsettings.Encryption{mailsettings.ImplicitTLS, mailsettings.STARTTLS, mailsettings.Plaintext}
)

// longWait is the deadline of a probe that should not time out. It is
// long so that a slow or loaded machine cannot make a test fail; a working
// probe ends far sooner.
const longWait = 30 * time.Second

// testCA is shared by the tests of this package; it is made once.
var testCA = func() *mailsettingstest.CA {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		panic(err)
	}
	return ca
}()

// newServer starts a test server signed by testCA.
func newServer(t *testing.T, p mailsettings.Protocol, e mailsettings.Encryption, opts ...mailsettingstest.Option) *mailsettingstest.Server {
	t.Helper()
	return mailsettingstest.NewServer(t, p, e, append([]mailsettingstest.Option{mailsettingstest.WithCA(testCA)}, opts...)...)
}

// probe probes srv's endpoint with encryption enc (0 means the server's),
// with a deadline of d.
func probe(t *testing.T, srv *mailsettingstest.Server, enc mailsettings.Encryption, d time.Duration) (*mailsettings.ProbeResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	e := srv.Endpoint()
	if enc != "" {
		e.Encryption = enc
	}
	res, err := srv.Prober().Probe(ctx, e)
	if res == nil {
		t.Fatalf("Probe(%v) returned a nil result", e)
	}
	return res, err
}

// wantKind checks that err is a *ProbeError of kind k that matches k's
// sentinel.
func wantKind(t *testing.T, err error, k mailsettings.ErrorKind) *mailsettings.ProbeError {
	t.Helper()
	pe, ok := errors.AsType[*mailsettings.ProbeError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want a *ProbeError of kind %s", err, err, k)
	}
	if pe.Kind != k {
		t.Fatalf("error kind = %s, want %s; error: %v", pe.Kind, k, err)
	}
	if !errors.Is(err, k) {
		t.Errorf("errors.Is(err, %s.Err()) = false", k)
	}
	if pe.Explanation().String() == "" || zhHans(pe.Explanation()) == "" || pe.Fix().String() == "" || zhHans(pe.Fix()) == "" {
		t.Errorf("kind %s: empty explanation or fix", k)
	}
	return pe
}

func TestProbeEachProtocolAndMode(t *testing.T) {
	for _, p := range protocols {
		for _, enc := range encryptions {
			t.Run(string(p)+"/"+string(enc), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc)
				res, err := probe(t, srv, "", longWait)
				if err != nil {
					t.Fatalf("Probe: %v", err)
				}
				if res.Greeting == "" {
					t.Errorf("no greeting")
				}
				if res.GreetingBeforeTLS != (enc != mailsettings.ImplicitTLS) {
					t.Errorf("GreetingBeforeTLS = %v for %v", res.GreetingBeforeTLS, enc)
				}
				if len(res.Capabilities) == 0 {
					t.Errorf("no capabilities")
				}
				if res.Addr != srv.Addr() {
					t.Errorf("Addr = %q, want %q", res.Addr, srv.Addr())
				}
				if enc == mailsettings.Plaintext {
					if res.TLSVersion != 0 || res.Certificate != nil || !res.CapabilitiesBeforeTLS {
						t.Errorf("plaintext probe: TLS %x, cert %v, caps before TLS %v", res.TLSVersion, res.Certificate, res.CapabilitiesBeforeTLS)
					}
					return
				}
				if res.TLSVersion < tls.VersionTLS12 || tls.CipherSuiteName(res.CipherSuite) == "" || !res.Verified {
					t.Errorf("TLS %s %s verified=%v", tls.VersionName(res.TLSVersion), tls.CipherSuiteName(res.CipherSuite), res.Verified)
				}
				if res.Certificate == nil || !slices.Contains(res.Certificate.DNSNames, srv.Host) {
					t.Errorf("certificate %+v, want one for %s", res.Certificate, srv.Host)
				}
				if res.CapabilitiesBeforeTLS {
					t.Errorf("CapabilitiesBeforeTLS = true after TLS")
				}
				if !slices.Contains(res.AuthMechanisms, "PLAIN") {
					t.Errorf("AuthMechanisms = %v, want PLAIN", res.AuthMechanisms)
				}
				for _, c := range res.Capabilities {
					if strings.EqualFold(c, "STARTTLS") || strings.EqualFold(c, "STLS") || strings.EqualFold(c, "LOGINDISABLED") {
						t.Errorf("capability %q from before TLS reported after TLS: %v", c, res.Capabilities)
					}
				}
				if res.Timing.TLS <= 0 || res.Timing.Total < res.Timing.TLS {
					t.Errorf("timing %+v", res.Timing)
				}
			})
		}
	}
}

// TestProbeIMAPLiteral checks that an untagged response holding a literal
// (RFC 9051 §4.3), whose line goes on after the literal's bytes, is
// skipped whole and does not end the probe.
func TestProbeIMAPLiteral(t *testing.T) {
	srv := newServer(t, imap, itls, dialogue("* OK hi\r\n",
		exch{verb: "CAPABILITY", reply: "* ID (\"name\" {4}\r\na)b* \"vendor\" {3}\r\nx\r\n)\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"},
		exch{verb: "LOGOUT", reply: "* BYE bye\r\n{tag} OK bye\r\n"}))
	res, err := probe(t, srv, "", longWait)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if !slices.Equal(res.Capabilities, []string{"IMAP4rev1", "AUTH=PLAIN"}) {
		t.Errorf("Capabilities = %q", res.Capabilities)
	}
}

// TestModeMatrix probes every protocol's server in each mode with a client
// in each mode, and checks the diagnosis of every cell.
func TestModeMatrix(t *testing.T) {
	const ok = mailsettings.ErrorKind("")
	// want[client][server]
	want := map[mailsettings.Encryption]map[mailsettings.Encryption]mailsettings.ErrorKind{
		itls:  {itls: ok, stls: mailsettings.KindExpectedTLSGotPlaintext, plain: mailsettings.KindExpectedTLSGotPlaintext},
		stls:  {itls: mailsettings.KindExpectedPlaintextGotTLS, stls: ok, plain: mailsettings.KindSTARTTLSNotOffered},
		plain: {itls: mailsettings.KindExpectedPlaintextGotTLS, stls: ok, plain: ok},
	}
	type cell struct {
		p              mailsettings.Protocol
		client, server mailsettings.Encryption
		res            *mailsettings.ProbeResult
		err            error
		took           time.Duration
	}
	var cells []*cell
	for _, p := range protocols {
		for _, client := range encryptions {
			for _, server := range encryptions {
				cells = append(cells, &cell{p: p, client: client, server: server})
			}
		}
	}
	// All cells are probed at once, outside the -parallel limit: the
	// cells where a plaintext greeting is awaited from an implicit-TLS
	// server wait the Prober's greeting wait (5 seconds by default).
	var wg sync.WaitGroup
	for _, c := range cells {
		srv := newServer(t, c.p, c.server)
		e := srv.Endpoint()
		e.Encryption = c.client
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), longWait)
			defer cancel()
			start := time.Now()
			c.res, c.err = srv.Prober().Probe(ctx, e)
			c.took = time.Since(start)
		})
	}
	wg.Wait()
	for _, c := range cells {
		t.Run(string(c.p)+"/client="+string(c.client)+"/server="+string(c.server), func(t *testing.T) {
			if c.res == nil {
				t.Fatalf("nil result; error %v", c.err)
			}
			w := want[c.client][c.server]
			if w == ok {
				if c.err != nil {
					t.Fatalf("Probe: %v, want success", c.err)
				}
				if c.client == plain && !c.res.GreetingBeforeTLS {
					t.Errorf("plaintext greeting not marked as before TLS")
				}
				return
			}
			pe := wantKind(t, c.err, w)
			if w == mailsettings.KindExpectedTLSGotPlaintext && pe.Detected != c.p {
				t.Errorf("Detected = %v, want %v", pe.Detected, c.p)
			}
			// A mode mismatch is diagnosed within the greeting wait, not
			// at the end of the deadline (it used to take three quarters
			// of it).
			if c.took > longWait/2 {
				t.Errorf("diagnosis took %v with a deadline of %v", c.took, longWait)
			}
		})
	}
}

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
	// The server's clock starts at accept, the probe's when its dial
	// returns: they differ by scheduling, so allow a margin below 300 ms.
	if res.Timing.Greeting < 250*time.Millisecond {
		t.Errorf("greeting after %v, want the server's 300 ms pause", res.Timing.Greeting)
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
	_, err := probe(t, srv, "", longWait)
	pe := wantKind(t, err, mailsettings.KindSTARTTLSFailed)
	if pe.ServerText != "-ERR STARTTLS failed" || !pe.ServerTextBeforeTLS || pe.Step != "tls" {
		t.Errorf("ServerText %q, before TLS %v, step %s", pe.ServerText, pe.ServerTextBeforeTLS, pe.Step)
	}
	if x := pe.Explanation(); !strings.Contains(x.String(), "TLS setup is broken") || !strings.Contains(zhHans(x), "TLS配置有故障") {
		t.Errorf("Explanation() = %+v", x)
	}
}

// TestWeakCertificate: a certificate from a trusted CA with a 1024-bit RSA
// key (or a SHA-1 signature) verifies in Go but is below the baseline of
// the CA/Browser Forum and NIST SP 800-131A: the probe fails with
// cert_weak_key and still shows the certificate, with its key, and
// CheckLogin sends nothing.
func TestWeakCertificate(t *testing.T) {
	rsa1024, err := testCA.IssueWith(mailsettingstest.CertOptions{Names: []string{"imap.example.test", "pop3.example.test", "smtp.example.test"}, RSABits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	sha1, err := testCA.IssueWith(mailsettingstest.CertOptions{Names: []string{"imap.example.test", "pop3.example.test", "smtp.example.test"}, SignatureAlgorithm: x509.ECDSAWithSHA1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		cert   *mailsettingstest.Cert
		keyAlg string
		bits   int
		en, zh string // in the explanation
	}{
		{"rsa-1024", rsa1024, "RSA", 1024, "the server's certificate has a 1024-bit RSA key", "服务器证书使用1024位的RSA密钥"},
		// Go's verifier refuses SHA-1 itself; the refusal is this kind too.
		{"sha1-signature", sha1, "ECDSA", 256, "ECDSA-SHA1", "CA/浏览器论坛基线要求"},
	}
	for _, c := range cases {
		for _, p := range protocols {
			for _, enc := range []mailsettings.Encryption{itls, stls} {
				t.Run(c.name+"/"+string(p)+"/"+string(enc), func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, p, enc, mailsettingstest.WithCert(c.cert), mailsettingstest.WithUsers(users))
					res, err := probe(t, srv, "", longWait)
					pe := wantKind(t, err, mailsettings.KindCertWeakKey)
					if pe.Step != "tls" || res.Verified {
						t.Errorf("step %s, verified %v", pe.Step, res.Verified)
					}
					if cs := res.Certificate; cs == nil || cs.KeyAlgorithm != c.keyAlg || cs.KeyBits != c.bits {
						t.Errorf("Certificate = %+v, want a %d-bit %s key", cs, c.bits, c.keyAlg)
					}
					if len(pe.CertNames) == 0 {
						t.Errorf("CertNames empty")
					}
					x, f := pe.Explanation(), pe.Fix()
					if !strings.Contains(x.String(), c.en) || !strings.Contains(zhHans(x), c.zh) || !strings.Contains(x.String(), "NIST SP 800-131A") {
						t.Errorf("Explanation() = %+v, want %q / %q", x, c.en, c.zh)
					}
					if !strings.Contains(f.String(), "2048 bits") {
						t.Errorf("Fix() = %q", f.String())
					}
					_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
					wantKind(t, err, mailsettings.KindCertWeakKey)
					srv.Close()
					checkSecretAbsent(t, srv.Transcript(), "right-password")
				})
			}
		}
	}
}

// TestStrongRSACertificate: a 2048-bit RSA key is fine, and its size is
// reported.
func TestStrongRSACertificate(t *testing.T) {
	rsa2048, err := testCA.IssueWith(mailsettingstest.CertOptions{Names: []string{"imap.example.test"}, RSABits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, imap, itls, mailsettingstest.WithCert(rsa2048), mailsettingstest.WithUsers(users))
	res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
	if err != nil || !res.Verified || !res.Login.Accepted {
		t.Fatalf("CheckLogin: %v, verified %v, login %+v", err, res.Verified, res.Login)
	}
	if cs := res.Certificate; cs.KeyAlgorithm != "RSA" || cs.KeyBits != 2048 || cs.SignatureAlgorithm != "ECDSA-SHA256" {
		t.Errorf("Certificate = %+v", cs)
	}
}

// The goals these benchmarks check (run with -benchmem, reported, not
// asserted): a probe of a loopback implicit-TLS IMAP server costs at most
// 1.15x BenchmarkProbeBaselineTLSDial, a bare tls.Dial plus reading the
// greeting against the same server (BenchmarkProbeVsBaseline runs the two
// alternately and reports the ratio); BenchmarkProbeAll500 reports the wall
// time, peak goroutines and allocations of probing 500 endpoints at once;
// the BenchmarkModeMismatch pair reports how long a mode mismatch takes to
// diagnose as a multiple of the greeting wait ("x-greeting-wait", goal:
// about 1, far from Timeout/GreetingTimeout).

func benchServer(b *testing.B, p mailsettings.Protocol) *mailsettingstest.Server {
	srv, err := mailsettingstest.Start(p, mailsettings.ImplicitTLS, mailsettingstest.WithCA(testCA))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkProbeImplicitTLS(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	p := srv.Prober()
	e := srv.Endpoint()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProbeBaselineTLSDial is the floor: dial, handshake with the same
// verification, read the greeting, close.
func BenchmarkProbeBaselineTLSDial(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	cfg := &tls.Config{RootCAs: testCA.Pool(), ServerName: srv.Host}
	b.ReportAllocs()
	for b.Loop() {
		c, err := tls.DialWithDialer(&net.Dialer{}, "tcp", srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkProbeVsBaseline alternates the two above against one server and
// reports the ratio of their total times ("probe/baseline", goal <= 1.15),
// so that load on a shared machine, which drifts between two benchmarks run
// one after the other, weighs on both sides alike.
func BenchmarkProbeVsBaseline(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	p := srv.Prober()
	e := srv.Endpoint()
	cfg := &tls.Config{RootCAs: testCA.Pool(), ServerName: srv.Host}
	ctx := context.Background()
	var probe, base time.Duration
	for b.Loop() {
		t0 := time.Now()
		c, err := tls.DialWithDialer(&net.Dialer{}, "tcp", srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		c.Close()
		t1 := time.Now()
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
		base, probe = base+t1.Sub(t0), probe+time.Since(t1)
	}
	b.ReportMetric(float64(probe)/float64(base), "probe/baseline")
}

func BenchmarkProbeAll500(b *testing.B) {
	var eps []mailsettings.ServerEndpoint
	for _, p := range protocols {
		eps = append(eps, benchServer(b, p).Endpoint())
	}
	for len(eps) < 500 {
		eps = append(eps, eps[len(eps)%3])
	}
	p := mailsettings.Prober{
		Resolver:    mailsettingstest.LoopbackResolver("imap.example.test", "pop3.example.test", "smtp.example.test"),
		TLSConfig:   &tls.Config{RootCAs: testCA.Pool()},
		MaxParallel: 500,
	}
	ctx := context.Background()
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if n := int64(runtime.NumGoroutine()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	})
	b.ReportAllocs()
	for b.Loop() {
		for i, r := range p.ProbeAll(ctx, eps) {
			if r.Err != nil {
				b.Fatalf("endpoint %d: %v", i, r.Err)
			}
		}
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak.Load()), "peak-goroutines")
}

// benchMismatch probes srv with encryption enc, which its port does not
// speak, and reports the time per probe as a multiple of the greeting wait.
func benchMismatch(b *testing.B, srv *mailsettingstest.Server, enc mailsettings.Encryption, want mailsettings.ErrorKind) {
	const wait = 200 * time.Millisecond
	p := srv.Prober()
	p.Timeout, p.GreetingTimeout = 30*time.Second, wait
	e := srv.Endpoint()
	e.Encryption = enc
	ctx := context.Background()
	start := time.Now()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); mailsettings.KindOf(err) != want {
			b.Fatalf("Probe: %v, want %s", err, want)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(wait), "x-greeting-wait")
}

// BenchmarkModeMismatchSTARTTLSOnImplicit: a STARTTLS probe of an
// implicit-TLS IMAP port waits one greeting wait, then finds TLS.
func BenchmarkModeMismatchSTARTTLSOnImplicit(b *testing.B) {
	benchMismatch(b, benchServer(b, mailsettings.IMAP), mailsettings.STARTTLS, mailsettings.KindExpectedPlaintextGotTLS)
}

// BenchmarkModeMismatchPlaintextOnImplicit: the same for a plaintext
// probe of an implicit-TLS submission port.
func BenchmarkModeMismatchPlaintextOnImplicit(b *testing.B) {
	benchMismatch(b, benchServer(b, mailsettings.SMTP), mailsettings.Plaintext, mailsettings.KindExpectedPlaintextGotTLS)
}
