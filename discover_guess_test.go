package mailsettings_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// portMap dials "IP:port" addresses to the test servers listed, and
// refuses the rest; it records every address.
type portMap struct {
	mu     sync.Mutex
	to     map[string]string
	dialed []string
}

func (m *portMap) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	m.mu.Lock()
	m.dialed = append(m.dialed, addr)
	to, ok := m.to[addr]
	m.mu.Unlock()
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("connection refused (test: nothing at %s)", addr)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// nameLog records the names a Resolver is asked about.
type nameLog struct {
	mailsettings.Resolver
	mu    sync.Mutex
	names []string
}

func (r *nameLog) log(name string) {
	r.mu.Lock()
	r.names = append(r.names, name)
	r.mu.Unlock()
}

func (r *nameLog) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.log(host)
	return r.Resolver.LookupIPAddr(ctx, host)
}

func (r *nameLog) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	r.log(name)
	return r.Resolver.LookupMX(ctx, name)
}

func (r *nameLog) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.log(name)
	return r.Resolver.LookupSRV(ctx, service, proto, name)
}

func TestDiscoverGuess(t *testing.T) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	imap := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, mailsettingstest.WithHost("imap.guess.test"), mailsettingstest.WithCA(ca))
	smtp := mailsettingstest.NewServer(t, mailsettings.SMTP, mailsettings.STARTTLS, mailsettingstest.WithHost("smtp.guess.test"), mailsettingstest.WithCA(ca))
	// A certificate for another name: not reported.
	other, err := ca.Issue("other.test")
	if err != nil {
		t.Fatal(err)
	}
	mail := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, mailsettingstest.WithHost("mail.guess.test"), mailsettingstest.WithCA(ca), mailsettingstest.WithCert(other))
	// A plaintext banner without STARTTLS: never reported (no downgrade).
	pop := mailsettingstest.NewServer(t, mailsettings.POP3, mailsettings.STARTTLS, mailsettingstest.WithHost("pop.guess.test"), mailsettingstest.WithCA(ca), mailsettingstest.HideSTARTTLS())
	res := &mailsettingstest.Resolver{Hosts: map[string][]string{
		"imap.guess.test": {"127.0.0.2"}, "smtp.guess.test": {"127.0.0.3"},
		"mail.guess.test": {"127.0.0.4"}, "pop.guess.test": {"127.0.0.5"},
	}}
	dialer := &portMap{to: map[string]string{
		"127.0.0.2:993": imap.Addr(), "127.0.0.3:587": smtp.Addr(), "127.0.0.4:993": mail.Addr(), "127.0.0.5:110": pop.Addr(),
	}}
	names := &nameLog{Resolver: res}
	// InsecureSkipVerify must not let the wrong certificate through.
	d := &mailsettings.Discoverer{Resolver: names, Dialer: dialer, TLSConfig: &tls.Config{RootCAs: ca.Pool(), InsecureSkipVerify: true}, NoISPDB: true}

	// Not asked for: no guessing, no connection.
	if _, err := d.Discover(t.Context(), "dave@guess.test"); !errors.Is(err, mailsettings.ErrNotFound) {
		t.Fatalf("without Guess: %v, want ErrNotFound", err)
	}
	if len(dialer.dialed) != 0 {
		t.Fatalf("dialed %v without Guess", dialer.dialed)
	}

	d.Guess = true
	disc, err := d.Discover(t.Context(), "dave@guess.test")
	if err != nil {
		t.Fatal(err)
	}
	best, _ := disc.Best()
	if best.Source != "guess" || best.Trust != mailsettings.TrustInDomain ||
		!slices.Equal(best.Reasons, []mailsettings.Reason{mailsettings.Reason("guessed"), mailsettings.Reason("hosts-in-domain")}) {
		t.Fatalf("best = %v %v %v", best.Source, best.Trust, best.Reasons)
	}
	want := []mailsettings.ServerEndpoint{
		{Protocol: mailsettings.IMAP, Host: "imap.guess.test", Port: 993, Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress},
		{Protocol: mailsettings.SMTP, Host: "smtp.guess.test", Port: 587, Encryption: mailsettings.STARTTLS, Username: mailsettings.UsernameAddress},
	}
	if got := best.Endpoints(); !slices.Equal(got, want) {
		t.Errorf("endpoints =\n%v\nwant\n%v", got, want)
	}
	// Every name is asked fully qualified, so that a resolver's search
	// domains are never appended to a guessed name that does not exist.
	for _, n := range names.names {
		if !strings.HasSuffix(n, ".") {
			t.Errorf("asked about %q, not fully qualified", n)
		}
	}
	if !slices.Contains(names.names, "imap.guess.test.") || !slices.Contains(names.names, "mail.guess.test.") {
		t.Errorf("guessed names not asked: %q", names.names)
	}
	if mail.Connections() == 0 || pop.Connections() == 0 {
		t.Errorf("the wrong-certificate and no-STARTTLS servers were not tried (%d, %d connections)", mail.Connections(), pop.Connections())
	}
}
