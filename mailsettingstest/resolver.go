package mailsettingstest

import (
	"context"
	"net"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// A Resolver answers DNS questions from maps, without a network, so that a
// [mailsettings.Prober] or discovery can use realistic names such as
// imap.example.test with test servers on loopback. Names are matched
// without case and without a trailing dot. A question it has no answer for
// gets a *net.DNSError with IsNotFound set. The zero value knows no names.
// A Resolver must not be changed while in use.
type Resolver struct {
	// Hosts maps a host name to its IP addresses, for LookupIPAddr.
	Hosts map[string][]string
	// MX maps a domain to its MX records.
	MX map[string][]*net.MX
	// SRV maps a service name such as "_imaps._tcp.example.test" to its
	// SRV records.
	SRV map[string][]*net.SRV
}

var _ mailsettings.Resolver = (*Resolver)(nil)

// LoopbackResolver returns a Resolver that maps each name to 127.0.0.1.
func LoopbackResolver(names ...string) *Resolver {
	r := &Resolver{Hosts: make(map[string][]string, len(names))}
	for _, n := range names {
		r.Hosts[canonical(n)] = []string{"127.0.0.1"}
	}
	return r
}

func canonical(name string) string { return strings.TrimSuffix(strings.ToLower(name), ".") }

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupIPAddr returns the addresses of host from Hosts.
func (r *Resolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []net.IPAddr
	for _, a := range r.Hosts[canonical(host)] {
		if ip := net.ParseIP(a); ip != nil {
			out = append(out, net.IPAddr{IP: ip})
		}
	}
	if len(out) == 0 {
		return nil, notFound(host)
	}
	return out, nil
}

// LookupMX returns copies of the MX records of name.
func (r *Resolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	recs := r.MX[canonical(name)]
	if len(recs) == 0 {
		return nil, notFound(name)
	}
	out := make([]*net.MX, len(recs))
	for i, m := range recs {
		c := *m
		out[i] = &c
	}
	return out, nil
}

// LookupSRV returns copies of the SRV records of _service._proto.name, or
// of name itself when service and proto are empty (as net.Resolver does).
func (r *Resolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	recs := r.SRV[canonical(target)]
	if len(recs) == 0 {
		return "", nil, notFound(target)
	}
	out := make([]*net.SRV, len(recs))
	for i, s := range recs {
		c := *s
		out[i] = &c
	}
	return canonical(target) + ".", out, nil
}

// BlackholeDialer is a [mailsettings.Dialer] whose connections never
// complete: DialContext waits until the context is done. It stands for a
// firewall that drops packets, which cannot be made on loopback.
type BlackholeDialer struct{}

// DialContext blocks until ctx is done and returns a timeout error.
func (BlackholeDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
}
