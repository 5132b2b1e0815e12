package mailsettingstest

import (
	"crypto/tls"
	"crypto/x509"
	"time"

	"github.com/mailsettings/mailsettings/internal/testca"
)

// The certificate authority is implemented once, in internal/testca, which
// the internal tests of package mailsettings use too; the types here are a
// documented face for it.

// A CA is a throwaway certificate authority for tests. Its key exists only
// in memory. Trust it with Pool (for a tls.Config) or PEM (for a file).
type CA struct{ ca *testca.CA }

// NewCA makes a new certificate authority, valid from an hour ago for ten
// years.
func NewCA() (*CA, error) {
	ca, err := testca.New()
	if err != nil {
		return nil, err
	}
	return &CA{ca}, nil
}

// Pool returns a new pool holding the CA's certificate, for
// tls.Config.RootCAs.
func (ca *CA) Pool() *x509.CertPool { return ca.ca.Pool() }

// PEM returns the CA's certificate in PEM form.
func (ca *CA) PEM() []byte { return ca.ca.PEM() }

// Certificate returns the CA's certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.ca.Certificate() }

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
	// bits instead of an ECDSA P-256 key, such as 1024 for a key that
	// current baselines refuse (Go refuses RSA keys under 1024 bits
	// outright).
	RSABits int
	// SignatureAlgorithm, if not zero, is the algorithm the CA signs the
	// certificate with, such as x509.ECDSAWithSHA1 for a signature Go's
	// verifier refuses.
	SignatureAlgorithm x509.SignatureAlgorithm
}

// Issue returns a certificate for names (host names or IP addresses),
// valid from an hour ago for a year, signed by the CA.
func (ca *CA) Issue(names ...string) (*Cert, error) { return cert(ca.ca.Issue(names...)) }

// IssueExpired returns a certificate for names that expired yesterday.
func (ca *CA) IssueExpired(names ...string) (*Cert, error) {
	return cert(ca.ca.IssueExpired(names...))
}

// IssueWith returns a certificate described by o, signed by the CA.
func (ca *CA) IssueWith(o CertOptions) (*Cert, error) {
	return cert(ca.ca.IssueWith(testca.CertOptions(o)))
}

// SelfSigned returns a certificate for names that signs itself.
func SelfSigned(names ...string) (*Cert, error) { return cert(testca.SelfSigned(names...)) }

func cert(c *testca.Cert, err error) (*Cert, error) {
	if err != nil {
		return nil, err
	}
	return (*Cert)(c), nil
}
