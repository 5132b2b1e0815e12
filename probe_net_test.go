package mailsettings_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
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
		step mailsettings.Step
	}{
		{"no-such-host", mailsettings.Prober{Resolver: &mailsettingstest.Resolver{}}, endpoint(imap, "nx.example.test", 993, itls), time.Second, mailsettings.KindDNSNotFound, mailsettings.Step("resolve")},
		{"dns-failure", mailsettings.Prober{Resolver: failingResolver{}}, endpoint(imap, "imap.example.test", 993, itls), time.Second, mailsettings.KindDNSFailure, mailsettings.Step("resolve")},
		{"refused", mailsettings.Prober{Resolver: loop}, endpoint(imap, "imap.example.test", closedPort(t), itls), 5 * time.Second, mailsettings.KindConnectionRefused, mailsettings.Step("connect")},
		{"refused-ip", mailsettings.Prober{}, endpoint(smtp, "127.0.0.1", closedPort(t), stls), 5 * time.Second, mailsettings.KindConnectionRefused, mailsettings.Step("connect")},
		{"blackhole", mailsettings.Prober{Resolver: loop, Dialer: mailsettingstest.BlackholeDialer{}}, endpoint(imap, "imap.example.test", 993, itls), short, mailsettings.KindConnectTimeout, mailsettings.Step("connect")},
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
			res, err := probe(t, srv, 0, longWait)
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
	res, err := probe(t, srv, 0, longWait)
	if err != nil || !res.Preauth {
		t.Fatalf("Probe: %v, Preauth %v; want success with Preauth", err, res.Preauth)
	}
}

func TestProbeSanitizesServerText(t *testing.T) {
	srv := newServer(t, smtp, stls, mailsettingstest.WithGreeting("220-evil \x1b[2J\x07 "+strings.Repeat("x", 1000)+"\r\n220 \u202eoops\r\n"))
	res, err := probe(t, srv, 0, longWait)
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
	_, err = probe(t, srv2, 0, longWait)
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
	kinds := mailsettings.ErrorKinds()
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
		pe := &mailsettings.ProbeError{Endpoint: endpoint(smtp, "smtp.example.test", 465, itls), Step: mailsettings.Step("tls"), Kind: k, Err: errors.New("cause")}
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
		{mailsettings.ProbeError{Endpoint: e(smtp, 587, stls), Kind: mailsettings.KindTimeout, Step: mailsettings.Step("starttls")}, "during the STARTTLS command", "在执行STARTTLS命令时", "Try again later", "请稍后重试", "starttls"},
		{mailsettings.ProbeError{Endpoint: e(imap, 993, itls), Kind: mailsettings.KindConnectionClosed, Step: mailsettings.Step("capabilities")}, "during the capability request", "在查询服务器功能", "Try again later", "请稍后重试", "capabilities"},
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
		_, err := probe(t, srv, 0, longWait)
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
