package mailservers

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
)

// The tests in this file start Dovecot and Postfix in the configurations
// that issue 12 names (SASL LOGIN only, TLS 1.3 only with an ECDSA key, an
// expired certificate, TLS 1.1 and older only), check that each server
// really is configured that way, and probe it through mailsettings'
// exported API. The probe behaviour that is still wrong today is tested
// in defects_test.go.

// rawTLS connects to addr, or to addr after STARTTLS when starttls is the
// protocol's command, with cfg, and returns the connection state or the
// handshake error.
func rawTLS(t *testing.T, addr string, starttls mailsettings.Protocol, cfg *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if starttls != "" {
		c := &conn{t: t, c: nc, br: bufio.NewReader(nc)}
		switch starttls {
		case imap:
			c.expect("* OK")
			if _, st := c.imapCmd("s", "STARTTLS"); !strings.HasPrefix(st, "s OK") {
				t.Fatalf("STARTTLS: %q", st)
			}
		case pop3:
			c.expect("+OK")
			c.send("STLS")
			c.expect("+OK")
		case submission:
			c.expect("220 ")
			c.send("EHLO client.example.test")
			for !strings.HasPrefix(c.readLine(), "250 ") {
			}
			c.send("STARTTLS")
			c.expect("220 ")
		}
	}
	tc := tls.Client(nc, cfg)
	err = tc.Handshake()
	return tc.ConnectionState(), err
}

func TestDovecotLoginOnly(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	d := StartDovecotWith(t, DovecotConfig{
		CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM,
		Users:          map[string]string{testUser: testPassword},
		AuthMechanisms: []string{"login"},
	})
	p := newProber(ca, probeHost)
	tlsConfig := &tls.Config{RootCAs: ca.Pool(), ServerName: probeHost}

	t.Run("server", func(t *testing.T) {
		// The configuration is what the tests need: AUTH=LOGIN only, and
		// IMAP LOGIN (which Dovecot runs through PLAIN) refused.
		c := dialTLS(t, d.IMAPS, tlsConfig)
		c.expect("* OK")
		capa := imapCapabilities(t, c)
		if !strings.Contains(capa, "AUTH=LOGIN") || strings.Contains(capa, "AUTH=PLAIN") {
			t.Errorf("capabilities %q, want AUTH=LOGIN without AUTH=PLAIN", capa)
		}
		if _, st := c.imapCmd("l1", fmt.Sprintf("LOGIN %q %q", testUser, testPassword)); !strings.HasPrefix(st, "l1 NO") {
			t.Errorf("IMAP LOGIN on a LOGIN-only Dovecot: %q, want NO", st)
		}
		pc := dialTLS(t, d.POP3S, tlsConfig)
		pc.expect("+OK")
		if capa := strings.Join(pc.pop3Multi("CAPA"), " | "); !strings.Contains(capa, "SASL LOGIN") || strings.Contains(capa, "PLAIN") {
			t.Errorf("CAPA %q, want SASL LOGIN without PLAIN", capa)
		}
	})
	for _, c := range []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, d.IMAPS},
		{"imap-starttls", imap, stls, d.IMAP},
		{"pop3s", pop3, itls, d.POP3S},
		{"pop3-stls", pop3, stls, d.POP3},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := probeOK(t, p, endpointAt(t, c.proto, c.enc, probeHost, c.addr))
			if !slices.Equal(res.AuthMechanisms, []string{"LOGIN"}) {
				t.Errorf("AuthMechanisms = %v, want [LOGIN]", res.AuthMechanisms)
			}
		})
	}
}

func TestDovecotTLS13ECDSA(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	if cert.Leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Fatalf("test certificate key is %v, want ECDSA", cert.Leaf.PublicKeyAlgorithm)
	}
	d := StartDovecotWith(t, DovecotConfig{
		CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM,
		Users:  map[string]string{testUser: testPassword},
		MinTLS: "TLSv1.3",
	})
	p := newProber(ca, probeHost)
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, d.IMAPS},
		{"imap-starttls", imap, stls, d.IMAP},
		{"pop3s", pop3, itls, d.POP3S},
		{"pop3-stls", pop3, stls, d.POP3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var starttls mailsettings.Protocol
			if c.enc == stls {
				starttls = c.proto
			}
			// The server refuses TLS 1.2 and serves an ECDSA certificate
			// over TLS 1.3.
			if _, err := rawTLS(t, c.addr, starttls, &tls.Config{RootCAs: ca.Pool(), ServerName: probeHost, MaxVersion: tls.VersionTLS12}); err == nil {
				t.Error("a TLS 1.2 client was accepted by a TLS 1.3-only Dovecot")
			}
			st, err := rawTLS(t, c.addr, starttls, &tls.Config{RootCAs: ca.Pool(), ServerName: probeHost})
			if err != nil {
				t.Fatalf("TLS 1.3 handshake: %v", err)
			}
			if st.Version != tls.VersionTLS13 || st.PeerCertificates[0].PublicKeyAlgorithm != x509.ECDSA {
				t.Errorf("handshake: %s with a %v key, want TLS 1.3 with ECDSA", tls.VersionName(st.Version), st.PeerCertificates[0].PublicKeyAlgorithm)
			}

			e := endpointAt(t, c.proto, c.enc, probeHost, c.addr)
			res := probeOK(t, p, e)
			if res.TLSVersion != tls.VersionTLS13 {
				t.Errorf("TLSVersion = %s, want TLS 1.3", tls.VersionName(res.TLSVersion))
			}
			checkLogin(t, p, e, testUser, testPassword, loginOK)
		})
	}
}

func TestDovecotExpiredCertificate(t *testing.T) {
	ca, _ := newCA(t, probeHost)
	cert, err := ca.IssueExpired(probeHost)
	if err != nil {
		t.Fatal(err)
	}
	d := StartDovecotWith(t, DovecotConfig{CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM, Users: map[string]string{testUser: testPassword}})
	p := newProber(ca, probeHost)
	for _, c := range []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		addr  string
	}{
		{"imaps", imap, itls, d.IMAPS},
		{"imap-starttls", imap, stls, d.IMAP},
		{"pop3s", pop3, itls, d.POP3S},
		{"pop3-stls", pop3, stls, d.POP3},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := endpointAt(t, c.proto, c.enc, probeHost, c.addr)
			_, err := p.Probe(probeContext(t), e)
			pe := wantKind(t, err, mailsettings.KindCertExpired)
			if !pe.CertNotAfter.Equal(cert.Leaf.NotAfter) || !pe.CertNotAfter.Before(time.Now()) {
				t.Errorf("CertNotAfter = %v, want the certificate's %v", pe.CertNotAfter, cert.Leaf.NotAfter)
			}
			if !slices.Contains(pe.CertNames, probeHost) {
				t.Errorf("CertNames = %v, want %s", pe.CertNames, probeHost)
			}
			// No password goes to a server whose certificate has expired.
			checkLogin(t, p, e, testUser, testPassword, mailsettings.KindCertExpired)
		})
	}
}

func TestPostfixLegacyTLSOnly(t *testing.T) {
	ca, cert := newCA(t, probeHost)
	pf := StartPostfixWith(t, PostfixConfig{CertPEM: cert.CertPEM, KeyPEM: cert.KeyPEM, LegacyTLSOnly: true})
	p := newProber(ca, probeHost)
	for _, c := range []struct {
		name string
		enc  mailsettings.Encryption
		addr string
	}{
		{"submissions", itls, pf.Submissions},
		{"submission-starttls", stls, pf.Submission},
	} {
		t.Run(c.name, func(t *testing.T) {
			var starttls mailsettings.Protocol
			if c.enc == stls {
				starttls = submission
			}
			// The server really speaks TLS 1.1 to a client that allows
			// it, and nothing newer.
			st, err := rawTLS(t, c.addr, starttls, &tls.Config{RootCAs: ca.Pool(), ServerName: probeHost, MinVersion: tls.VersionTLS10})
			if err != nil {
				t.Fatalf("TLS 1.0/1.1 handshake: %v", err)
			}
			if st.Version != tls.VersionTLS11 {
				t.Errorf("negotiated %s, want TLS 1.1", tls.VersionName(st.Version))
			}

			_, err = p.Probe(probeContext(t), endpointAt(t, submission, c.enc, probeHost, c.addr))
			pe := wantKind(t, err, mailsettings.KindTLSVersion)
			if pe.Step != "tls" {
				t.Errorf("Step = %q, want %q", pe.Step, "tls")
			}
		})
	}
}
