package autodiscover

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/hostname"
)

// Limits on redirects. Thunderbird follows RedirectAddr at most twice
// (gLoopCounter > 2); this package allows one, and three RedirectUrl (or
// HTTP redirect) hops.
const (
	MaxURLHops  = 3
	MaxAddrHops = 1
)

// Path is the path of the POX endpoint on every Autodiscover host.
const Path = "/autodiscover/autodiscover.xml"

// Method says how a candidate is asked.
type Method uint8

// The ways to ask a candidate.
const (
	// MethodPOST: POST Request to URL over https, certificate verified,
	// without an Authorization header.
	MethodPOST Method = iota + 1
	// MethodHTTPRedirect: GET URL over plain http without a body or
	// credentials and read only a redirect (302) from the answer; its
	// Location must pass Chain.URL before it is POSTed to. Opt-in.
	MethodHTTPRedirect
	// MethodSRV: look up SRV SRVName; turn the answer into a URL with
	// SRVURL, which checks it, then POST. Opt-in.
	MethodSRV
)

// A Candidate is one place to ask for a domain's settings.
type Candidate struct {
	Method  Method
	URL     string // for MethodPOST and MethodHTTPRedirect
	SRVName string // for MethodSRV: "_autodiscover._tcp.DOMAIN"
}

// Options selects the less trustworthy candidates, which come from
// unauthenticated sources (plain http, DNS without DNSSEC). The zero value
// selects only the two https URLs.
type Options struct {
	HTTPRedirect bool // add http://autodiscover.DOMAIN/autodiscover/autodiscover.xml
	SRV          bool // add SRV _autodiscover._tcp.DOMAIN
}

// Candidates returns where to ask for domain's settings, in order:
// https://autodiscover.DOMAIN/autodiscover/autodiscover.xml and
// https://DOMAIN/autodiscover/autodiscover.xml, then the opt-in ones. It
// never returns a name above domain: unlike Outlook's back-off, it does
// not strip labels, and it refuses (with ErrRedirect) a domain that is a
// public suffix or has none registrable, such as "com" or "co.uk", so that
// autodiscover.com is never asked (the 2021 autodiscover.<TLD> leak).
func Candidates(domain string, o Options) ([]Candidate, error) {
	d, _, err := registrable(domain)
	if err != nil {
		return nil, err
	}
	cs := []Candidate{
		{Method: MethodPOST, URL: "https://autodiscover." + d + Path},
		{Method: MethodPOST, URL: "https://" + d + Path},
	}
	if o.HTTPRedirect {
		cs = append(cs, Candidate{Method: MethodHTTPRedirect, URL: "http://autodiscover." + d + Path})
	}
	if o.SRV {
		cs = append(cs, Candidate{Method: MethodSRV, SRVName: "_autodiscover._tcp." + d})
	}
	return cs, nil
}

// registrable returns domain in canonical form and its registrable domain
// (public suffix plus one label), or an error wrapping ErrRedirect.
func registrable(domain string) (host, base string, err error) {
	h, err := hostname.Canonical(domain, hostname.Server)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrRedirect, err)
	}
	base, err = publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s is a public suffix, not a registrable domain", ErrRedirect, h)
	}
	return h, base, nil
}

// SameRegistrableDomain reports whether hosts a and b are valid host names
// with the same registrable domain (eTLD+1, by the Public Suffix List in
// golang.org/x/net/publicsuffix), such as mail.example.co.uk and
// autodiscover.example.co.uk, but not example.co.uk and other.co.uk.
func SameRegistrableDomain(a, b string) bool {
	_, ba, err1 := registrable(a)
	_, bb, err2 := registrable(b)
	return err1 == nil && err2 == nil && ba == bb
}

// CheckURL checks a redirect target for a query about domain: an https URL
// (so never a downgrade to http), without user information, whose host is
// a valid name (not an IP address) with the same registrable domain as
// domain. It returns the URL to POST to, or an error wrapping ErrRedirect.
// It is for RedirectUrl answers, HTTP redirects of the http candidate and
// URLs built from SRV answers alike.
func CheckURL(domain, target string) (string, error) {
	_, base, err := registrable(domain)
	if err != nil {
		return "", err
	}
	if len(target) > maxURL {
		return "", fmt.Errorf("%w: URL longer than %d bytes", ErrRedirect, maxURL)
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= ' ' || c >= 0x7f {
			return "", fmt.Errorf("%w: URL with a space, control or non-ASCII character", ErrRedirect)
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("%w: not a URL", ErrRedirect)
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", fmt.Errorf("%w: %q is not https (no downgrade to %s)", ErrRedirect, u.Scheme, u.Scheme)
	}
	if u.User != nil || u.Opaque != "" {
		return "", fmt.Errorf("%w: URL with user information", ErrRedirect)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return "", fmt.Errorf("%w: bad port %q", ErrRedirect, p)
		}
	}
	host, hostBase, err := registrable(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("URL host: %w", err)
	}
	if hostBase != base {
		return "", fmt.Errorf("%w: %s is outside %s", ErrRedirect, host, base)
	}
	port := u.Port()
	u.Scheme, u.Host = "https", host
	if port != "" && port != "443" {
		u.Host = net.JoinHostPort(host, port)
	}
	return u.String(), nil
}

// CheckAddr checks a RedirectAddr for a query about domain: a valid
// address whose domain has the same registrable domain as domain. It
// returns the address (with its domain in canonical form), or an error
// wrapping ErrRedirect.
func CheckAddr(domain, addr string) (string, error) {
	_, base, err := registrable(domain)
	if err != nil {
		return "", err
	}
	a, err := address.Canonical(addr)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrRedirect, err)
	}
	d := a[strings.LastIndexByte(a, '@')+1:]
	if _, b, err := registrable(d); err != nil || b != base {
		return "", fmt.Errorf("%w: %s is outside %s", ErrRedirect, d, base)
	}
	return a, nil
}

// SRVURL returns the URL to POST to for an SRV answer target:port of
// _autodiscover._tcp.DOMAIN, checked like CheckURL: the target must lie
// within domain's registrable domain. A target of "." (service not
// offered) or port 0 is refused.
func SRVURL(domain, target string, port uint16) (string, error) {
	if target == "." || target == "" || port == 0 {
		return "", fmt.Errorf("%w: SRV says the service is not offered", ErrRedirect)
	}
	host, err := hostname.Canonical(target, hostname.Server)
	if err != nil {
		return "", fmt.Errorf("%w: SRV target: %v", ErrRedirect, err)
	}
	hp := host
	if port != 443 {
		hp = net.JoinHostPort(host, strconv.Itoa(int(port)))
	}
	return CheckURL(domain, "https://"+hp+Path)
}

// A Chain follows the redirects of one query. It refuses, with errors
// wrapping ErrRedirect, more than MaxURLHops URL redirects, more than
// MaxAddrHops address redirects, a URL or address seen before (a loop),
// and every target CheckURL or CheckAddr refuses. Domain is the domain of
// the address first asked about; it never changes, so a RedirectAddr
// cannot move the query to another registrable domain. The zero Chain
// refuses everything.
type Chain struct {
	Domain string

	urls     []string
	addrs    []string
	addrHops int
	urlHops  int
}

// URL checks a RedirectUrl (or HTTP redirect Location) and records it.
func (c *Chain) URL(target string) (string, error) {
	u, err := CheckURL(c.Domain, target)
	if err != nil {
		return "", err
	}
	if c.urlHops >= MaxURLHops {
		return "", fmt.Errorf("%w: more than %d redirects", ErrRedirect, MaxURLHops)
	}
	for _, seen := range c.urls {
		if seen == u {
			return "", fmt.Errorf("%w: redirect loop back to %s", ErrRedirect, u)
		}
	}
	c.urlHops++
	c.urls = append(c.urls, u)
	return u, nil
}

// VisitURL records a URL asked without a redirect (a candidate), so that
// a redirect back to it is seen as a loop.
func (c *Chain) VisitURL(u string) { c.urls = append(c.urls, u) }

// VisitAddr records the address first asked about, so that a RedirectAddr
// back to it is seen as a loop.
func (c *Chain) VisitAddr(a string) { c.addrs = append(c.addrs, a) }

// Addr checks a RedirectAddr and records it; the query then starts again
// for the new address, at the candidates of its domain.
func (c *Chain) Addr(addr string) (string, error) {
	a, err := CheckAddr(c.Domain, addr)
	if err != nil {
		return "", err
	}
	if c.addrHops >= MaxAddrHops {
		return "", fmt.Errorf("%w: more than %d address redirect", ErrRedirect, MaxAddrHops)
	}
	for _, seen := range c.addrs {
		if strings.EqualFold(seen, a) {
			return "", fmt.Errorf("%w: address redirect loop", ErrRedirect)
		}
	}
	c.addrHops++
	c.addrs = append(c.addrs, a)
	return a, nil
}
