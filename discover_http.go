package mailsettings

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
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

// fetchAutoconfig fetches and parses one autoconfig document. It returns
// the final URL and whether a redirect left base, a registrable domain.
func (r *run) fetchAutoconfig(ctx context.Context, s Source, rawURL, base string) (info ProviderInfo, final string, outside bool, dropped []*SourceError, err error) {
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
		if !inDomain(req.URL.Hostname(), base) {
			outside = true
		}
		if callerCheck != nil {
			return callerCheck(req, via)
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return ProviderInfo{}, "", false, nil, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	req.Header.Set("User-Agent", "mailsettings (https://github.com/mailsettings/mailsettings)")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the SourceError already
		}
		return ProviderInfo{}, "", false, nil, err
	}
	defer resp.Body.Close()
	final = resp.Request.URL.String()
	if resp.StatusCode != http.StatusOK {
		return ProviderInfo{}, final, outside, nil, fmt.Errorf("HTTP status %q", truncate(resp.Status, 64))
	}
	if resp.ContentLength > autoconfigxml.MaxSize {
		return ProviderInfo{}, final, outside, nil, fmt.Errorf("%w: Content-Length %d is over %d bytes", ErrAutoconfig, resp.ContentLength, autoconfigxml.MaxSize)
	}
	p := AutoconfigParser{Domain: r.q.Domain, Dropped: func(entry string, reason error) {
		if len(dropped) < 64 {
			dropped = append(dropped, &SourceError{Source: s, URL: final, Err: fmt.Errorf("dropped %s: %w", entry, reason)})
		}
	}}
	info, err = p.Parse(resp.Body)
	if err != nil {
		return ProviderInfo{}, final, outside, nil, err
	}
	info.Source = final
	info.LastChecked = ""
	return info, final, outside, dropped, nil
}

// autoconfigJob fetches one autoconfig URL for source s.
func (r *run) autoconfigJob(s Source, rawURL string) *job {
	return r.autoconfigJobBase(s, rawURL, r.reg)
}

func (r *run) autoconfigJobBase(s Source, rawURL, base string) *job {
	return &job{source: s, url: rawURL, run: func(ctx context.Context) jobResult {
		info, final, outside, dropped, err := r.fetchAutoconfig(ctx, s, rawURL, base)
		if err != nil {
			if final == "" {
				final = rawURL
			}
			return jobResult{errs: []*SourceError{r.newSourceError(s, final, err)}}
		}
		var trust Trust
		var reasons []Reason
		switch s {
		case SourceAutoconfig, SourceWellKnown:
			trust, reasons = TrustAuthenticated, []Reason{ReasonHTTPSInDomain}
			if outside {
				trust, reasons = TrustUnauthenticated, []Reason{ReasonRedirectedOutside}
			}
			if !allInDomain(info.Endpoints, r.reg) {
				reasons = append(reasons, ReasonHostOutsideDomain)
			}
		case SourceISPDB:
			trust, reasons = TrustAuthenticated, []Reason{ReasonHTTPSKnownProvider}
		case SourceMXAutoconfig:
			trust, reasons = TrustUnauthenticated, []Reason{ReasonMXBaseDomain, ReasonDNSUnauthenticated, ReasonHostOutsideDomain}
		default: // SourceAutoconfigHTTP
			trust, reasons = TrustUnauthenticated, []Reason{ReasonPlainHTTP}
			if !allInDomain(info.Endpoints, r.reg) {
				reasons = append(reasons, ReasonHostOutsideDomain)
			}
		}
		if !strings.HasPrefix(final, "https://") && trust > TrustUnauthenticated {
			// An ISPDBURL given as http://: nothing authenticates the answer.
			trust, reasons = TrustUnauthenticated, []Reason{ReasonPlainHTTP}
			if !allInDomain(info.Endpoints, r.reg) {
				reasons = append(reasons, ReasonHostOutsideDomain)
			}
		}
		c, err := r.newCandidate(info, s, final, trust, reasons...)
		if err != nil {
			return jobResult{errs: append(dropped, r.newSourceError(s, final, err))}
		}
		return jobResult{cands: []Candidate{c}, errs: dropped}
	}}
}
