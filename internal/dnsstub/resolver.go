package dnsstub

import (
	"cmp"
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"
)

// The methods below have the shapes of [net.Resolver]'s, so that a Client
// can stand in for one, and each has an Authenticated variant that also
// reports whether the answer was DNSSEC-validated by a server whose AD bit
// the client's Policy believes. authenticated covers the whole response:
// the records, or the denial (NXDOMAIN, NODATA) when there are none.
//
// As with net.Resolver, records whose names are invalid are dropped, and
// the valid ones are returned together with an error that unwraps to
// ErrMalformedRecords.

// LookupSRV is [Client.LookupSRVAuthenticated] without the authentication
// result.
func (c *Client) LookupSRV(ctx context.Context, service, proto, name string) (cname string, srvs []*net.SRV, err error) {
	cname, srvs, _, err = c.LookupSRVAuthenticated(ctx, service, proto, name)
	return cname, srvs, err
}

// LookupSRVAuthenticated asks for the SRV records of _service._proto.name,
// or of name when service and proto are both empty, as net.Resolver does.
// cname is the canonical name of the records. The records are sorted by
// priority, in answer order within one priority (weights are left to the
// caller).
func (c *Client) LookupSRVAuthenticated(ctx context.Context, service, proto, name string) (cname string, srvs []*net.SRV, authenticated bool, err error) {
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	resp, err := c.Lookup(ctx, target, dnsmessage.TypeSRV)
	if resp == nil {
		return "", nil, false, err
	}
	srvs = slices.Clone(resp.SRV)
	slices.SortStableFunc(srvs, func(a, b *net.SRV) int { return cmp.Compare(a.Priority, b.Priority) })
	return resp.CNAME, srvs, resp.Authenticated, partial(resp, target, err)
}

// LookupMX is [Client.LookupMXAuthenticated] without the authentication
// result.
func (c *Client) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	mxs, _, err := c.LookupMXAuthenticated(ctx, name)
	return mxs, err
}

// LookupMXAuthenticated asks for the MX records of name, sorted by
// preference.
func (c *Client) LookupMXAuthenticated(ctx context.Context, name string) (mxs []*net.MX, authenticated bool, err error) {
	resp, err := c.Lookup(ctx, name, dnsmessage.TypeMX)
	if resp == nil {
		return nil, false, err
	}
	mxs = slices.Clone(resp.MX)
	slices.SortStableFunc(mxs, func(a, b *net.MX) int { return cmp.Compare(a.Pref, b.Pref) })
	return mxs, resp.Authenticated, partial(resp, name, err)
}

// LookupTXT is [Client.LookupTXTAuthenticated] without the authentication
// result.
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	txts, _, err := c.LookupTXTAuthenticated(ctx, name)
	return txts, err
}

// LookupTXTAuthenticated asks for the TXT records of name and returns one
// string per record, its character-strings concatenated, as
// net.Resolver.LookupTXT does. [Client.Lookup] keeps them separate.
func (c *Client) LookupTXTAuthenticated(ctx context.Context, name string) (txts []string, authenticated bool, err error) {
	resp, err := c.Lookup(ctx, name, dnsmessage.TypeTXT)
	if resp == nil {
		return nil, false, err
	}
	for _, rec := range resp.TXT {
		txts = append(txts, strings.Join(rec, ""))
	}
	return txts, resp.Authenticated, partial(resp, name, err)
}

// LookupIPAddr asks for the A and AAAA records of host, at the same time,
// and returns the IPv4 addresses, then the IPv6 ones. It fails only when
// neither question gave an address.
func (c *Client) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	var r4, r6 *Response
	var e4, e6 error
	var wg sync.WaitGroup
	wg.Go(func() { r4, e4 = c.Lookup(ctx, host, dnsmessage.TypeA) })
	r6, e6 = c.Lookup(ctx, host, dnsmessage.TypeAAAA)
	wg.Wait()
	var addrs []net.IPAddr
	for _, r := range []*Response{r4, r6} {
		if r == nil {
			continue
		}
		for _, a := range r.Addrs {
			addrs = append(addrs, net.IPAddr{IP: a.AsSlice()})
		}
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	// Report a failure rather than a "not found", which would be wrong if
	// the other question failed.
	if isNotFound(e4) && e6 != nil {
		return nil, e6
	}
	return nil, e4
}

// partial returns err, or, when some records were dropped as malformed and
// err is nil, an error saying so.
func partial(resp *Response, name string, err error) error {
	if err == nil && resp.Malformed > 0 {
		return lookupError(name, resp.Server, ErrMalformedRecords)
	}
	return err
}

func isNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}
