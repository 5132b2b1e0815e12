// Package testca is a throwaway certificate authority for tests: the one
// implementation behind mailsettingstest.CA and the internal tests of
// package mailsettings (which cannot import mailsettingstest, because it
// imports mailsettings).
//
// It is for tests only; the mailsettings library does not import it.
package testca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"time"
)

// A CA is a throwaway certificate authority for tests. Its key exists only
// in memory. Trust it with Pool (for a tls.Config) or PEM (for a file).
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	pool *x509.CertPool
}

// New makes a new certificate authority, valid from an hour ago for ten
// years.
func New() (*CA, error) {
	key, serial, err := newKey()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mailsettingstest CA", Organization: []string{"mailsettingstest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{
		cert: cert, key: key, pool: pool,
		pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// Pool returns a new pool holding the CA's certificate, for
// tls.Config.RootCAs.
func (ca *CA) Pool() *x509.CertPool { return ca.pool.Clone() }

// PEM returns the CA's certificate in PEM form.
func (ca *CA) PEM() []byte { return append([]byte(nil), ca.pem...) }

// Certificate returns the CA's certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// A Cert is a server certificate and its private key.
type Cert struct {
	TLS     tls.Certificate   // for tls.Config.Certificates
	Leaf    *x509.Certificate // the parsed certificate
	CertPEM []byte            // the certificate chain in PEM form (leaf first)
	KeyPEM  []byte            // the private key in PEM form (PKCS #8)
}

// CertOptions describe a certificate to issue.
type CertOptions struct {
	// Names are the DNS names and IP addresses the certificate covers.
	Names []string
	// NotBefore and NotAfter bound its validity. Zero means from an hour
	// ago for a year.
	NotBefore, NotAfter time.Time
	// RSABits, if not zero, gives the certificate an RSA key of that many
	// bits instead of an ECDSA P-256 key, such as 1024 for a key below
	// today's baseline (Go refuses RSA keys under 1024 bits).
	RSABits int
	// SignatureAlgorithm, if not zero, is the algorithm the CA signs the
	// certificate with, such as x509.ECDSAWithSHA1 for a signature Go's
	// verifier refuses.
	SignatureAlgorithm x509.SignatureAlgorithm
}

// Issue returns a certificate for names (host names or IP addresses),
// valid from an hour ago for a year, signed by the CA.
func (ca *CA) Issue(names ...string) (*Cert, error) {
	return ca.IssueWith(CertOptions{Names: names})
}

// IssueExpired returns a certificate for names that expired yesterday.
func (ca *CA) IssueExpired(names ...string) (*Cert, error) {
	now := time.Now()
	return ca.IssueWith(CertOptions{Names: names, NotBefore: now.Add(-30 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
}

// IssueWith returns a certificate described by o, signed by the CA.
func (ca *CA) IssueWith(o CertOptions) (*Cert, error) {
	return issue(o, ca.cert, ca.key)
}

// SelfSigned returns a certificate for names that signs itself.
func SelfSigned(names ...string) (*Cert, error) {
	return issue(CertOptions{Names: names}, nil, nil)
}

func issue(o CertOptions, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*Cert, error) {
	if len(o.Names) == 0 {
		return nil, errors.New("testca: certificate without names")
	}
	ecKey, serial, err := newKey()
	if err != nil {
		return nil, err
	}
	var key crypto.Signer = ecKey
	if o.RSABits != 0 {
		if key, err = rsa.GenerateKey(rand.Reader, o.RSABits); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.Add(365 * 24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: o.Names[0], Organization: []string{"mailsettingstest"}},
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},

		SignatureAlgorithm: o.SignatureAlgorithm,
	}
	if o.RSABits != 0 {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	for _, n := range o.Names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	var signer crypto.Signer = parentKey
	if parent == nil {
		parent, signer = tmpl, key
		tmpl.BasicConstraintsValid = true
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &Cert{
		TLS:     tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		Leaf:    leaf,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// newKey returns a new P-256 key and a random serial number.
func newKey() (*ecdsa.PrivateKey, *big.Int, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	return key, serial, nil
}
