package mailsettings_test

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/netdial/netdialtest"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// refuseAllResolver fails every question and records that it was asked.
type refuseAllResolver struct {
	mailsettingstest.Resolver
	asked []string
}

func (r *refuseAllResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.asked = append(r.asked, host)
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestProbeLocalhost: localhost names are loopback without asking any
// resolver (RFC 6761, section 6.3), so a probe of localhost reaches a
// server on 127.0.0.1 (it used to fail with dns_not_found: localhost. is
// not in the hosts file for Go's resolver).
func TestProbeLocalhost(t *testing.T) {
	for _, host := range []string{"localhost", "imap.localhost"} {
		t.Run(host, func(t *testing.T) {
			srv := newServer(t, imap, itls, mailsettingstest.WithHost(host))
			want := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(srv.Port)))
			for _, c := range []struct {
				name string
				r    mailsettings.Resolver
			}{
				{"system-resolver", nil},
				{"refusing-resolver", &refuseAllResolver{}},
			} {
				t.Run(c.name, func(t *testing.T) {
					p := mailsettings.Prober{Resolver: c.r, TLSConfig: srv.ClientTLSConfig()}
					ctx, cancel := context.WithTimeout(context.Background(), longWait)
					defer cancel()
					res, err := p.Probe(ctx, srv.Endpoint())
					if err != nil {
						t.Fatal(err)
					}
					if res.Addr != want || !res.Verified {
						t.Errorf("Addr %s, Verified %v; want %s, verified", res.Addr, res.Verified, want)
					}
					if r, ok := c.r.(*refuseAllResolver); ok && len(r.asked) != 0 {
						t.Errorf("the resolver was asked %q", r.asked)
					}
				})
			}
		})
	}
}

// TestProbeBlackholedFirstAddress: the host's first address never answers
// (a listener whose accept queue is full drops the SYNs); the probe reaches
// the second address after a head start, far within the timeout, instead
// of spending the whole timeout on the first.
func TestProbeBlackholedFirstAddress(t *testing.T) {
	const timeout = 10 * time.Second
	srv := newServer(t, imap, itls)
	netdialtest.Blackhole(t, "127.0.0.2", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.1"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig(), Timeout: timeout}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	if err != nil {
		t.Fatalf("Probe: %v (after %v)", err, res.Timing.Total)
	}
	if want := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(srv.Port))); res.Addr != want {
		t.Errorf("Addr = %s, want %s", res.Addr, want)
	}
	if res.Timing.Connect > timeout/4 || res.Timing.Total > timeout/2 {
		t.Errorf("connect took %v, the probe %v: want well under half of Timeout (%v)", res.Timing.Connect, res.Timing.Total, timeout)
	}
}

// TestProbeAllAddressesBlackholed: when no address answers, the probe is a
// connect timeout within Timeout, naming one of the addresses.
func TestProbeAllAddressesBlackholed(t *testing.T) {
	const timeout = 2 * time.Second
	srv := newServer(t, imap, itls)
	netdialtest.Blackhole(t, "127.0.0.2", int(srv.Port))
	netdialtest.Blackhole(t, "127.0.0.3", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.3"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig(), Timeout: timeout}
	res, err := p.Probe(context.Background(), srv.Endpoint())
	pe := wantKind(t, err, mailsettings.KindConnectTimeout)
	if pe.Addr == "" || pe.Addr != res.Addr {
		t.Errorf("ProbeError.Addr %q, ProbeResult.Addr %q", pe.Addr, res.Addr)
	}
	if res.Timing.Total > 2*timeout {
		t.Errorf("the probe took %v with a Timeout of %v", res.Timing.Total, timeout)
	}
}

// BenchmarkProbeDeadFirstAddress is BenchmarkProbeImplicitTLS with a
// blackholed first address. The goal (issue 12): under 1.5 times
// BenchmarkProbeImplicitTLS plus 300 ms; expect the head start (250 ms)
// on top of it.
func BenchmarkProbeDeadFirstAddress(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	netdialtest.Blackhole(b, "127.0.0.2", int(srv.Port))
	r := &mailsettingstest.Resolver{Hosts: map[string][]string{srv.Host: {"127.0.0.2", "127.0.0.1"}}}
	p := mailsettings.Prober{Resolver: r, TLSConfig: srv.ClientTLSConfig()}
	e := srv.Endpoint()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
