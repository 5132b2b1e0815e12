package mailsettings_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/netdial/netdialtest"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

func endpoint(p mailsettings.Protocol, host string, port uint16, enc mailsettings.Encryption) mailsettings.ServerEndpoint {
	return mailsettings.ServerEndpoint{Protocol: p, Host: host, Port: port, Encryption: enc, Username: mailsettings.UsernameAddress}
}

// failingResolver fails every lookup with a server failure.
type failingResolver struct{ *mailsettingstest.Resolver }

func (failingResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
}

// closedPort returns a loopback port where nothing listens.
func closedPort(t *testing.T) uint16 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	return port
}

func TestProbeNetworkFailures(t *testing.T) {
	ctx := context.Background()
	loop := mailsettingstest.LoopbackResolver("imap.example.test")
	cases := []struct {
		name string
		p    mailsettings.Prober
		e    mailsettings.ServerEndpoint
		d    time.Duration
		want mailsettings.ErrorKind
		step string
	}{
		{"no-such-host", mailsettings.Prober{Resolver: &mailsettingstest.Resolver{}}, endpoint(imap, "nx.example.test", 993, itls), time.Second, mailsettings.KindDNSNotFound, "resolve"},
		{"dns-failure", mailsettings.Prober{Resolver: failingResolver{}}, endpoint(imap, "imap.example.test", 993, itls), time.Second, mailsettings.KindDNSFailure, "resolve"},
		{"refused", mailsettings.Prober{Resolver: loop}, endpoint(imap, "imap.example.test", closedPort(t), itls), 5 * time.Second, mailsettings.KindConnectionRefused, "connect"},
		{"refused-ip", mailsettings.Prober{}, endpoint(smtp, "127.0.0.1", closedPort(t), stls), 5 * time.Second, mailsettings.KindConnectionRefused, "connect"},
		{"blackhole", mailsettings.Prober{Resolver: loop, Dialer: mailsettingstest.BlackholeDialer{}}, endpoint(imap, "imap.example.test", 993, itls), short, mailsettings.KindConnectTimeout, "connect"},
		{"invalid-port", mailsettings.Prober{}, endpoint(imap, "imap.example.test", 0, itls), time.Second, mailsettings.KindInvalidRequest, ""},
		{"invalid-host", mailsettings.Prober{}, endpoint(imap, "bad host\r\n", 993, itls), time.Second, mailsettings.KindInvalidRequest, ""},
		{"invalid-protocol", mailsettings.Prober{}, mailsettings.ServerEndpoint{Host: "imap.example.test", Port: 993, Encryption: itls}, time.Second, mailsettings.KindInvalidRequest, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, c.d)
			defer cancel()
			res, err := c.p.Probe(ctx, c.e)
			pe := wantKind(t, err, c.want)
			if pe.Step != c.step {
				t.Errorf("Step = %q, want %q", pe.Step, c.step)
			}
			if res == nil || res.Endpoint != c.e {
				t.Errorf("result %+v", res)
			}
			if !strings.Contains(err.Error(), string(c.want)) {
				t.Errorf("Error() = %q lacks the kind", err)
			}
		})
	}
	t.Run("dns-error-reachable", func(t *testing.T) {
		_, err := (&mailsettings.Prober{Resolver: &mailsettingstest.Resolver{}}).Probe(ctx, endpoint(imap, "nx.example.test", 993, itls))
		if de, ok := errors.AsType[*net.DNSError](err); !ok || !de.IsNotFound {
			t.Errorf("errors.As(*net.DNSError) = %v, %v", de, ok)
		}
	})
	t.Run("timeout-is-deadline-exceeded", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, short)
		defer cancel()
		_, err := (&mailsettings.Prober{Resolver: loop, Dialer: mailsettingstest.BlackholeDialer{}}).Probe(ctx, endpoint(imap, "imap.example.test", 993, itls))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
		}
	})
}

// TestProbeCanceledMidHandshake cancels probes while the TLS handshake (or
// the greeting) is pending; the probe must return promptly with
// KindCanceled, and goleak (TestMain) checks nothing is left running.
func TestProbeCanceledMidHandshake(t *testing.T) {
	for _, c := range []struct {
		name           string
		server, client mailsettings.Encryption
		opt            mailsettingstest.Option
	}{
		{"implicit-tls", plain, itls, mailsettingstest.NeverGreet()},
		{"starttls", stls, stls, dialogue(greetI, exch{verb: "STARTTLS", reply: "{tag} OK go ahead\r\n"})},
		{"greeting", plain, plain, mailsettingstest.NeverGreet()},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, imap, c.server, c.opt)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			e := srv.Endpoint()
			e.Encryption = c.client
			_, err := srv.Prober().Probe(ctx, e)
			wantKind(t, err, mailsettings.KindCanceled)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
			}
		})
	}
}

// TestProbeLeavesNoGoroutine checks that, the moment Probe returns, no
// goroutine of the probe is left, even when the context was canceled
// mid-probe (goleak in TestMain retries for a while, so it misses a
// goroutine that ends a little after the call). This test must not run in
// parallel with other probes.
func TestProbeLeavesNoGoroutine(t *testing.T) {
	srv := newServer(t, imap, plain, mailsettingstest.NeverGreet())
	p := srv.Prober()
	buf := make([]byte, 1<<20)
	for i := range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(time.Millisecond, cancel)
		p.Probe(ctx, srv.Endpoint())
		n := runtime.Stack(buf, true)
		timer.Stop()
		cancel()
		if stacks := string(buf[:n]); strings.Contains(stacks, "mailsettings.(*session)") {
			t.Fatalf("probe %d: a goroutine of the probe outlived the call:\n%s", i, stacks)
		}
	}
}

func TestProberDoesNotModifyTLSConfig(t *testing.T) {
	srv := newServer(t, imap, itls)
	cfg := &tls.Config{RootCAs: testCA.Pool(), MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	p := mailsettings.Prober{Resolver: srv.Resolver(), TLSConfig: cfg}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if res.TLSVersion < tls.VersionTLS12 {
		t.Errorf("negotiated %s below TLS 1.2", tls.VersionName(res.TLSVersion))
	}
	if cfg.ServerName != "" || cfg.MinVersion != tls.VersionTLS10 || cfg.MaxVersion != tls.VersionTLS11 {
		t.Errorf("caller's config changed: ServerName %q MinVersion %x MaxVersion %x", cfg.ServerName, cfg.MinVersion, cfg.MaxVersion)
	}
}

func TestProbeUntrustedWithoutCA(t *testing.T) {
	// The zero TLS config trusts only the system roots.
	for _, enc := range []mailsettings.Encryption{itls, stls} {
		srv := newServer(t, smtp, enc)
		p := mailsettings.Prober{Resolver: srv.Resolver()}
		_, err := p.Probe(context.Background(), srv.Endpoint())
		pe := wantKind(t, err, mailsettings.KindCertUntrusted)
		if !slices.Contains(pe.CertNames, srv.Host) {
			t.Errorf("CertNames = %v", pe.CertNames)
		}
		if _, ok := errors.AsType[*tls.CertificateVerificationError](err); !ok {
			t.Errorf("no *tls.CertificateVerificationError in %v", err)
		}
	}
}

// TestSTARTTLSForgetsPreTLSState checks THREATS.md T2: capabilities sent
// before or with the STARTTLS go-ahead are never reported, and the probe
// asks again after TLS.
func TestSTARTTLSForgetsPreTLSState(t *testing.T) {
	cases := []struct {
		name    string
		proto   mailsettings.Protocol
		goAhead string
		absent  string
		again   string // the command the server must receive after TLS
	}{
		{"imap/untagged-capability", imap, "* CAPABILITY IMAP4rev1 X-PRE-TLS AUTH=PRETLS\r\n{tag} OK Begin TLS\r\n", "X-PRE-TLS", "CAPABILITY"},
		{"imap/capability-code", imap, "{tag} OK [CAPABILITY IMAP4rev1 X-PRE-TLS AUTH=PRETLS] Begin TLS\r\n", "X-PRE-TLS", "CAPABILITY"},
		{"imap/exists", imap, "* 54321 EXISTS\r\n{tag} OK Begin TLS\r\n", "54321", "CAPABILITY"},
		{"pop3/go-ahead", pop3, "+OK [X-PRE-TLS] go\r\n", "X-PRE-TLS", "CAPA"},
		{"smtp/go-ahead", smtp, "220 X-PRE-TLS go\r\n", "X-PRE-TLS", "EHLO"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, c.proto, stls, mailsettingstest.WithSTARTTLSGoAhead(c.goAhead))
			res, err := probe(t, srv, "", longWait)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			for _, s := range append(slices.Clone(res.Capabilities), res.AuthMechanisms...) {
				if strings.Contains(s, c.absent) || strings.Contains(s, "PRETLS") || strings.EqualFold(s, "STARTTLS") {
					t.Errorf("pre-TLS capability %q reported: %v %v", s, res.Capabilities, res.AuthMechanisms)
				}
			}
			srv.Close()
			again := false
			for _, l := range srv.Transcript().Lines() {
				again = again || l.AfterTLS && strings.Contains(strings.ToUpper(l.Text), c.again)
			}
			if !again {
				t.Errorf("%s not sent after TLS:\n%s", c.again, srv.Transcript())
			}
		})
	}
}

func TestProbePreauthAfterImplicitTLS(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithGreeting("* PREAUTH [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"))
	res, err := probe(t, srv, "", longWait)
	if err != nil || !res.Preauth {
		t.Fatalf("Probe: %v, Preauth %v; want success with Preauth", err, res.Preauth)
	}
}

func TestProbeSanitizesServerText(t *testing.T) {
	srv := newServer(t, smtp, stls, mailsettingstest.WithGreeting("220-evil \x1b[2J\x07 "+strings.Repeat("x", 1000)+"\r\n220 \u202eoops\r\n"))
	res, err := probe(t, srv, "", longWait)
	if err != nil {
		t.Fatal(err)
	}
	checkSanitized(t, res.Greeting)
	if strings.ContainsRune(res.Greeting, '\u202e') || strings.ContainsRune(res.Greeting, 0x1b) {
		t.Errorf("Greeting = %q", res.Greeting)
	}
	if !res.GreetingBeforeTLS {
		t.Errorf("STARTTLS greeting not marked as received before TLS")
	}
	srv2 := newServer(t, imap, stls, mailsettingstest.WithGreeting("* BYE [ALERT] \x1b]0;pwned\x07 go away\r\n"))
	_, err = probe(t, srv2, "", longWait)
	pe := wantKind(t, err, mailsettings.KindServiceRefused)
	checkSanitized(t, pe.ServerText)
	if !pe.ServerTextBeforeTLS || !strings.Contains(pe.Explanation().String(), "before TLS") || !strings.Contains(zhHans(pe.Explanation()), "TLS之前") {
		t.Errorf("server text not marked as unauthenticated: %+v", pe.Explanation())
	}
}

func TestProbeAll(t *testing.T) {
	var eps []mailsettings.ServerEndpoint
	for _, p := range protocols {
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			eps = append(eps, newServer(t, p, enc).Endpoint())
		}
	}
	eps = append(eps, endpoint(imap, "imap.example.test", closedPort(t), itls))
	p := mailsettings.Prober{Resolver: mailsettingstest.LoopbackResolver("imap.example.test", "pop3.example.test", "smtp.example.test"), TLSConfig: &tls.Config{RootCAs: testCA.Pool()}, MaxParallel: 3}
	reps := p.ProbeAll(context.Background(), eps)
	if len(reps) != len(eps) {
		t.Fatalf("%d reports for %d endpoints", len(reps), len(eps))
	}
	for i, r := range reps[:len(reps)-1] {
		if r.Err != nil || r.Result.Endpoint != eps[i] {
			t.Errorf("report %d: %v, endpoint %v, want %v", i, r.Err, r.Result.Endpoint, eps[i])
		}
	}
	wantKind(t, reps[len(reps)-1].Err, mailsettings.KindConnectionRefused)
	if got := (&mailsettings.Prober{}).ProbeAll(context.Background(), nil); len(got) != 0 {
		t.Errorf("ProbeAll(nil) = %v", got)
	}
}

func TestErrorKindsVocabulary(t *testing.T) {
	kinds := mailsettings.ErrorKindsForTest()
	seen := map[mailsettings.ErrorKind]bool{}
	for _, k := range kinds {
		if string(k) == "" || strings.ToLower(string(k)) != string(k) || strings.ContainsAny(string(k), " -") {
			t.Errorf("kind %q is not snake_case", k)
		}
		if seen[k] {
			t.Errorf("kind %s listed twice", k)
		}
		seen[k] = true
		if k.Error() != string(k) || fmt.Sprint(k) != string(k) {
			t.Errorf("%s.Error() = %q", k, k.Error())
		}
		pe := &mailsettings.ProbeError{Endpoint: endpoint(smtp, "smtp.example.test", 465, itls), Step: "tls", Kind: k, Err: errors.New("cause")}
		if !errors.Is(pe, k) {
			t.Errorf("%s: errors.Is(pe, kind) = false", k)
		}
		for _, other := range kinds {
			if other != k && errors.Is(pe, other) {
				t.Errorf("%s: errors.Is(pe, %s) = true", k, other)
			}
		}
		if !errors.Is(fmt.Errorf("wrapped: %w", pe), k) {
			t.Errorf("%s: a wrapped ProbeError does not match its kind", k)
		}
		for _, txt := range []mailsettings.Text{pe.Explanation(), pe.Fix()} {
			if txt.String() == "" || zhHans(txt) == "" || strings.Contains(txt.String()+zhHans(txt), "%!") {
				t.Errorf("%s: text %+v", k, txt)
			}
		}
	}
	if mailsettings.KindOf(nil) != "" || mailsettings.KindOf(errors.New("x")) != "" {
		t.Errorf("KindOf of a non-probe error is not empty")
	}
}

func TestExplanations(t *testing.T) {
	e := func(p mailsettings.Protocol, port uint16, enc mailsettings.Encryption) mailsettings.ServerEndpoint {
		return endpoint(p, "mail.example.test", port, enc)
	}
	cases := []struct {
		pe      mailsettings.ProbeError
		en, zh  string // in the explanation
		fix     string // in the English fix
		fixZH   string
		lacksZH string // must not be in the Chinese texts
	}{
		{mailsettings.ProbeError{Endpoint: e(smtp, 587, stls), Kind: mailsettings.KindConnectTimeout}, "25, and some block 465, 587, 993 or 995", "465、587、993或995", "465 is implicit TLS, 587 is STARTTLS", "587端口是STARTTLS", "is implicit"},
		{mailsettings.ProbeError{Endpoint: e(smtp, 465, itls), Kind: mailsettings.KindExpectedTLSGotPlaintext, Detected: smtp}, "plaintext SMTP greeting", "明文SMTP问候语", "465 is implicit TLS, 587 is STARTTLS", "465端口是隐式TLS", "is implicit"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, stls), Kind: mailsettings.KindExpectedPlaintextGotTLS}, "but STARTTLS was configured", "配置的是STARTTLS", "993 is implicit TLS, 143 is STARTTLS", "993端口是隐式TLS", "is implicit"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, itls), Kind: mailsettings.KindCertNameMismatch, CertNames: []string{"a.example.test", "b.example.test"}}, "It covers: a.example.test, b.example.test", "a.example.test、b.example.test", "a.example.test, b.example.test", "a.example.test、b.example.test", "It covers"},
		{mailsettings.ProbeError{Endpoint: e(imap, 143, stls), Kind: mailsettings.KindWrongProtocol, Detected: smtp}, "like an SMTP server", "SMTP服务器", "993 is implicit TLS", "993端口", "is implicit"},
		{mailsettings.ProbeError{Endpoint: e(smtp, 587, stls), Kind: mailsettings.KindTimeout, Step: "starttls"}, "during the STARTTLS command", "在执行STARTTLS命令时", "Try again later", "请稍后重试", "starttls"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, itls), Kind: mailsettings.KindConnectionClosed, Step: "capabilities"}, "during the capability request", "在查询服务器功能", "Try again later", "请稍后重试", "capabilities"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, itls), Kind: mailsettings.KindCertExpired, CertNotAfter: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)}, "valid until 2020-05-01", "有效期至2020-05-01", "renew the certificate", "续期证书", "valid until"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, itls), Kind: mailsettings.KindCertExpired}, "has expired or is not yet valid.", "已过期或尚未生效。", "renew the certificate", "续期证书", "0001"},
		{mailsettings.ProbeError{Endpoint: e(pop3, 110, stls), Kind: mailsettings.KindSTARTTLSNotOffered}, "does not offer STARTTLS", "不支持STARTTLS", "995 is implicit TLS, 110 is STARTTLS", "995端口是隐式TLS", "is implicit"},
	}
	for _, c := range cases {
		x, f := c.pe.Explanation(), c.pe.Fix()
		if !strings.Contains(x.String(), c.en) || !strings.Contains(zhHans(x), c.zh) {
			t.Errorf("%s: Explanation() = %+v, want %q / %q", c.pe.Kind, x, c.en, c.zh)
		}
		if !strings.Contains(f.String(), c.fix) || !strings.Contains(zhHans(f), c.fixZH) {
			t.Errorf("%s: Fix() = %+v, want %q / %q", c.pe.Kind, f, c.fix, c.fixZH)
		}
		if strings.Contains(zhHans(x)+zhHans(f), c.lacksZH) {
			t.Errorf("%s: English in the Chinese text: %+v %+v", c.pe.Kind, x, f)
		}
	}
}

// TestProbeSanitizesCertificateText checks that names from a hostile
// certificate reach neither Error() nor the explanation raw: Go's
// x509.HostnameError quotes the certificate's DNS names as they are, and
// an IA5String name may hold ESC.
func TestProbeSanitizesCertificateText(t *testing.T) {
	evil := "evil\x1b[2J\x1b]0;pwned\x07.example.test"
	cert, err := testCA.Issue(evil)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []mailsettings.Encryption{itls, stls} {
		srv := newServer(t, imap, enc, mailsettingstest.WithCert(cert))
		_, err := probe(t, srv, "", longWait)
		pe := wantKind(t, err, mailsettings.KindCertNameMismatch)
		if _, ok := errors.AsType[x509.HostnameError](err); !ok {
			t.Errorf("no x509.HostnameError in %v", err)
		}
		x, f := pe.Explanation(), pe.Fix()
		for _, s := range append([]string{err.Error(), pe.Err.Error(), x.String(), zhHans(x), f.String(), zhHans(f)}, pe.CertNames...) {
			checkSanitized(t, s)
		}
		if !strings.Contains(x.String(), "evil [2J") {
			t.Errorf("explanation lacks the certificate's name: %q", x.String())
		}
	}
}

// TestProberRaisesMinVersion checks that a caller's config that allows TLS
// 1.0 still cannot reach a server that speaks only TLS 1.1.
func TestProberRaisesMinVersion(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithMaxTLSVersion(tls.VersionTLS11))
	p := mailsettings.Prober{Resolver: srv.Resolver(), TLSConfig: &tls.Config{RootCAs: testCA.Pool(), MinVersion: tls.VersionTLS10}}
	ctx, cancel := context.WithTimeout(context.Background(), longWait)
	defer cancel()
	_, err := p.Probe(ctx, srv.Endpoint())
	wantKind(t, err, mailsettings.KindTLSVersion)
}

// namesResolver records the names it is asked.
type namesResolver struct {
	*mailsettingstest.Resolver
	names []string
}

func (r *namesResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.names = append(r.names, host)
	return r.Resolver.LookupIPAddr(ctx, host)
}

// TestProbeAsksFullyQualifiedNames: a resolver must never be able to append
// its search domains to the endpoint's host.
func TestProbeAsksFullyQualifiedNames(t *testing.T) {
	srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS)
	r := &namesResolver{Resolver: srv.Resolver()}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig()}
	if _, err := p.Probe(context.Background(), srv.Endpoint()); err != nil {
		t.Fatal(err)
	}
	if want := []string{srv.Endpoint().Host + "."}; !slices.Equal(r.names, want) {
		t.Errorf("names asked = %q, want %q", r.names, want)
	}
}

// refuseAllResolver fails every question and records that it was asked.
type refuseAllResolver struct {
	mailsettingstest.Resolver
	asked []string
}

func (r *refuseAllResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.asked = append(r.asked, host)
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestProbeLocalhost: localhost names are loopback without asking any
// resolver (RFC 6761, section 6.3), so a probe of localhost reaches a
// server on 127.0.0.1 (it used to fail with dns_not_found: localhost. is
// not in the hosts file for Go's resolver).
func TestProbeLocalhost(t *testing.T) {
	for _, host := range []string{"localhost", "imap.localhost"} {
		t.Run(host, func(t *testing.T) {
			srv := newServer(t, imap, itls, mailsettingstest.WithHost(host))
			want := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(srv.Port)))
			for _, c := range []struct {
				name string
				r    mailsettings.Resolver
			}{
				{"system-resolver", nil},
				{"refusing-resolver", &refuseAllResolver{}},
			} {
				t.Run(c.name, func(t *testing.T) {
					p := mailsettings.Prober{Resolver: c.r, TLSConfig: srv.ClientTLSConfig()}
					ctx, cancel := context.WithTimeout(context.Background(), longWait)
					defer cancel()
					res, err := p.Probe(ctx, srv.Endpoint())
					if err != nil {
						t.Fatal(err)
					}
					if res.Addr != want || !res.Verified {
						t.Errorf("Addr %s, Verified %v; want %s, verified", res.Addr, res.Verified, want)
					}
					if r, ok := c.r.(*refuseAllResolver); ok && len(r.asked) != 0 {
						t.Errorf("the resolver was asked %q", r.asked)
					}
				})
			}
		})
	}
}

// TestProbeBlackholedFirstAddress: the host's first address never answers
// (a listener whose accept queue is full drops the SYNs); the probe reaches
// the second address after a head start, far within the timeout, instead
// of spending the whole timeout on the first.
func TestProbeBlackholedFirstAddress(t *testing.T) {
	const timeout = 10 * time.Second
	srv := newServer(t, imap, itls)
	netdialtest.Blackhole(t, "127.0.0.2", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.1"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig(), Timeout: timeout}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	if err != nil {
		t.Fatalf("Probe: %v (after %v)", err, res.Timing.Total)
	}
	if want := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(srv.Port))); res.Addr != want {
		t.Errorf("Addr = %s, want %s", res.Addr, want)
	}
	if res.Timing.Connect > timeout/4 || res.Timing.Total > timeout/2 {
		t.Errorf("connect took %v, the probe %v: want well under half of Timeout (%v)", res.Timing.Connect, res.Timing.Total, timeout)
	}
}

// TestProbeAllAddressesBlackholed: when no address answers, the probe is a
// connect timeout within Timeout, naming one of the addresses.
func TestProbeAllAddressesBlackholed(t *testing.T) {
	const timeout = 2 * time.Second
	srv := newServer(t, imap, itls)
	netdialtest.Blackhole(t, "127.0.0.2", int(srv.Port))
	netdialtest.Blackhole(t, "127.0.0.3", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.3"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig(), Timeout: timeout}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	pe := wantKind(t, err, mailsettings.KindConnectTimeout)
	if pe.Addr == "" || pe.Addr != res.Addr {
		t.Errorf("ProbeError.Addr %q, ProbeResult.Addr %q", pe.Addr, res.Addr)
	}
	if res.Timing.Total > 2*timeout {
		t.Errorf("the probe took %v with a Timeout of %v", res.Timing.Total, timeout)
	}
}

// BenchmarkProbeDeadFirstAddress is BenchmarkProbeImplicitTLS with a
// blackholed first address. The goal (issue 12): under 1.5 times
// BenchmarkProbeImplicitTLS plus 300 ms; expect the head start (250 ms)
// on top of it.
func BenchmarkProbeDeadFirstAddress(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	netdialtest.Blackhole(b, "127.0.0.2", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.1"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig()}
	e := srv.Endpoint()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

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
	client  mailsettings.Encryption // the probe's mode; "" means the server's
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
		{"imap/inject-capability", imap, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-alert", imap, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("* OK [ALERT] suffix.\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-bye", imap, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("* BYE close\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"imap/inject-later-packet", imap, stls, "", opts(lateData("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "STARTTLS", "{tag} OK go\r\n", "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-capa", pop3, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-binary", pop3, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("\x00\x01\x02\xffjunk")), mailsettings.KindSTARTTLSInjection, 0},
		{"pop3/inject-later-packet", pop3, stls, "", opts(lateData(greetP, "STLS", "+OK go\r\n", "+OK fake\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"smtp/inject-ehlo", smtp, stls, "", opts(mailsettingstest.InjectAfterSTARTTLS("250-example.org\r\n250 AUTH LOGIN\r\n")), mailsettings.KindSTARTTLSInjection, 0},
		{"smtp/inject-later-packet", smtp, stls, "", opts(lateData(greetS, "STARTTLS", "220 go\r\n", "250 AUTH PLAIN\r\n")), mailsettings.KindSTARTTLSInjection, 0},

		// The server's error reply to the handshake after the go-ahead: a
		// broken TLS setup, not an injection.
		{"pop3/starttls-failed", pop3, stls, "", opts(mailsettingstest.FailTLSAfterSTARTTLS("-ERR STARTTLS failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"imap/starttls-failed", imap, stls, "", opts(mailsettingstest.FailTLSAfterSTARTTLS("* BAD [ALERT] TLS initialization failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"imap/starttls-failed-no", imap, stls, "", opts(mailsettingstest.FailTLSAfterSTARTTLS("* NO [UNAVAILABLE] TLS failed\r\n")), mailsettings.KindSTARTTLSFailed, 0},
		{"smtp/starttls-failed", smtp, stls, "", opts(mailsettingstest.FailTLSAfterSTARTTLS("454 4.7.0 TLS not available due to local problem\r\n")), mailsettings.KindSTARTTLSFailed, 0},

		// T3: STARTTLS refused or not offered; never continue in plaintext.
		{"imap/starttls-no", imap, stls, "", opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-bad", imap, stls, "", opts(mailsettingstest.WithSTARTTLSReply("{tag} BAD no\r\n")), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-continue", imap, stls, "", opts(mailsettingstest.WithSTARTTLSReply("+ continue with something.\r\n")), mailsettings.KindSTARTTLSRefused, 0},
		{"imap/starttls-hidden", imap, stls, "", opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/starttls-hidden-no-greeting-caps", imap, stls, "", opts(mailsettingstest.HideSTARTTLS(), mailsettingstest.WithGreeting("* OK ready\r\n")), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/imap4-only", imap, stls, "", opts(dialogue("* OK ready\r\n", exch{verb: "CAPABILITY", reply: "* CAPABILITY IMAP4\r\n{tag} OK\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"imap/bye-before-starttls-ok", imap, stls, "", opts(dialogue(greetI, exch{verb: "STARTTLS", reply: "* BYE going away\r\n", close: true})), mailsettings.KindServiceRefused, 0},
		{"pop3/stls-err", pop3, stls, "", opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"pop3/stls-hidden", pop3, stls, "", opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"pop3/capa-err", pop3, stls, "", opts(dialogue(greetP, exch{verb: "CAPA", reply: "-ERR no CAPA\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"pop3/stls-garbage", pop3, stls, "", opts(dialogue(greetP, exch{verb: "CAPA", reply: "+OK\r\nSTLS\r\n.\r\n"}, exch{verb: "STLS", reply: "hello\r\n"})), mailsettings.KindProtocolError, 0},
		{"smtp/starttls-454", smtp, stls, "", opts(mailsettingstest.RefuseSTARTTLS()), mailsettings.KindSTARTTLSRefused, 0},
		{"smtp/starttls-hidden", smtp, stls, "", opts(mailsettingstest.HideSTARTTLS()), mailsettings.KindSTARTTLSNotOffered, 0},
		{"smtp/ehlo-500-helo-only", smtp, stls, "", opts(dialogue(greetS, exch{verb: "EHLO", reply: "500 5.5.1 unknown\r\n"}, exch{verb: "HELO", reply: "250 ok\r\n"})), mailsettings.KindSTARTTLSNotOffered, 0},
		{"smtp/ehlo-421", smtp, stls, "", opts(dialogue(greetS, exch{verb: "EHLO", reply: "421 4.3.2 shutting down\r\n", close: true})), mailsettings.KindServiceRefused, 0},
		{"smtp/multiline-mismatch", smtp, stls, "", opts(dialogue(greetS, exch{verb: "EHLO", reply: "250-x\r\n251 STARTTLS\r\n"})), mailsettings.KindProtocolError, 0},

		// T4: PREAUTH in plaintext.
		{"imap/preauth-plaintext", imap, stls, "", opts(mailsettingstest.WithGreeting("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")), mailsettings.KindPreauthPlaintext, 0},

		// T5: bad greetings.
		{"imap/garbage-greeting", imap, stls, "", opts(mailsettingstest.WithGreeting("1Gdo00V4 wFaIW2WP\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/tagged-greeting", imap, stls, "", opts(mailsettingstest.WithGreeting("a OK hi\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/bad-greeting", imap, stls, "", opts(mailsettingstest.WithGreeting("* BAD\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/empty-greeting", imap, stls, "", opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"imap/bye-greeting", imap, stls, "", opts(mailsettingstest.WithGreeting("* BYE shutting down\r\n")), mailsettings.KindServiceRefused, 0},
		{"imap/bye-greeting-tls", imap, itls, "", opts(mailsettingstest.WithGreeting("* BYE too many connections\r\n")), mailsettings.KindServiceRefused, 0},
		{"imap/smtp-banner", imap, stls, "", opts(mailsettingstest.WithGreeting("220 smtp.example.test ESMTP\r\n")), mailsettings.KindWrongProtocol, 0},
		{"imap/pop3-banner", imap, plain, "", opts(mailsettingstest.WithGreeting("+OK POP3 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"imap/capability-no", imap, itls, "", opts(dialogue("* OK hi\r\n", exch{verb: "CAPABILITY", reply: "{tag} NO not now\r\n"})), mailsettings.KindProtocolError, 0},
		{"imap/close-after-greeting", imap, itls, "", opts(hangUp("* OK hi\r\n")), mailsettings.KindConnectionClosed, 0},
		{"imap/close-at-once", imap, plain, stls, opts(hangUp("")), mailsettings.KindConnectionClosed, 0},
		{"pop3/err-greeting", pop3, stls, "", opts(mailsettingstest.WithGreeting("-ERR POP3 server ready. <1896.697170952@example.org>\r\n")), mailsettings.KindServiceRefused, 0},
		{"pop3/garbage-greeting", pop3, stls, "", opts(mailsettingstest.WithGreeting("1Gdo00V4 wFaIW2WP\r\n")), mailsettings.KindProtocolError, 0},
		{"pop3/empty-greeting", pop3, itls, "", opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"pop3/imap-banner", pop3, stls, "", opts(mailsettingstest.WithGreeting("* OK IMAP4rev1 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"pop3/smtp-banner", pop3, itls, "", opts(mailsettingstest.WithGreeting("220 smtp.example.test ESMTP\r\n")), mailsettings.KindWrongProtocol, 0},
		{"smtp/421-greeting", smtp, stls, "", opts(mailsettingstest.WithGreeting("421 4.3.2 try later\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/554-greeting", smtp, itls, "", opts(mailsettingstest.WithGreeting("554 5.7.1 no service for you\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/554-multiline-greeting", smtp, stls, "", opts(mailsettingstest.WithGreeting("554-no\r\n554 service\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/500-greeting", smtp, stls, "", opts(mailsettingstest.WithGreeting("500 what\r\n")), mailsettings.KindServiceRefused, 0},
		{"smtp/garbage-greeting", smtp, stls, "", opts(mailsettingstest.WithGreeting("SSH-2.0-OpenSSH_9.2\r\n")), mailsettings.KindProtocolError, 0},
		{"smtp/empty-greeting", smtp, plain, "", opts(mailsettingstest.WithGreeting("\r\n")), mailsettings.KindProtocolError, 0},
		{"smtp/imap-banner", smtp, stls, "", opts(mailsettingstest.WithGreeting("* OK IMAP4rev1 ready\r\n")), mailsettings.KindWrongProtocol, 0},
		{"smtp/pop3-banner", smtp, itls, "", opts(mailsettingstest.WithGreeting("+OK POP3 ready\r\n")), mailsettings.KindWrongProtocol, 0},

		// Bounds: huge lines, endless responses.
		{"imap/10MiB-greeting", imap, stls, "", opts(hugeLine("* OK ")), mailsettings.KindResponseTooLong, 0},
		{"imap/10MiB-greeting-tls", imap, itls, "", opts(hugeLine("* OK ")), mailsettings.KindResponseTooLong, 0},
		{"imap/endless-capability", imap, itls, "", opts(flood("* OK hi\r\n", "CAPABILITY", "", "* CAPABILITY IMAP4rev1 X\r\n")), mailsettings.KindResponseTooLong, 0},
		{"imap/endless-literal", imap, itls, "", opts(flood("* OK hi\r\n", "CAPABILITY", "* CAPABILITY {999999999}\r\n", "AAAAAAAA")), mailsettings.KindResponseTooLong, 0},
		{"pop3/10MiB-greeting", pop3, stls, "", opts(hugeLine("+OK ")), mailsettings.KindResponseTooLong, 0},
		{"pop3/endless-capa", pop3, itls, "", opts(flood(greetP, "CAPA", "+OK\r\n", "X-CAP\r\n")), mailsettings.KindResponseTooLong, 0},
		{"smtp/10MiB-greeting", smtp, stls, "", opts(hugeLine("220 ")), mailsettings.KindResponseTooLong, 0},
		{"smtp/endless-250", smtp, stls, "", opts(flood(greetS, "EHLO", "", "250-X\r\n")), mailsettings.KindResponseTooLong, 0},
		{"smtp/endless-220-greeting", smtp, itls, "", opts(flood("220-hi\r\n", "", "", "220-hello\r\n")), mailsettings.KindResponseTooLong, 0},

		// Silent and slow servers.
		{"imap/never-greets", imap, stls, "", opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"imap/never-handshakes", imap, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"imap/drip", imap, stls, "", opts(drip(greetI)), mailsettings.KindGreetingTimeout, short},
		{"pop3/never-greets", pop3, plain, "", opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"pop3/never-handshakes", pop3, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"pop3/drip", pop3, stls, "", opts(drip(greetP)), mailsettings.KindGreetingTimeout, short},
		{"smtp/never-greets", smtp, stls, "", opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"smtp/never-handshakes", smtp, plain, itls, opts(mailsettingstest.NeverGreet()), mailsettings.KindGreetingTimeout, short},
		{"smtp/drip", smtp, stls, "", opts(drip(greetS)), mailsettings.KindGreetingTimeout, short},
		{"smtp/silent-after-ehlo", smtp, itls, "", opts(dialogue(greetS, exch{verb: "EHLO", reply: "250-x\r\n"})), mailsettings.KindTimeout, 3 * time.Second},
	}
	for _, c := range []struct {
		code string
		want mailsettings.ErrorKind
	}{
		{"502 5.5.1 no", mailsettings.KindSTARTTLSRefused}, {"501 5.5.4 syntax", mailsettings.KindSTARTTLSRefused},
		{"354 go ahead", mailsettings.KindSTARTTLSRefused}, {"530 5.7.0 auth first", mailsettings.KindSTARTTLSRefused},
		{"221 bye", mailsettings.KindSTARTTLSRefused}, {"500 5.5.2 what", mailsettings.KindSTARTTLSRefused},
	} {
		fs = append(fs, fixture{"smtp/starttls-" + c.code[:3], smtp, stls, "", opts(mailsettingstest.WithSTARTTLSReply(c.code + "\r\n")), c.want, 0})
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
		host := string(p) + ".example.test"
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
				fs = append(fs, fixture{string(p) + "/" + c.name + "/" + string(enc), p, enc, "", opts(c.opt), c.want, 0})
			}
		}
	}
	fs = append(fs,
		fixture{"imap/wildcard-too-deep", imap, itls, "", opts(mailsettingstest.WithHost("a.b.example.test"), mailsettingstest.WithCert(must(testCA.Issue("*.example.test")))), mailsettings.KindCertNameMismatch, 0},
		fixture{"imap/partial-wildcard", imap, itls, "", opts(mailsettingstest.WithHost("foo.example.test"), mailsettingstest.WithCert(must(testCA.Issue("f*o.example.test")))), mailsettings.KindCertNameMismatch, 0},
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
			if f.client != "" {
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
