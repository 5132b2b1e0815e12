package mailsettingstest_test

// These tests use mailsettingstest and mailsettings the way a downstream
// program's tests would: only their exported API, against a fake provider
// for example.test.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

const (
	alice         = "alice@example.test"
	alicePassword = "correct horse"
)

// ctx returns a context for one step of a test. Its deadline only stops a
// hung test; no assertion depends on it.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestDownstreamDiscoverProbeLogin(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "Example.TEST",
		mailsettingstest.WithAutoconfig(),
		mailsettingstest.WithServerOptions(mailsettingstest.WithUsers(map[string]string{alice: alicePassword})))

	if fake.Domain != "example.test" {
		t.Errorf("Domain = %q, want it normalized", fake.Domain)
	}
	// The default servers, in the library's order of preference.
	type pe struct {
		p mailsettings.Protocol
		e mailsettings.Encryption
	}
	var got []pe
	for _, e := range fake.Provider.Info().Endpoints {
		got = append(got, pe{e.Protocol, e.Encryption})
		if srv := fake.Server(e.Protocol, e.Encryption); srv == nil || srv.Endpoint() != e {
			t.Errorf("endpoint %v has no server", e)
		}
	}
	want := []pe{
		{mailsettings.IMAP, mailsettings.ImplicitTLS}, {mailsettings.IMAP, mailsettings.STARTTLS},
		{mailsettings.POP3, mailsettings.ImplicitTLS},
		{mailsettings.SMTP, mailsettings.ImplicitTLS}, {mailsettings.SMTP, mailsettings.STARTTLS},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("endpoints %v, want %v", fake.Provider.Info().Endpoints, want)
	}

	// Lookup is offline and knows only the built-in table: a test domain
	// is unknown to it. The hook for test domains is Discoverer.Providers.
	s, err := mailsettings.Lookup(alice)
	if !errors.Is(err, mailsettings.ErrUnknownDomain) || s.Domain != "example.test" || !s.Provider.IsZero() {
		t.Errorf("Lookup(%q) = %+v, %v; want the normalized domain and ErrUnknownDomain", alice, s, err)
	}

	d := fake.Discoverer()
	t.Run("Providers", func(t *testing.T) {
		disc, err := d.Discover(ctx(t), alice)
		if err != nil {
			t.Fatal(err)
		}
		best, ok := disc.Best()
		if !ok || len(disc.Candidates) != 1 {
			t.Fatalf("candidates %v", disc.Candidates)
		}
		if best.Source != "caller" || best.Trust != mailsettings.TrustCaller || best.Provider != fake.Provider {
			t.Errorf("best: source %v, trust %v, provider %v", best.Source, best.Trust, best.Provider)
		}
		if u := best.Username(best.Endpoints()[0]); u != alice {
			t.Errorf("username %q, want %q", u, alice)
		}
	})

	// Without the shortcut, discovery goes over DNS and HTTPS as in
	// production, and finds the autoconfig document the fake publishes.
	d.Providers = nil
	disc, err := d.Discover(ctx(t), alice)
	if err != nil {
		t.Fatal(err)
	}
	best, ok := disc.Best()
	if !ok {
		t.Fatalf("no candidate; errors %v", disc.Errors)
	}
	if best.Source != "autoconfig" || best.Trust != mailsettings.TrustAuthenticated ||
		best.URL != "https://autoconfig.example.test/mail/config-v1.1.xml" {
		t.Errorf("best: source %v, trust %v, URL %q", best.Source, best.Trust, best.URL)
	}
	if !slices.Equal(best.Endpoints(), fake.Provider.Info().Endpoints) {
		t.Errorf("autoconfig endpoints %v, want %v", best.Endpoints(), fake.Provider.Info().Endpoints)
	}

	// Every discovered endpoint works, with a verified certificate.
	p := fake.Prober()
	for _, r := range p.ProbeAll(ctx(t), best.Endpoints()) {
		if r.Err != nil {
			t.Errorf("%v: %v", r.Result.Endpoint, r.Err)
			continue
		}
		if !r.Result.Verified || r.Result.TLSVersion == 0 || r.Result.Certificate == nil {
			t.Errorf("%v: verified %v, TLS %s", r.Result.Endpoint, r.Result.Verified, tls.VersionName(r.Result.TLSVersion))
		}
		if r.Result.GreetingBeforeTLS != (r.Result.Endpoint.Encryption == mailsettings.STARTTLS) {
			t.Errorf("%v: greeting before TLS %v", r.Result.Endpoint, r.Result.GreetingBeforeTLS)
		}
	}

	// The right password logs in everywhere, only over TLS; a wrong one is
	// rejected with a kind a program can branch on.
	for _, e := range best.Endpoints() {
		user := best.Username(e)
		res, err := p.CheckLogin(ctx(t), e, mailsettings.Credentials{Username: user, Password: alicePassword})
		if err != nil || res.Login == nil || !res.Login.Accepted {
			t.Errorf("%v: login as %q: %+v, %v", e, user, res, err)
		}
		_, err = p.CheckLogin(ctx(t), e, mailsettings.Credentials{Username: user, Password: "wrong"})
		if !errors.Is(err, mailsettings.KindAuthRejected) {
			t.Errorf("%v: wrong password: %v, want %s", e, err, mailsettings.KindAuthRejected)
		}
	}
	for _, srv := range fake.Servers {
		srv.Close() // the transcript is complete after Close
		cmds := srv.Transcript().CredentialCommands()
		if len(cmds) < 2 {
			t.Errorf("%v: credential commands %v, want two logins", srv.Endpoint(), cmds)
		}
		for _, c := range cmds {
			if !c.AfterTLS {
				t.Errorf("%v: %q sent before TLS", srv.Endpoint(), c.Text)
			}
		}
	}
}

func TestDownstreamMisbehavingServers(t *testing.T) {
	broken := mailsettingstest.NewProvider(t, "example.test",
		mailsettingstest.WithServerOptions(mailsettingstest.WithUsers(map[string]string{alice: alicePassword})),
		mailsettingstest.WithServer(mailsettings.IMAP, mailsettings.STARTTLS, mailsettingstest.RefuseSTARTTLS()),
		mailsettingstest.WithServer(mailsettings.POP3, mailsettings.STARTTLS, mailsettingstest.HideSTARTTLS()),
		mailsettingstest.WithServer(mailsettings.SMTP, mailsettings.ImplicitTLS, mailsettingstest.ExpiredCertificate()),
		mailsettingstest.WithServer(mailsettings.SMTP, mailsettings.STARTTLS, mailsettingstest.NeverGreet()),
	)
	p := broken.Prober()
	creds := mailsettings.Credentials{Username: alice, Password: alicePassword}

	wantKind := map[mailsettings.Protocol]mailsettings.ErrorKind{
		mailsettings.IMAP: mailsettings.KindSTARTTLSRefused,
		mailsettings.POP3: mailsettings.KindSTARTTLSNotOffered,
		mailsettings.SMTP: mailsettings.KindCertExpired,
	}
	var endpoints []mailsettings.ServerEndpoint
	for _, srv := range broken.Servers[:3] {
		endpoints = append(endpoints, srv.Endpoint())
	}
	for _, r := range p.ProbeAll(ctx(t), endpoints) {
		e := r.Result.Endpoint
		want := wantKind[e.Protocol]
		if mailsettings.KindOf(r.Err) != want || !errors.Is(r.Err, want) {
			t.Errorf("%v: %v, want %s", e, r.Err, want)
			continue
		}
		var pe *mailsettings.ProbeError
		if !errors.As(r.Err, &pe) || pe.Endpoint != e {
			t.Errorf("%v: %#v is not a *ProbeError for the endpoint", e, r.Err)
		}
		if want == mailsettings.KindCertExpired {
			var ce x509.CertificateInvalidError
			if !errors.As(r.Err, &ce) || ce.Reason != x509.Expired || !pe.CertNotAfter.Before(time.Now()) {
				t.Errorf("%v: cause %v, not after %v", e, r.Err, pe.CertNotAfter)
			}
		}
		if pe.Explanation().In("en") == "" || pe.Fix().In("zh") == "" {
			t.Errorf("%v: no explanation or fix", e)
		}
		// A credential check fails the same way and sends no credential.
		if _, err := p.CheckLogin(ctx(t), e, creds); mailsettings.KindOf(err) != want {
			t.Errorf("%v: CheckLogin: %v, want %s", e, err, want)
		}
	}

	// A server that never greets: the probe waits until its deadline. The
	// deadline here passes once the server has accepted the connection and
	// the client waits for the greeting, so the outcome does not depend on
	// the machine's speed.
	silent := broken.Server(mailsettings.SMTP, mailsettings.STARTTLS)
	dl := newManualDeadline()
	waiting := *p
	waiting.Dialer = expireOnRead{broken.Dialer(), dl, silent}
	_, err := waiting.Probe(dl, silent.Endpoint())
	if k := mailsettings.KindOf(err); k != mailsettings.KindGreetingTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("never greets: %v (kind %q), want %s", err, k, mailsettings.KindGreetingTimeout)
	}
	if silent.Connections() != 1 {
		t.Errorf("never greets: %d connections, want 1", silent.Connections())
	}

	for _, srv := range broken.Servers {
		srv.Close()
		if cmds := srv.Transcript().CredentialCommands(); len(cmds) != 0 {
			t.Errorf("%v: credentials sent to a broken server: %v", srv.Endpoint(), cmds)
		}
	}
}

// A manualDeadline is a context whose deadline passes when expire is
// called.
type manualDeadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newManualDeadline() *manualDeadline {
	return &manualDeadline{Context: context.Background(), done: make(chan struct{})}
}

func (c *manualDeadline) Done() <-chan struct{} { return c.done }

func (c *manualDeadline) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *manualDeadline) expire() { c.once.Do(func() { close(c.done) }) }

// expireOnRead dials with Dialer and expires dl when the client first
// reads from the connection, once srv has accepted it.
type expireOnRead struct {
	mailsettings.Dialer
	dl  *manualDeadline
	srv *mailsettingstest.Server
}

func (d expireOnRead) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return expiringConn{c, d}, nil
}

type expiringConn struct {
	net.Conn
	d expireOnRead
}

func (c expiringConn) Read(b []byte) (int, error) {
	for c.d.srv.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.d.dl.expire()
	return c.Conn.Read(b)
}
