package mailservers

import (
	"context"
	"net"
	"slices"
	"syscall"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// Helpers of the mox and maddy tests.

const (
	goUser     = "alice@" + probeDomain
	goPassword = "right: horse battery staple"
	goWrong    = "wrong: horse battery staple"
)

// goServerConfig returns the configuration of the mox and maddy tests,
// with a certificate for the host name, autoconfig.DOMAIN and DOMAIN.
func goServerConfig(t *testing.T) (GoServerConfig, *mailsettings.Prober) {
	t.Helper()
	ca, cert := newCA(t, probeHost, "autoconfig."+probeDomain, probeDomain)
	c := GoServerConfig{
		Domain: probeDomain, Hostname: probeHost,
		CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM,
		Users: map[string]string{goUser: goPassword},
	}
	return c, newProber(ca, probeHost)
}

// A mapDialer dials the addresses in its map at the address they map to,
// refuses those that map to "", and dials every other address as given.
type mapDialer map[string]string

func (m mapDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if to, ok := m[address]; ok {
		if to == "" {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		address = to
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// probeGoServer probes e and checks logins with the right and a wrong
// password: the checks every protocol and mode of mox and maddy get.
func probeGoServer(t *testing.T, p *mailsettings.Prober, e mailsettings.ServerEndpoint) {
	t.Helper()
	res := probeOK(t, p, e)
	if !slices.Contains(res.AuthMechanisms, "PLAIN") {
		t.Errorf("AuthMechanisms = %v, want PLAIN among them", res.AuthMechanisms)
	}
	if res.CapabilitiesBeforeTLS {
		t.Error("capabilities were taken from before TLS")
	}
	res = checkLogin(t, p, e, goUser, goPassword, loginOK)
	if res.Login.Mechanism == "" {
		t.Errorf("Login = %+v: no mechanism reported", res.Login)
	}
	checkLogin(t, p, e, goUser, goWrong, mailsettings.KindAuthRejected)
}
