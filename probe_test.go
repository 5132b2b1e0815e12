package mailsettings_test

import (
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

var (
	protocols   = []mailsettings.Protocol{mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP}
	encryptions = []mailsettings.Encryption{mailsettings.ImplicitTLS, mailsettings.STARTTLS, mailsettings.Plaintext}
)

// longWait is the deadline of a probe that should not time out. It is
// long so that a slow or loaded machine cannot make a test fail; a working
// probe ends far sooner.
const longWait = 30 * time.Second

// testCA is shared by the tests of this package; it is made once.
var testCA = func() *mailsettingstest.CA {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		panic(err)
	}
	return ca
}()

// newServer starts a test server signed by testCA.
func newServer(t *testing.T, p mailsettings.Protocol, e mailsettings.Encryption, opts ...mailsettingstest.Option) *mailsettingstest.Server {
	t.Helper()
	return mailsettingstest.NewServer(t, p, e, append([]mailsettingstest.Option{mailsettingstest.WithCA(testCA)}, opts...)...)
}

// probe probes srv's endpoint with encryption enc (0 means the server's),
// with a deadline of d.
func probe(t *testing.T, srv *mailsettingstest.Server, enc mailsettings.Encryption, d time.Duration) (*mailsettings.ProbeResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	e := srv.Endpoint()
	if enc != 0 {
		e.Encryption = enc
	}
	res, err := srv.Prober().Probe(ctx, e)
	if res == nil {
		t.Fatalf("Probe(%v) returned a nil result", e)
	}
	return res, err
}

// wantKind checks that err is a *ProbeError of kind k that matches k's
// sentinel.
func wantKind(t *testing.T, err error, k mailsettings.ErrorKind) *mailsettings.ProbeError {
	t.Helper()
	pe, ok := errors.AsType[*mailsettings.ProbeError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want a *ProbeError of kind %s", err, err, k)
	}
	if pe.Kind != k {
		t.Fatalf("error kind = %s, want %s; error: %v", pe.Kind, k, err)
	}
	if !errors.Is(err, k) {
		t.Errorf("errors.Is(err, %s.Err()) = false", k)
	}
	if pe.Explanation().String() == "" || zhHans(pe.Explanation()) == "" || pe.Fix().String() == "" || zhHans(pe.Fix()) == "" {
		t.Errorf("kind %s: empty explanation or fix", k)
	}
	return pe
}

func TestProbeEachProtocolAndMode(t *testing.T) {
	for _, p := range protocols {
		for _, enc := range encryptions {
			t.Run(p.String()+"/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc)
				res, err := probe(t, srv, 0, longWait)
				if err != nil {
					t.Fatalf("Probe: %v", err)
				}
				if res.Greeting == "" {
					t.Errorf("no greeting")
				}
				if res.GreetingBeforeTLS != (enc != mailsettings.ImplicitTLS) {
					t.Errorf("GreetingBeforeTLS = %v for %v", res.GreetingBeforeTLS, enc)
				}
				if len(res.Capabilities) == 0 {
					t.Errorf("no capabilities")
				}
				if res.Addr != srv.Addr() {
					t.Errorf("Addr = %q, want %q", res.Addr, srv.Addr())
				}
				if enc == mailsettings.Plaintext {
					if res.TLSVersion != 0 || res.Certificate != nil || !res.CapabilitiesBeforeTLS {
						t.Errorf("plaintext probe: TLS %x, cert %v, caps before TLS %v", res.TLSVersion, res.Certificate, res.CapabilitiesBeforeTLS)
					}
					return
				}
				if res.TLSVersion < tls.VersionTLS12 || tls.CipherSuiteName(res.CipherSuite) == "" || !res.Verified {
					t.Errorf("TLS %s %s verified=%v", tls.VersionName(res.TLSVersion), tls.CipherSuiteName(res.CipherSuite), res.Verified)
				}
				if res.Certificate == nil || !slices.Contains(res.Certificate.DNSNames, srv.Host) {
					t.Errorf("certificate %+v, want one for %s", res.Certificate, srv.Host)
				}
				if res.CapabilitiesBeforeTLS {
					t.Errorf("CapabilitiesBeforeTLS = true after TLS")
				}
				if !slices.Contains(res.AuthMechanisms, "PLAIN") {
					t.Errorf("AuthMechanisms = %v, want PLAIN", res.AuthMechanisms)
				}
				for _, c := range res.Capabilities {
					if strings.EqualFold(c, "STARTTLS") || strings.EqualFold(c, "STLS") || strings.EqualFold(c, "LOGINDISABLED") {
						t.Errorf("capability %q from before TLS reported after TLS: %v", c, res.Capabilities)
					}
				}
				if res.Timing.TLS <= 0 || res.Timing.Total < res.Timing.TLS {
					t.Errorf("timing %+v", res.Timing)
				}
			})
		}
	}
}

// TestProbeIMAPLiteral checks that an untagged response holding a literal
// (RFC 9051 §4.3), whose line goes on after the literal's bytes, is
// skipped whole and does not end the probe.
func TestProbeIMAPLiteral(t *testing.T) {
	srv := newServer(t, imap, itls, dialogue("* OK hi\r\n",
		exch{verb: "CAPABILITY", reply: "* ID (\"name\" {4}\r\na)b* \"vendor\" {3}\r\nx\r\n)\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"},
		exch{verb: "LOGOUT", reply: "* BYE bye\r\n{tag} OK bye\r\n"}))
	res, err := probe(t, srv, 0, longWait)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if !slices.Equal(res.Capabilities, []string{"IMAP4rev1", "AUTH=PLAIN"}) {
		t.Errorf("Capabilities = %q", res.Capabilities)
	}
}
