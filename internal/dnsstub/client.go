package dnsstub

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Defaults and limits of a [Client].
const (
	// DefaultTimeout bounds a lookup whose context has no earlier deadline.
	DefaultTimeout = 5 * time.Second
	// MaxRecords is how many records of the asked type a [Response] keeps;
	// the rest are counted in Response.Omitted.
	MaxRecords = 64
	// udpSize is the EDNS0 payload size advertised (the 2020 DNS flag day
	// value, which avoids IP fragmentation).
	udpSize = 1232
	// maxMessage is the largest DNS message (the TCP length prefix is 16
	// bits).
	maxMessage = 65535
	// minMessage is the smallest limit a Client accepts (RFC 1035 §2.3.4).
	minMessage = 512
)

// A Client sends DNS questions to one recursive resolver. The zero Client
// asks the first nameserver of /etc/resolv.conf. A Client is safe for
// concurrent use as long as its fields are not changed.
type Client struct {
	// Server is the resolver's address: an IP address with an optional
	// port, such as "192.0.2.53", "127.0.0.1:5353", "::1" or "[::1]:53";
	// the default port is 53. Host names are not accepted (resolving the
	// resolver's name would need a resolver). Empty means the first
	// nameserver of /etc/resolv.conf, read at each lookup, or 127.0.0.1
	// when it lists none; the "options trust-ad" of that file is then
	// honoured as if Policy.TrustAD were set.
	Server string
	// Policy decides whether the server's AD bit is believed: see
	// [Policy] for the rule. The zero Policy believes only loopback.
	Policy Policy
	// Dial opens the UDP and TCP connections to Server. Nil means a
	// net.Dialer. The trust policy is applied to Server, not to wherever
	// Dial connects.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Timeout bounds a lookup when ctx has no earlier deadline. Zero
	// means DefaultTimeout.
	Timeout time.Duration
	// MaxResponseSize bounds the size of a response in octets, over UDP
	// and TCP; a larger response fails with ErrTooLarge. Zero means 65535,
	// the protocol's maximum; values below 512 count as 512.
	MaxResponseSize int
}

// A Response is a server's answer to one question.
type Response struct {
	// Server is the server that answered, as "IP:port".
	Server string
	// Name is the name asked about, in lower case with a final dot.
	Name string
	// Type is the record type asked for.
	Type dnsmessage.Type
	// CNAME is the canonical name: Name after following the CNAME records
	// of the answer section (never beyond it), in lower case with a final
	// dot. The records below are those owned by CNAME. It equals Name when
	// there is no alias.
	CNAME string
	// RCode is the response code, including the EDNS0 extended bits.
	RCode dnsmessage.RCode
	// AD reports whether the response had the AD (authentic data) bit set:
	// the server says it validated the answer with DNSSEC.
	AD bool
	// Authenticated reports whether AD is set, the client's [Policy]
	// believes AD from Server, and the response is an answer or a denial
	// (NOERROR or NXDOMAIN; AD on an error response means nothing). Only
	// Authenticated should raise trust.
	Authenticated bool
	// TCP reports whether the response came over TCP, after a truncated
	// response over UDP.
	TCP bool

	// The records of the asked type; only the field for Type is set, in
	// the order of the answer section. SRV targets and MX hosts are
	// validated host names in lower case with a final dot, or "." (RFC
	// 2782 "service not offered", RFC 7505 null MX).
	SRV []*net.SRV
	MX  []*net.MX
	// TXT holds one entry per TXT record, each the record's
	// character-strings in order, separate and byte for byte as received:
	// untrusted data for the caller to bound and sanitize.
	TXT [][]string
	// Addrs holds the addresses of A or AAAA records.
	Addrs []netip.Addr

	// Malformed counts the records dropped because a name in them was
	// invalid or their data did not parse: records of the asked type owned
	// by CNAME, and a CNAME record on the alias chain.
	Malformed int
	// Omitted counts the records of the asked type owned by CNAME that
	// were beyond MaxRecords.
	Omitted int
}

// Lookup asks the server for the records of type qtype (SRV, MX, TXT, A or
// AAAA) at name, a DNS name with or without a final dot. It returns the
// response when the server answered, and an error when it did not or the
// answer holds no usable record of that type: NXDOMAIN, NODATA, SERVFAIL
// and other response codes come with the Response, so that, for example,
// an authenticated NXDOMAIN can be told apart. Errors are [*net.DNSError]s
// that unwrap to ErrNXDomain, ErrNoData, ErrServFail and the package's
// other errors (see [ErrNXDomain]), or to a context or network error.
//
// The question is sent over UDP (again after each second without an
// answer, at most three times in all) and over TCP when the answer is
// truncated. Responses that do not match the question (ID, question
// section, response flag) are ignored over UDP and fail over TCP. The
// lookup ends when ctx is done or after the client's Timeout.
func (c *Client) Lookup(ctx context.Context, name string, qtype dnsmessage.Type) (*Response, error) {
	server, policy, err := c.server()
	if err != nil {
		return nil, lookupError(name, c.Server, err)
	}
	switch qtype {
	case dnsmessage.TypeSRV, dnsmessage.TypeMX, dnsmessage.TypeTXT, dnsmessage.TypeA, dnsmessage.TypeAAAA:
	default:
		return nil, lookupError(name, server.String(), ErrUnsupportedType)
	}
	qname, ok := queryName(name)
	if !ok {
		return nil, lookupError(name, server.String(), ErrInvalidName)
	}
	if err := ctx.Err(); err != nil {
		return nil, lookupError(name, server.String(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	resp, err := c.exchange(ctx, server, question{name: qname, qtype: qtype})
	if resp != nil {
		resp.Server = server.String()
		denialOrAnswer := resp.RCode == dnsmessage.RCodeSuccess || resp.RCode == dnsmessage.RCodeNameError
		resp.Authenticated = resp.AD && denialOrAnswer && policy.BelievesAD(server.Addr())
	}
	if err != nil {
		return resp, lookupError(name, server.String(), err)
	}
	return resp, nil
}

// server returns the address to ask and the policy that applies to it.
func (c *Client) server() (netip.AddrPort, Policy, error) {
	addr, policy := c.Server, c.Policy
	if addr == "" {
		cfg, err := ReadSystemConfig()
		if err != nil {
			return netip.AddrPort{}, policy, err
		}
		addr = cfg.Server()
		policy.TrustAD = policy.TrustAD || cfg.TrustAD
	}
	ap, err := ParseServer(addr)
	return ap, policy, err
}

// ParseServer parses a server address as [Client.Server] accepts it: an IP
// address with an optional port, 53 by default. It fails with ErrBadServer.
func ParseServer(s string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return netip.AddrPort{}, ErrBadServer
		}
		return ap, nil
	}
	host := s
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, ErrBadServer
	}
	return netip.AddrPortFrom(a, 53), nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) maxResponse() int {
	switch {
	case c.MaxResponseSize <= 0 || c.MaxResponseSize > maxMessage:
		return maxMessage
	case c.MaxResponseSize < minMessage:
		return minMessage
	}
	return c.MaxResponseSize
}

func (c *Client) dial(ctx context.Context, network, address string) (net.Conn, error) {
	if c.Dial != nil {
		return c.Dial(ctx, network, address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}
