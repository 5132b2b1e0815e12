package mailservers

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// The tests in this file assert the behaviour that issue 12 (and, for the
// last one, issue 14) asks for against real servers, for the defects that
// the issue lists. They fail until the probe code is fixed; each says
// which defect it is about.

// Issue 12: "imaps://localhost:993 fails with dns_not_found while a server
// listens: the name is asked fully qualified (localhost.), and Go's
// resolver then skips /etc/hosts for single-label names". The resolver is
// a Go resolver whose DNS questions go to a loopback server that knows no
// names (a -resolver flag gives the same), so only the hosts file can
// answer.
func TestDefectLocalhostFromHostsFile(t *testing.T) {
	ca, cert := newCA(t, "localhost")
	d := StartDovecotWith(t, DovecotConfig{CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM, Users: map[string]string{testUser: testPassword}})
	dns := dnstest.NewServer(t)
	p := &mailsettings.Prober{Resolver: dns.Resolver(), TLSConfig: &tls.Config{RootCAs: ca.Pool()}, Timeout: probeTimeout}
	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, d.IMAPS},
		{"pop3-stls", pop3, stls, d.POP3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := endpointAt(t, tc.proto, tc.enc, "localhost", tc.addr)
			res, err := p.Probe(probeContext(t), e)
			if err != nil {
				t.Fatalf("Probe(%v): %v (DNS questions: %v)", e, err, dns.Questions())
			}
			if !res.Verified {
				t.Errorf("Probe(%v): certificate not verified", e)
			}
		})
	}
}

// Issue 12: "IMAP CheckLogin never uses SASL LOGIN: a server offering only
// AUTH=LOGIN gets auth_unavailable for right and wrong passwords alike."
func TestDefectIMAPSASLLogin(t *testing.T) {
	testLoginOnly(t, imap)
}

// Issue 12: "POP3 CheckLogin against a server offering only SASL LOGIN
// falls back to USER/PASS, gets -ERR [AUTH] Unsupported authentication
// mechanism, and reports a correct password as auth_rejected."
func TestDefectPOP3SASLLogin(t *testing.T) {
	testLoginOnly(t, pop3)
}

func testLoginOnly(t *testing.T, proto mailsettings.Protocol) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecotWith(t, DovecotConfig{
		CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM,
		Users:          map[string]string{testUser: testPassword},
		AuthMechanisms: []string{"login"},
	})
	p := newProber(ca, probeHost)
	addrs := map[mailsettings.Encryption]string{itls: d.IMAPS, stls: d.IMAP}
	if proto == pop3 {
		addrs = map[mailsettings.Encryption]string{itls: d.POP3S, stls: d.POP3}
	}
	for _, enc := range []mailsettings.Encryption{itls, stls} {
		t.Run(string(enc), func(t *testing.T) {
			e := endpointAt(t, proto, enc, probeHost, addrs[enc])
			res := checkLogin(t, p, e, testUser, testPassword, loginOK)
			if res.Login.Mechanism != "LOGIN" {
				t.Errorf("Login.Mechanism = %q, want LOGIN (the only one offered)", res.Login.Mechanism)
			}
			res = checkLogin(t, p, e, testUser, "wrong password", mailsettings.KindAuthRejected)
			if res.Login != nil && res.Login.Mechanism != "LOGIN" {
				t.Errorf("wrong password: Login.Mechanism = %q, want LOGIN", res.Login.Mechanism)
			}
		})
	}
}

// Issue 12: "A STARTTLS probe aimed at an implicit-TLS port is diagnosed
// correctly, but only after about 75 % of the whole timeout: both sides
// wait for the other to speak." With a greeting wait of its own (a few
// seconds, well under the timeout) the diagnosis must come in well under
// half of the configured timeout, and the fix must name implicit TLS.
func TestDefectSTARTTLSOnImplicitPortIsQuick(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecot(t, cert.CertPEM, cert.KeyPEM, nil)
	pf := StartPostfix(t, cert.CertPEM, cert.KeyPEM)
	p := newProber(ca, probeHost)
	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		addr  string
	}{
		{"imap-on-imaps", imap, d.IMAPS},
		{"pop3-on-pop3s", pop3, d.POP3S},
		{"submission-on-submissions", submission, pf.Submissions},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			_, err := p.Probe(probeContext(t), endpointAt(t, tc.proto, stls, probeHost, tc.addr))
			took := time.Since(start)
			pe := wantKind(t, err, mailsettings.KindExpectedPlaintextGotTLS)
			if took >= p.Timeout/2 {
				t.Errorf("diagnosis took %v, want well under the timeout (< %v of %v)", took.Round(time.Millisecond), p.Timeout/2, p.Timeout)
			}
			if fix := pe.Fix().In("en"); !strings.Contains(fix, "implicit TLS") {
				t.Errorf("Fix %q does not name implicit TLS", fix)
			}
		})
	}
}

// Issue 12: "the implicit-TLS mismatch message quotes only 5 bytes of the
// greeting": it must quote enough of it to recognise the server.
func TestDefectMismatchQuotesGreeting(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecot(t, cert.CertPEM, cert.KeyPEM, nil)
	pf := StartPostfix(t, cert.CertPEM, cert.KeyPEM)
	p := newProber(ca, probeHost)
	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		addr  string
		want  []string // a part of the greeting that tells what answered; one of
	}{
		{"postfix", submission, pf.Submission, []string{"220 mail.example.test ESMTP Postfix"}},
		// A Dovecot whose auth process is slow to start (a loaded
		// machine) greets "* OK Waiting for authentication process to
		// respond.." first: a whole line too.
		{"dovecot", imap, d.IMAP, []string{"* OK [CAPABILITY IMAP4rev1", "* OK Waiting for authentication process"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Probe(probeContext(t), endpointAt(t, tc.proto, itls, probeHost, tc.addr))
			pe := wantKind(t, err, mailsettings.KindExpectedTLSGotPlaintext)
			quotes := func(s string) bool {
				for _, w := range tc.want {
					if strings.Contains(s, w) {
						return true
					}
				}
				return false
			}
			if !quotes(pe.ServerText) {
				t.Errorf("ServerText = %q, want it to hold one of %q", pe.ServerText, tc.want)
			}
			if ex := pe.Explanation().In("en"); !quotes(ex) {
				t.Errorf("Explanation %q does not quote one of %q", ex, tc.want)
			}
		})
	}
}

// Issue 12: "Messages: a IMAP server, a SMTP port". The wrong-protocol
// diagnoses of real servers must use "an" before IMAP and SMTP.
func TestDefectArticles(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecot(t, cert.CertPEM, cert.KeyPEM, nil)
	pf := StartPostfix(t, cert.CertPEM, cert.KeyPEM)
	p := newProber(ca, probeHost)
	badArticle := regexp.MustCompile(`\b[Aa] (IMAP|SMTP)\b`)
	for _, tc := range []struct {
		name  string
		proto mailsettings.Protocol
		addr  string
		found mailsettings.Protocol
	}{
		{"imap-at-postfix", imap, pf.Submissions, submission},
		{"submission-at-dovecot", submission, d.IMAPS, imap},
		{"pop3-at-postfix", pop3, pf.Submissions, submission},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Probe(probeContext(t), endpointAt(t, tc.proto, itls, probeHost, tc.addr))
			pe := wantKind(t, err, mailsettings.KindWrongProtocol)
			if pe.Detected != tc.found {
				t.Errorf("Detected = %v, want %v", pe.Detected, tc.found)
			}
			for what, text := range map[string]string{
				"Error":       err.Error(),
				"Explanation": pe.Explanation().In("en"),
				"Fix":         pe.Fix().In("en"),
			} {
				if m := badArticle.FindString(text); m != "" {
					t.Errorf("%s says %q: %s", what, m, text)
				}
			}
		})
	}
}

// Issue 12: "Probe dials the resolved addresses one after another under one
// shared deadline: when the first address is blackholed the whole timeout
// is spent there and the working address is never tried". The blackholed
// address is a loopback listener whose accept queue is full, so that the
// kernel drops further SYNs: a connection to it hangs like one to a dead
// route. Bounds are relative to the configured timeout: one dead address
// of two may cost at most about half of it (net.Dialer's split), a dead
// address of the other family only the Happy Eyeballs head start.
func TestDefectBlackholedFirstAddress(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecot(t, cert.CertPEM, cert.KeyPEM, nil)
	port := portOf(t, d.IMAPS)
	for _, tc := range []struct {
		name      string
		blackhole string
		maxShare  float64 // of the timeout
	}{
		{"same-family", "127.0.0.2", 0.75},
		{"ipv6-first", "::1", 0.25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			blackhole(t, tc.blackhole, port)
			p := &mailsettings.Prober{
				Resolver:  &mailsettingstest.Resolver{Hosts: map[string][]string{probeHost: {tc.blackhole, "127.0.0.1"}}},
				TLSConfig: &tls.Config{RootCAs: ca.Pool()},
				Timeout:   10 * time.Second,
			}
			start := time.Now()
			res, err := p.Probe(probeContext(t), endpointAt(t, imap, itls, probeHost, d.IMAPS))
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Probe with %s blackholed first: %v (after %v)", tc.blackhole, err, took.Round(time.Millisecond))
			}
			if res.Addr != d.IMAPS {
				t.Errorf("Addr = %q, want %s", res.Addr, d.IMAPS)
			}
			if limit := time.Duration(tc.maxShare * float64(p.Timeout)); took > limit {
				t.Errorf("probe took %v, want at most %v (%.0f%% of the %v timeout)", took.Round(time.Millisecond), limit, 100*tc.maxShare, p.Timeout)
			}
		})
	}
}

// blackhole makes ip:port accept no connections without refusing them: a
// listener with a backlog of 0 whose queue is filled and never accepted
// from. It is closed when the test ends. Without the address (no IPv6 on
// loopback) the test is skipped, or failed in CI.
func blackhole(t *testing.T, ip string, port uint16) {
	t.Helper()
	addr := net.ParseIP(ip)
	family, sa := syscall.AF_INET, syscall.Sockaddr(nil)
	if v4 := addr.To4(); v4 != nil {
		sa4 := &syscall.SockaddrInet4{Port: int(port)}
		copy(sa4.Addr[:], v4)
		sa = sa4
	} else {
		family = syscall.AF_INET6
		sa6 := &syscall.SockaddrInet6{Port: int(port)}
		copy(sa6.Addr[:], addr.To16())
		sa = sa6
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err == nil {
		err = syscall.Bind(fd, sa)
		if err == nil {
			err = syscall.Listen(fd, 0)
		}
		if err != nil {
			syscall.Close(fd)
		}
	}
	if err != nil {
		msg := "mailservers: cannot listen on " + net.JoinHostPort(ip, strconv.Itoa(int(port))) + ": " + err.Error()
		testenv.Unusable(t, msg)
	}
	ln := os.NewFile(uintptr(fd), "blackhole")
	t.Cleanup(func() { ln.Close() })
	target := net.JoinHostPort(ip, strconv.Itoa(int(port)))
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", target, 300*time.Millisecond)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return // full: SYNs are dropped now
			}
			t.Fatalf("mailservers: fill the blackhole at %s: %v", target, err)
		}
		t.Cleanup(func() { c.Close() })
		if i == 8 {
			t.Fatalf("mailservers: the listener at %s keeps accepting connections", target)
		}
	}
}

// Issue 14: "mox serves autoconfig ... discover against a real mox and
// check its answers are read right." Asked with ?emailaddress= (Discoverer
// SendAddress), mox writes the address itself as <username> instead of the
// %EMAILADDRESS% placeholder, as Thunderbird allows; the parser drops
// every entry whose username is not a placeholder, so the answer is lost.
// A username equal to the queried address must be read as the address.
func TestDefectMoxAutoconfigWithAddress(t *testing.T) {
	c, p := goServerConfig(t)
	m := StartMox(t, c)
	dns := dnstest.NewServer(t, moxZone(t, m)...)
	d := &mailsettings.Discoverer{
		Resolver:    dns.Resolver(),
		Dialer:      mapDialer{"127.0.0.1:443": m.HTTPS},
		TLSConfig:   &tls.Config{RootCAs: p.TLSConfig.RootCAs},
		NoISPDB:     true,
		SendAddress: true,
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	disc, err := d.Discover(ctx, goUser)
	if err != nil {
		t.Fatalf("Discover: %v (%v)", err, disc.Errors)
	}
	best, _ := disc.Best()
	if best.Source != "autoconfig" {
		t.Fatalf("best candidate from %v (%s), want autoconfig; errors %v", best.Source, best.URL, disc.Errors)
	}
	wantEndpoints(t, best.Endpoints(),
		mailsettings.ServerEndpoint{Protocol: imap, Host: probeHost, Port: portOf(t, m.IMAPS), Encryption: itls, Username: mailsettings.UsernameAddress},
		mailsettings.ServerEndpoint{Protocol: submission, Host: probeHost, Port: portOf(t, m.Submissions), Encryption: itls, Username: mailsettings.UsernameAddress},
	)
}
