package mailsettings

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/mailsettings/mailsettings/internal/dnsstub"
)

// A Resolver answers the DNS questions of [Discoverer] and [Prober]. It is
// the subset of [*net.Resolver] they use; tests and programs that must send
// DNS to a particular server supply their own.
type Resolver interface {
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// An AuthenticatingResolver is a [Resolver] that also says whether an
// answer was validated with DNSSEC. A [Discoverer] whose Resolver has these
// methods uses them: SRV and MX answers that are authenticated get the
// trust RFC 6186 and RFC 8314 give DNSSEC-validated answers
// ([TrustAuthenticated], reason "dnssec"), and so does the TXT record that
// ties a PACC document to its domain. Other resolvers keep working, with
// DNS answers labelled reason "dns-without-dnssec".
//
// authenticated reports that a validating resolver set the AD bit and
// that the resolver is trusted to say so; it covers the whole response.
// Errors are as net.Resolver's (*net.DNSError, IsNotFound).
type AuthenticatingResolver interface {
	Resolver
	LookupSRVAuthenticated(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, authenticated bool, err error)
	LookupMXAuthenticated(ctx context.Context, name string) (mxs []*net.MX, authenticated bool, err error)
	// LookupTXTAuthenticated returns one string per TXT record, its
	// character-strings concatenated, as net.Resolver.LookupTXT does.
	LookupTXTAuthenticated(ctx context.Context, name string) (txts []string, authenticated bool, err error)
}

// NewValidatingResolver returns a resolver that sends every question, with
// the DNSSEC OK bit set, to the validating resolver at server ("IP" or
// "IP:port"; "" means the first nameserver of /etc/resolv.conf, read at
// each lookup) and reports whether an answer was validated. It believes the
// resolver's AD bit only from a loopback server, from one the system
// configuration marks with "options trust-ad", or when trusted is set: the
// path to any other resolver could change the bit.
func NewValidatingResolver(server string, trusted bool) AuthenticatingResolver {
	c := &dnsstub.Client{Server: server}
	if trusted {
		if ap, err := dnsstub.ParseServer(server); err == nil {
			c.Policy.Trusted = []netip.Addr{ap.Addr()}
		}
	}
	return c
}

// lookupTXT asks r for the TXT records of name, through
// LookupTXTAuthenticated if r has it, LookupTXT (as *net.Resolver has)
// otherwise.
func lookupTXT(ctx context.Context, r Resolver, name string) (txts []string, authenticated bool, err error) {
	switch r := r.(type) {
	case AuthenticatingResolver:
		return r.LookupTXTAuthenticated(ctx, name)
	case interface {
		LookupTXT(ctx context.Context, name string) ([]string, error)
	}:
		txts, err = r.LookupTXT(ctx, name)
		return txts, false, err
	}
	return nil, false, errors.New("the Resolver cannot look up TXT records")
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
