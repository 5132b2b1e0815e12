package mailsettings_test

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

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
				t.Run(c.name+"/"+p.String()+"/"+enc.String(), func(t *testing.T) {
					t.Parallel()
					srv := newServer(t, p, enc, mailsettingstest.WithCert(c.cert), mailsettingstest.WithUsers(users))
					res, err := probe(t, srv, 0, longWait)
					pe := wantKind(t, err, mailsettings.KindCertWeakKey)
					if pe.Step != mailsettings.Step("tls") || res.Verified {
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
