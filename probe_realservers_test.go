package mailsettings_test

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/mailservers"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// The real-server tests probe Dovecot and Postfix started on loopback by
// internal/mailservers, with certificates from a mailsettingstest CA made
// here. They skip when the servers are not installed (naming the apt-get
// command), and fail instead when the environment variable CI is true.

// realHost is the name the real servers' certificates are for; the test
// resolver maps it (and wrongHost) to 127.0.0.1.
const (
	realHost  = "mail.example.test"
	wrongHost = "other.example.test"
)

// realEndpoint returns the endpoint for a "127.0.0.1:port" address under
// host.
func realEndpoint(t *testing.T, p mailsettings.Protocol, enc mailsettings.Encryption, host, addr string) mailsettings.ServerEndpoint {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return endpoint(p, host, uint16(n), enc)
}

// realProbers returns a prober that trusts ca and one that does not.
func realProbers(ca *mailsettingstest.CA) (trusting, untrusting *mailsettings.Prober) {
	r := mailsettingstest.LoopbackResolver(realHost, wrongHost)
	trusting = &mailsettings.Prober{Resolver: r, TLSConfig: &tls.Config{RootCAs: ca.Pool()}}
	untrusting = &mailsettings.Prober{Resolver: r}
	return trusting, untrusting
}

func realCert(t *testing.T) (*mailsettingstest.CA, *mailsettingstest.Cert) {
	t.Helper()
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(realHost, "localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return ca, cert
}

// checkReal probes e with both probers: it must pass with the CA trusted
// and fail with cert_untrusted without it, and fail with cert_name_mismatch
// under the wrong name.
func checkReal(t *testing.T, trusting, untrusting *mailsettings.Prober, e mailsettings.ServerEndpoint) *mailsettings.ProbeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := trusting.Probe(ctx, e)
	if err != nil {
		t.Fatalf("Probe(%v) with the CA trusted: %v", e, err)
	}
	if !res.Verified || res.TLSVersion == 0 || res.Greeting == "" || len(res.Capabilities) == 0 {
		t.Errorf("Probe(%v) = verified %v, TLS %s, greeting %q, capabilities %v", e, res.Verified, tls.VersionName(res.TLSVersion), res.Greeting, res.Capabilities)
	}
	if res.Certificate == nil || !slices.Contains(res.Certificate.DNSNames, realHost) {
		t.Errorf("certificate %+v", res.Certificate)
	}
	_, err = untrusting.Probe(ctx, e)
	wantKind(t, err, mailsettings.KindCertUntrusted)
	wrong := e
	wrong.Host = wrongHost
	_, err = trusting.Probe(ctx, wrong)
	pe := wantKind(t, err, mailsettings.KindCertNameMismatch)
	if !slices.Contains(pe.CertNames, realHost) {
		t.Errorf("CertNames = %v, want %s among them", pe.CertNames, realHost)
	}
	return res
}

func TestRealDovecot(t *testing.T) {
	ca, cert := realCert(t)
	d := mailservers.StartDovecot(t, cert.CertPEM, cert.KeyPEM, map[string]string{"alice": "right-password"})
	trusting, untrusting := realProbers(ca)
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imap-starttls", imap, stls, d.IMAP},
		{"imaps", imap, itls, d.IMAPS},
		{"pop3-stls", pop3, stls, d.POP3},
		{"pop3s", pop3, itls, d.POP3S},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := realEndpoint(t, c.proto, c.enc, realHost, c.addr)
			res := checkReal(t, trusting, untrusting, e)
			if !slices.Contains(res.AuthMechanisms, "PLAIN") {
				t.Errorf("AuthMechanisms = %v, want PLAIN", res.AuthMechanisms)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := trusting.CheckLogin(ctx, e, mailsettings.Credentials{Username: "alice", Password: "right-password"})
			if err != nil || !res.Login.Accepted {
				t.Errorf("CheckLogin(right password) = %v, %+v", err, res.Login)
			}
			_, err = trusting.CheckLogin(ctx, e, mailsettings.Credentials{Username: "alice", Password: "wrong"})
			wantKind(t, err, mailsettings.KindAuthRejected)
		})
	}
	t.Run("implicit-tls-on-starttls-port", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := trusting.Probe(ctx, realEndpoint(t, imap, itls, realHost, d.IMAP))
		if pe := wantKind(t, err, mailsettings.KindExpectedTLSGotPlaintext); pe.Detected != imap {
			t.Errorf("Detected = %v", pe.Detected)
		}
	})
	t.Run("starttls-on-implicit-port", func(t *testing.T) {
		// The probe waits 6 s for a greeting, then has 2 s for the TLS check.
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		defer cancel()
		_, err := trusting.Probe(ctx, realEndpoint(t, pop3, stls, realHost, d.POP3S))
		wantKind(t, err, mailsettings.KindExpectedPlaintextGotTLS)
	})
}

func TestRealPostfix(t *testing.T) {
	ca, cert := realCert(t)
	p := mailservers.StartPostfix(t, cert.CertPEM, cert.KeyPEM)
	trusting, untrusting := realProbers(ca)
	for _, c := range []struct {
		name string
		enc  mailsettings.Encryption
		addr string
	}{
		{"submission-starttls", stls, p.Submission},
		{"submissions", itls, p.Submissions},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkReal(t, trusting, untrusting, realEndpoint(t, smtp, c.enc, realHost, c.addr))
		})
	}
	t.Run("implicit-tls-on-587", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := trusting.Probe(ctx, realEndpoint(t, smtp, itls, realHost, p.Submission))
		wantKind(t, err, mailsettings.KindExpectedTLSGotPlaintext)
	})
	t.Run("credentials-without-auth", func(t *testing.T) {
		// This Postfix offers no AUTH: the check stops without sending.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := trusting.CheckLogin(ctx, realEndpoint(t, smtp, itls, realHost, p.Submissions), mailsettings.Credentials{Username: "alice", Password: "x"})
		wantKind(t, err, mailsettings.KindAuthUnavailable)
	})
}
