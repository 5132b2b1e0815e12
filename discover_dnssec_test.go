package mailsettings

import (
	"crypto/tls"
	"net/http"
	"slices"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnssectest"
)

// TestDiscoverDNSSEC runs discovery against a real validating resolver
// (unbound) on loopback in front of zones signed for the test: signed SRV
// and MX answers get the trust RFC 6186 gives DNSSEC-validated answers; an
// unsigned zone's answers keep their unauthenticated labels; a bogus or
// tampered zone gives no answer at all.
func TestDiscoverDNSSEC(t *testing.T) {
	res := dnssectest.Start(t)
	r := NewValidatingResolver(res.Addr, false) // loopback: its AD bit is believed
	for _, tc := range []struct {
		domain  string
		trust   Trust
		reasons []Reason
	}{
		{"example.test", TrustAuthenticated, []Reason{reasonDNSSEC, reasonHostsInDomain}},
		{"insecure.example.test", TrustInDomain, []Reason{reasonDNSUnauthenticated, reasonHostsInDomain}},
		{"bogus.example.test", 0, nil},
		{"tampered.example.test", 0, nil},
	} {
		d := &Discoverer{Resolver: r, Dialer: failDialer{t}, NoISPDB: true}
		disc, _ := d.Discover(t.Context(), "alice@"+tc.domain)
		var srv *Candidate
		for i, c := range disc.Candidates {
			if c.Source == SourceSRV {
				srv = &disc.Candidates[i]
			}
		}
		if tc.trust == 0 {
			if srv != nil {
				t.Errorf("%s: SRV candidate %v from a bogus zone", tc.domain, srv.Endpoints())
			}
			continue
		}
		if srv == nil {
			t.Errorf("%s: no SRV candidate; errors %v", tc.domain, disc.Errors)
			continue
		}
		want := []ServerEndpoint{
			{SMTP, "smtp." + tc.domain, dnssectest.SubmissionsPort, ImplicitTLS, UsernameAddress},
			{IMAP, "imap." + tc.domain, dnssectest.IMAPSPort, ImplicitTLS, UsernameAddress},
		}
		slices.SortStableFunc(want, func(a, b ServerEndpoint) int { return cmpEndpoints(a, b) })
		if srv.Trust != tc.trust || !slices.Equal(srv.Reasons, tc.reasons) || !slices.Equal(srv.Endpoints(), want) {
			t.Errorf("%s: SRV candidate %v %v %v", tc.domain, srv.Trust, srv.Reasons, srv.Endpoints())
		}
	}
}

// cmpEndpoints orders endpoints as sortEndpoints does.
func cmpEndpoints(a, b ServerEndpoint) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

// TestDiscoverPACCDNSSEC checks that a PACC document whose digest record
// was validated with DNSSEC is authenticated by the domain's zone even
// over TLS that was not verified, and that both together are named.
func TestDiscoverPACCDNSSEC(t *testing.T) {
	res := dnssectest.Start(t, "ua-auto-config.example.test. 300 IN A 127.0.0.1")
	f := newFixture(t, []string{"example.test"})
	f.handle("https://ua-auto-config.example.test"+paccPath, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(paccVector)) })
	for _, skip := range []bool{false, true} {
		d := &Discoverer{Resolver: NewValidatingResolver(res.Addr, false), Dialer: f, NoISPDB: true, TLSConfig: &tls.Config{RootCAs: f.ca.Pool()}}
		want := []Reason{reasonHTTPSInDomain, reasonPACCDigest, reasonDNSSEC}
		if skip {
			d.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: f.DialContext, TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			want = []Reason{reasonPACCDigest, reasonDNSSEC}
		}
		disc, err := d.Discover(t.Context(), "alice@example.test")
		if err != nil {
			t.Fatal(err)
		}
		var c *Candidate
		for i := range disc.Candidates {
			if disc.Candidates[i].Source == SourcePACC {
				c = &disc.Candidates[i]
			}
		}
		if c == nil || c.Trust != TrustAuthenticated || !slices.Equal(c.Reasons, want) {
			t.Errorf("unverified TLS %v: PACC candidate %+v; errors %v", skip, c, disc.Errors)
		}
	}
}
