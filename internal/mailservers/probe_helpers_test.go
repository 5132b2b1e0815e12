package mailservers

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// The probe tests of this package use mailsettings' exported API against
// the real servers started here. Certificates are for probeHost (and the
// other names a test needs); the probers' resolver maps probeHost to
// 127.0.0.1.
const (
	probeDomain = "example.test"
	probeHost   = "mail.example.test"
	// probeTimeout bounds one probe in these tests.
	probeTimeout = 20 * time.Second
)

const (
	imap       = mailsettings.IMAP
	pop3       = mailsettings.POP3
	submission = mailsettings.SMTP // net/smtp is imported as smtp
	itls       = mailsettings.ImplicitTLS
	stls       = mailsettings.STARTTLS
	loginOK    = mailsettings.ErrorKind("") // checkLogin: the login must succeed
)

// newCA returns a throwaway CA and a certificate from it for names.
func newCA(t *testing.T, names ...string) (*mailsettingstest.CA, *mailsettingstest.Cert) {
	t.Helper()
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(names...)
	if err != nil {
		t.Fatal(err)
	}
	return ca, cert
}

// newProber returns a prober that trusts ca and resolves every name in
// hosts to 127.0.0.1.
func newProber(ca *mailsettingstest.CA, hosts ...string) *mailsettings.Prober {
	return &mailsettings.Prober{
		Resolver:  mailsettingstest.LoopbackResolver(hosts...),
		TLSConfig: &tls.Config{RootCAs: ca.Pool()},
		Timeout:   probeTimeout,
	}
}

// endpointAt returns the endpoint for the "127.0.0.1:port" address addr
// under host, with the full address as username.
func endpointAt(t *testing.T, p mailsettings.Protocol, enc mailsettings.Encryption, host, addr string) mailsettings.ServerEndpoint {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return mailsettings.ServerEndpoint{Protocol: p, Host: host, Port: uint16(n), Encryption: enc, Username: mailsettings.UsernameAddress}
}

// portOf returns the port of a "host:port" address.
func portOf(t *testing.T, addr string) uint16 {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(n)
}

func probeContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*probeTimeout)
	t.Cleanup(cancel)
	return ctx
}

// wantKind fails the test unless err is a *mailsettings.ProbeError of kind
// want, and returns it.
func wantKind(t *testing.T, err error, want mailsettings.ErrorKind) *mailsettings.ProbeError {
	t.Helper()
	if got := mailsettings.KindOf(err); got != want {
		t.Fatalf("error kind %q, want %q (error: %v)", got, want, err)
	}
	pe, _ := err.(*mailsettings.ProbeError)
	if pe == nil {
		t.Fatalf("error %T is not a *mailsettings.ProbeError", err)
	}
	return pe
}

// checkLogin runs CheckLogin with user and password and checks the
// outcome: accepted when want is loginOK, else a failure of kind want.
func checkLogin(t *testing.T, p *mailsettings.Prober, e mailsettings.ServerEndpoint, user, password string, want mailsettings.ErrorKind) *mailsettings.ProbeResult {
	t.Helper()
	res, err := p.CheckLogin(probeContext(t), e, mailsettings.Credentials{Username: user, Password: password})
	if want == loginOK {
		if err != nil {
			t.Fatalf("CheckLogin(%v, right password): %v", e, err)
		}
		if res.Login == nil || !res.Login.Accepted {
			t.Fatalf("CheckLogin(%v, right password): Login = %+v, want accepted", e, res.Login)
		}
		return res
	}
	wantKind(t, err, want)
	if res.Login != nil && res.Login.Accepted {
		t.Errorf("CheckLogin(%v) failed with %v but Login = %+v", e, err, res.Login)
	}
	return res
}

// probeOK probes e and checks that it succeeded with a verified certificate
// for probeHost.
func probeOK(t *testing.T, p *mailsettings.Prober, e mailsettings.ServerEndpoint) *mailsettings.ProbeResult {
	t.Helper()
	res, err := p.Probe(probeContext(t), e)
	if err != nil {
		t.Fatalf("Probe(%v): %v", e, err)
	}
	if !res.Verified || res.TLSVersion == 0 || res.Greeting == "" || len(res.Capabilities) == 0 {
		t.Errorf("Probe(%v) = verified %v, TLS %q, greeting %q, capabilities %v", e, res.Verified, tls.VersionName(res.TLSVersion), res.Greeting, res.Capabilities)
	}
	return res
}
