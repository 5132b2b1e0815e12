package mailsettings

import (
	"context"
	"net"
	"strings"
)

// A Resolver answers the DNS questions of [Discoverer] and [Prober]. It is
// the subset of [*net.Resolver] they use; tests and programs that must send
// DNS to a particular server supply their own.
type Resolver interface {
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// A Dialer opens network connections. [*net.Dialer] satisfies it, and so
// does golang.org/x/net/proxy.ContextDialer.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// fqdn returns host with a final dot, so that resolvers never append a
// search domain.
func fqdn(host string) string {
	if strings.HasSuffix(host, ".") {
		return host
	}
	return host + "."
}
