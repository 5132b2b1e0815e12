package wire

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// fakeCert returns a certificate value with the given key and signature
// algorithm; only the fields weakChain reads are set.
func fakeCert(t *testing.T, name string, key any, sig x509.SignatureAlgorithm) *x509.Certificate {
	t.Helper()
	c := &x509.Certificate{Subject: pkix.Name{CommonName: name}, SignatureAlgorithm: sig, PublicKey: key}
	switch key.(type) {
	case *rsa.PublicKey:
		c.PublicKeyAlgorithm = x509.RSA
	case *ecdsa.PublicKey:
		c.PublicKeyAlgorithm = x509.ECDSA
	case ed25519.PublicKey:
		c.PublicKeyAlgorithm = x509.Ed25519
	case nil:
		c.PublicKeyAlgorithm = x509.DSA
	}
	return c
}

func TestWeakChains(t *testing.T) {
	ec := func(curve elliptic.Curve) any {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return &k.PublicKey
	}
	rsaKey := func(bits int) any { return &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), uint(bits-1)), E: 65537} }
	edKey, _, _ := ed25519.GenerateKey(rand.Reader)
	p256, p224 := ec(elliptic.P256()), ec(elliptic.P224())
	root := fakeCert(t, "root", rsaKey(1024), x509.SHA1WithRSA) // the root's key and signature are not checked
	cases := []struct {
		name   string
		chains [][]*x509.Certificate
		what   Weakness // "" for none
		leaf   bool
		bits   int
	}{
		{"strong", [][]*x509.Certificate{{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA256), fakeCert(t, "int", rsaKey(2048), x509.SHA256WithRSA), root}}, "", false, 0},
		{"ed25519", [][]*x509.Certificate{{fakeCert(t, "leaf", edKey, x509.PureEd25519), root}}, "", false, 0},
		{"rsa-1024-leaf", [][]*x509.Certificate{{fakeCert(t, "leaf", rsaKey(1024), x509.SHA256WithRSA), root}}, WeakRSAKey, true, 1024},
		{"rsa-2047-intermediate", [][]*x509.Certificate{{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA256), fakeCert(t, "int", rsaKey(2047), x509.SHA256WithRSA), root}}, WeakRSAKey, false, 2047},
		{"p224-leaf", [][]*x509.Certificate{{fakeCert(t, "leaf", p224, x509.ECDSAWithSHA256), root}}, WeakECDSAKey, true, 224},
		{"dsa-leaf", [][]*x509.Certificate{{fakeCert(t, "leaf", nil, x509.SHA256WithRSA), root}}, WeakDSAKey, true, 0},
		{"sha1-intermediate", [][]*x509.Certificate{{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA256), fakeCert(t, "int", rsaKey(2048), x509.SHA1WithRSA), root}}, WeakSignature, false, 0},
		{"md5-leaf", [][]*x509.Certificate{{fakeCert(t, "leaf", rsaKey(2048), x509.MD5WithRSA), root}}, WeakSignature, true, 0},
		{"trusted-leaf-alone", [][]*x509.Certificate{{fakeCert(t, "leaf", rsaKey(1024), x509.SHA1WithRSA)}}, WeakRSAKey, true, 1024},
		{"trusted-leaf-alone-sha1", [][]*x509.Certificate{{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA1)}}, "", false, 0},
		{"one-strong-chain-of-two", [][]*x509.Certificate{
			{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA256), fakeCert(t, "old", rsaKey(2048), x509.SHA1WithRSA), root},
			{fakeCert(t, "leaf", p256, x509.ECDSAWithSHA256), fakeCert(t, "new", rsaKey(4096), x509.SHA256WithRSA), root},
		}, "", false, 0},
	}
	for _, c := range cases {
		err := weakChains(c.chains)
		if c.what == "" {
			if err != nil {
				t.Errorf("%s: %v, want none", c.name, err)
			}
			continue
		}
		var we *WeakCertError
		if !errors.As(err, &we) || we.What != c.what || we.Leaf != c.leaf || we.Bits != c.bits {
			t.Errorf("%s: %#v, want %s leaf=%v bits=%d", c.name, err, c.what, c.leaf, c.bits)
			continue
		}
		if msg := we.Error(); !strings.Contains(msg, "CN=") || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("%s: Error() = %q", c.name, msg)
		}
	}
}
