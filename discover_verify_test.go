package mailsettings_test

import (
	"context"
	"net"
	"slices"
	"strconv"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// portDialer sends a connection to 127.0.0.1:PORT to the address mapped to
// PORT.
type portDialer map[string]string

func (m portDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, _ := net.SplitHostPort(addr)
	to, ok := m[port]
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError("no server for " + addr)}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// TestDiscoverVerifyReported probes the endpoints of a built-in provider
// that only one source reports, on fake servers under their real names:
// when each verifies, the candidate is probe-verified; when one fails, the
// failure is reported and the candidate is not.
func TestDiscoverVerifyReported(t *testing.T) {
	var domain string
	var reported []mailsettings.ServerEndpoint
	for d, p := range mailsettings.Domains() {
		var rs []mailsettings.ServerEndpoint
		for _, e := range p.Info().Endpoints {
			if ev, ok := p.Evidence(e); ok && ev.Level == mailsettings.EvidenceReported && e.Encryption != mailsettings.Plaintext {
				rs = append(rs, e)
			}
		}
		if len(rs) > 0 && (domain == "" || d < domain) {
			domain, reported = d, rs
		}
	}
	if domain == "" {
		t.Fatal("the built-in database has no reported endpoint")
	}
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	dialer := portDialer{}
	var hosts []string
	var servers []*mailsettingstest.Server
	for _, e := range reported {
		srv := mailsettingstest.NewServer(t, e.Protocol, e.Encryption, mailsettingstest.WithCA(ca), mailsettingstest.WithHost(e.Host))
		dialer[strconv.Itoa(int(e.Port))] = srv.Addr()
		hosts = append(hosts, e.Host)
		servers = append(servers, srv)
	}
	d := &mailsettings.Discoverer{Resolver: mailsettingstest.LoopbackResolver(hosts...), Dialer: dialer,
		TLSConfig: servers[0].ClientTLSConfig(), VerifyReported: true}
	disc, err := d.Discover(t.Context(), "alice@"+domain)
	best, _ := disc.Best()
	if err != nil || best.Verified.IsZero() || !slices.Contains(best.Reasons, mailsettings.Reason("probe-verified")) || len(disc.Errors) != 0 {
		t.Fatalf("%s (%v): verified %v, reasons %v, errors %v, %v", domain, reported, best.Verified, best.Reasons, disc.Errors, err)
	}
	servers[0].Close()
	disc, _ = d.Discover(t.Context(), "alice@"+domain)
	if best, _ := disc.Best(); !best.Verified.IsZero() || len(disc.Errors) == 0 || len(best.Endpoints()) == 0 {
		t.Errorf("with a server gone: verified %v, errors %v", best.Verified, disc.Errors)
	}
}
