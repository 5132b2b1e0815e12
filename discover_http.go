package mailsettings

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/autoconfigxml"
	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/netdial"
	"golang.org/x/net/publicsuffix"
)

// maxRedirects is the most redirects an autoconfig request follows.
const maxRedirects = 5

// newRun prepares the clients of one discovery.
func (d *Discoverer) newRun(input string, q query, reg string) *run {
	r := &run{d: d, input: input, q: q, reg: reg, resolver: d.Resolver, dialer: d.Dialer}
	if r.resolver == nil {
		r.resolver = net.DefaultResolver
	}
	if r.dialer == nil {
		r.dialer = &net.Dialer{Timeout: 10 * time.Second}
	}
	if d.HTTPClient != nil {
		c := *d.HTTPClient
		r.client = &c
	} else {
		tlsConf := &tls.Config{}
		if d.TLSConfig != nil {
			tlsConf = d.TLSConfig.Clone()
		}
		tlsConf.InsecureSkipVerify = false
		tlsConf.MinVersion = max(tlsConf.MinVersion, tls.VersionTLS12)
		r.transport = &http.Transport{
			Proxy:                  nil, // no proxy from the environment
			DialContext:            r.dialContext,
			TLSClientConfig:        tlsConf,
			TLSHandshakeTimeout:    10 * time.Second,
			ResponseHeaderTimeout:  10 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
			DisableKeepAlives:      true,
		}
		r.client = &http.Client{Transport: r.transport}
	}
	r.client.Jar = nil
	return r
}

// close releases the run's own connections.
func (r *run) close() {
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}

// dialContext resolves host names through the run's Resolver and dials
// through its Dialer, with netdial (Happy Eyeballs, at most four
// addresses, the deadline split across them).
func (r *run) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dial %s: invalid port %q", network, truncate(port, 16))
	}
	addrs, err := netdial.Resolve(ctx, r.resolver, host)
	if err != nil {
		return nil, err
	}
	c, _, err := netdial.Dial(ctx, r.dialer, network, addrs, uint16(p), netdial.Options{})
	return c, err
}

// addressQuery returns "?emailaddress=..." if the caller opted in and the
// query is an address, else "".
func (r *run) addressQuery() string {
	if !r.d.SendAddress || r.q.Local == "" {
		return ""
	}
	return "?emailaddress=" + url.QueryEscape(r.q.Local+"@"+r.q.Domain)
}

// checkRedirectHost validates the host of a redirect target like user
// input: a normalized host name (no IP literal, no user info), not a public
// suffix and not above the email's registrable domain.
func (r *run) checkRedirectHost(u *url.URL) error {
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("scheme %q", truncate(u.Scheme, 16))
	}
	if u.User != nil {
		return errors.New("URL with user info")
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return fmt.Errorf("IP address %q instead of a host name", host)
	}
	if !hostname.IsNormal(host) || hostname.Check(host, hostname.Server) != nil {
		return fmt.Errorf("invalid host name %q", truncate(host, 80))
	}
	if ps, _ := publicsuffix.PublicSuffix(host); ps == host || strings.HasSuffix(r.reg, "."+host) {
		return fmt.Errorf("host %q is a public suffix or above %s", host, r.reg)
	}
	return nil
}

// A fetched document is what fetchAutoconfig learned.
type fetched struct {
	info  ProviderInfo
	final string // the URL fetched, after redirects
	// outside is set when a redirect left the base registrable domain.
	outside bool
	// verified is set when every response, the redirects included, came
	// over TLS with a certificate chain verified for the host asked.
	verified bool
	dropped  []*SourceError
}

// fetchAutoconfig fetches and parses one autoconfig document.
func (r *run) fetchAutoconfig(ctx context.Context, s Source, rawURL, base string) (fetched, error) {
	f := fetched{final: rawURL, verified: true}
	c := *r.client
	callerCheck := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		for _, v := range via {
			if v.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w from https to %s", ErrInsecureRedirect, truncate(req.URL.Redacted(), 200))
			}
		}
		if err := r.checkRedirectHost(req.URL); err != nil {
			return fmt.Errorf("%w to %s: %v", ErrInsecureRedirect, truncate(req.URL.Redacted(), 200), err)
		}
		if !verifiedTLS(req.Response) {
			f.verified = false
		}
		// The address, if it was sent, goes to the host it was sent to and
		// nowhere else: no Referer, and no query string to another domain.
		req.Header.Del("Referer")
		if !inDomain(req.URL.Hostname(), base) {
			f.outside = true
			req.URL.RawQuery, req.URL.ForceQuery = "", false
		}
		if callerCheck != nil {
			return callerCheck(req, via)
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return f, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	req.Header.Set("User-Agent", "mailsettings (https://github.com/mailsettings/mailsettings)")
	resp, err := c.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the URL is in the SourceError already
		}
		return f, err
	}
	defer resp.Body.Close()
	f.final = resp.Request.URL.String()
	f.verified = f.verified && verifiedTLS(resp)
	if resp.StatusCode != http.StatusOK {
		return f, fmt.Errorf("HTTP status %q", truncate(resp.Status, 64))
	}
	if resp.ContentLength > autoconfigxml.MaxSize {
		return f, fmt.Errorf("%w: Content-Length %d is over %d bytes", ErrAutoconfig, resp.ContentLength, autoconfigxml.MaxSize)
	}
	final := f.final
	p := AutoconfigParser{Domain: r.q.Domain, Dropped: func(entry string, reason error) {
		if len(f.dropped) < 64 {
			f.dropped = append(f.dropped, newSourceError(s, final, fmt.Errorf("dropped %s: %w", entry, reason)))
		}
	}}
	f.info, err = p.Parse(resp.Body)
	if err != nil {
		return f, err
	}
	f.info.Source = f.final
	f.info.LastChecked = ""
	return f, nil
}

// verifiedTLS reports whether resp came over TLS with a certificate chain
// verified for the host asked. A caller's HTTPClient whose transport skips
// verification gives responses without verified chains.
func verifiedTLS(resp *http.Response) bool {
	return resp != nil && resp.TLS != nil && len(resp.TLS.VerifiedChains) > 0
}

// autoconfigJob fetches one autoconfig URL for source s.
func (r *run) autoconfigJob(s Source, rawURL string) *job {
	return r.autoconfigJobBase(s, rawURL, r.reg)
}

func (r *run) autoconfigJobBase(s Source, rawURL, base string) *job {
	best := TrustAuthenticated
	if s == SourceMXAutoconfig || !strings.HasPrefix(rawURL, "https://") {
		best = TrustUnauthenticated
	}
	return &job{source: s, url: rawURL, best: best, run: func(ctx context.Context) jobResult {
		f, err := r.fetchAutoconfig(ctx, s, rawURL, base)
		if err != nil {
			return jobResult{errs: []*SourceError{newSourceError(s, f.final, err)}}
		}
		trust, reasons := documentTrust(s, f, allInDomain(f.info.Endpoints, r.reg))
		dropped := f.dropped
		if trust > TrustUnauthenticated {
			dropped = append(dropped, dropHTTPLinks(&f.info, s, f.final)...)
		} else if hasHTTPLink(f.info) {
			reasons = append(reasons, ReasonHTTPLink)
		}
		c, err := r.newCandidate(f.info, s, f.final, trust, reasons...)
		if err != nil {
			return jobResult{errs: append(dropped, newSourceError(s, f.final, err))}
		}
		return jobResult{cands: []Candidate{c}, errs: dropped}
	}}
}

// documentTrust is the trust of an autoconfig document by who could have
// forged it (see [Trust]): one fetched over HTTPS whose every response had
// a verified certificate was written by the domain's operator (or the
// server its own server redirected to) or by the ISPDB; anything else
// could have been written by anyone on the path. A document found through
// the MX host is only as good as the MX answer, which DNS without DNSSEC
// does not authenticate.
func documentTrust(s Source, f fetched, inDomain bool) (Trust, []Reason) {
	https := strings.HasPrefix(f.final, "https://")
	var reasons []Reason
	switch {
	case !https:
		reasons = []Reason{ReasonPlainHTTP}
	case !f.verified:
		reasons = []Reason{ReasonTLSUnverified}
	}
	authenticated := https && f.verified
	trust := TrustUnauthenticated
	switch s {
	case SourceAutoconfig, SourceWellKnown:
		if authenticated {
			trust, reasons = TrustAuthenticated, []Reason{ReasonHTTPSInDomain}
		}
		if f.outside {
			reasons = append(reasons, ReasonRedirectedOutside)
		}
	case SourceISPDB:
		if authenticated {
			trust, reasons = TrustAuthenticated, []Reason{ReasonHTTPSKnownProvider}
		}
	case SourceMXAutoconfig:
		reasons = append([]Reason{ReasonMXBaseDomain, ReasonDNSUnauthenticated}, reasons...)
	}
	if !inDomain {
		reasons = append(reasons, ReasonHostOutsideDomain)
	}
	return trust, reasons
}

// hasHTTPLink reports whether a help or settings page of info is a plain
// http:// URL.
func hasHTTPLink(info ProviderInfo) bool {
	if strings.HasPrefix(info.DocURL, "http://") || strings.HasPrefix(info.SettingsURL, "http://") {
		return true
	}
	return slices.ContainsFunc(info.Notes, func(n Note) bool { return strings.HasPrefix(n.URL, "http://") })
}

// dropHTTPLinks removes the plain http:// help and settings pages from an
// authenticated answer, whose label would otherwise vouch for a page anyone
// on the path can change, and reports what it dropped.
func dropHTTPLinks(info *ProviderInfo, s Source, url string) []*SourceError {
	var dropped []*SourceError
	drop := func(what string, link *string) {
		if strings.HasPrefix(*link, "http://") {
			dropped = append(dropped, newSourceError(s, url, fmt.Errorf("dropped %s %s: not https", what, truncate(*link, 200))))
			*link = ""
		}
	}
	drop("documentation URL", &info.DocURL)
	drop("settings URL", &info.SettingsURL)
	info.Notes = slices.Clone(info.Notes)
	for i := range info.Notes {
		drop("note URL", &info.Notes[i].URL)
	}
	return dropped
}
