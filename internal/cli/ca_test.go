package cli

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailsettings/mailsettings/mailsettingstest"
)

func TestLoadCA(t *testing.T) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(good, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := LoadCA(good)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("imap.example.test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Leaf.Verify(x509Opts(pool, "imap.example.test")); err != nil {
		t.Errorf("a certificate from the loaded CA does not verify: %v", err)
	}
	if _, err := LoadCA(bad); err == nil {
		t.Error("LoadCA accepted a file without certificates")
	}
	if _, err := LoadCA(filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("LoadCA accepted a missing file")
	}
}

func x509Opts(pool *x509.CertPool, name string) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: pool, DNSName: name}
}
