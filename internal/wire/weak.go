package wire

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// The baseline a verified chain must meet before credentials go over it,
// for every certificate below the root (the root's own key and
// self-signature are the trust store's business):
//
//   - RSA keys of at least 2048 bits and ECDSA keys on P-256 or a larger
//     curve: CA/Browser Forum Baseline Requirements for TLS server
//     certificates, section 6.1.5 ("Key sizes"), which allow no DSA key;
//     NIST SP 800-131A Rev. 2, section 3, disallows RSA and DSA keys under
//     2048 bits (less than 112 bits of security) for signatures.
//   - No signature with SHA-1 or MD5, and none with DSA: Baseline
//     Requirements section 7.1.3.2 (SHA-256 or stronger with RSA or
//     ECDSA); NIST SP 800-131A Rev. 2, section 9, disallows SHA-1 for
//     generating digital signatures.
//
// Go's verifier already refuses SHA-1 and MD5 signatures and RSA keys under
// 1024 bits; this check adds the rest.
const (
	minRSABits   = 2048
	minECDSABits = 256
)

// A Weakness says what in a certificate is below the baseline.
type Weakness string

// The weaknesses.
const (
	WeakRSAKey    Weakness = "rsa-key"     // an RSA key under 2048 bits
	WeakECDSAKey  Weakness = "ecdsa-curve" // an ECDSA key on a curve under 256 bits
	WeakDSAKey    Weakness = "dsa-key"     // a DSA key
	WeakSignature Weakness = "signature"   // a SHA-1, MD5 or DSA signature
)

// A WeakCertError says which certificate of a verified chain is below the
// baseline, and why.
type WeakCertError struct {
	Subject   string // the certificate's subject, sanitized
	Leaf      bool   // the server's own certificate, not an intermediate
	What      Weakness
	Bits      int    // the key's size, for the key weaknesses
	Algorithm string // the signature algorithm, for WeakSignature
}

func (e *WeakCertError) Error() string {
	which := "intermediate certificate"
	if e.Leaf {
		which = "server certificate"
	}
	var what string
	switch e.What {
	case WeakRSAKey:
		what = fmt.Sprintf("has a %d-bit RSA key (at least %d bits required)", e.Bits, minRSABits)
	case WeakECDSAKey:
		what = fmt.Sprintf("has an ECDSA key on a %d-bit curve (P-256 or larger required)", e.Bits)
	case WeakDSAKey:
		what = "has a DSA key (not allowed)"
	default:
		what = fmt.Sprintf("is signed with %s (SHA-256 or stronger required)", e.Algorithm)
	}
	return fmt.Sprintf("%s %q %s", which, e.Subject, what)
}

// KeyBits returns the size of a certificate's public key: the modulus of
// an RSA or DSA key, the curve of an ECDSA key, 256 for Ed25519, or 0.
func KeyBits(c *x509.Certificate) int {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	if c.PublicKeyAlgorithm == x509.DSA {
		return dsaBits(c) // without crypto/dsa, which is deprecated
	}
	return 0
}

// dsaBits returns the size of a DSA key's prime P, read from the
// certificate's public key info (RFC 3279, section 2.3.2), or 0.
func dsaBits(c *x509.Certificate) int {
	var spki struct {
		Algorithm struct {
			OID    asn1.ObjectIdentifier
			Params struct{ P, Q, G *big.Int }
		}
		Key asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil || spki.Algorithm.Params.P == nil {
		return 0
	}
	return spki.Algorithm.Params.P.BitLen()
}

// weakChains returns nil if one of the verified chains meets the
// baseline, or else what is wrong with the first.
func weakChains(chains [][]*x509.Certificate) error {
	var first error
	for _, chain := range chains {
		err := weakChain(chain)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// weakChain checks the keys and signatures of a chain's certificates below
// the root; a chain of one (a server certificate trusted directly) has its
// key checked.
func weakChain(chain []*x509.Certificate) *WeakCertError {
	n := len(chain)
	if n == 0 {
		return nil
	}
	below := chain[:max(n-1, 1)]
	for i, c := range below {
		if e := weakKey(c); e != nil {
			e.Leaf = i == 0
			return e
		}
		if n > 1 && weakSignature(c.SignatureAlgorithm) {
			return &WeakCertError{Subject: subject(c), Leaf: i == 0, What: WeakSignature, Algorithm: c.SignatureAlgorithm.String()}
		}
	}
	return nil
}

func weakKey(c *x509.Certificate) *WeakCertError {
	bits := KeyBits(c)
	switch c.PublicKeyAlgorithm {
	case x509.RSA:
		if bits < minRSABits {
			return &WeakCertError{Subject: subject(c), What: WeakRSAKey, Bits: bits}
		}
	case x509.ECDSA:
		if bits < minECDSABits {
			return &WeakCertError{Subject: subject(c), What: WeakECDSAKey, Bits: bits}
		}
	case x509.DSA:
		return &WeakCertError{Subject: subject(c), What: WeakDSAKey, Bits: bits}
	}
	return nil
}

// weakSignature reports whether a signature algorithm is below the
// baseline: MD2, MD5 or SHA-1, or any DSA signature.
func weakSignature(a x509.SignatureAlgorithm) bool {
	switch a {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.DSAWithSHA256:
		return true
	}
	return false
}

func subject(c *x509.Certificate) string { return sanitize.Text(c.Subject.String(), 200) }
