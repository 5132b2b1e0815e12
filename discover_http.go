package mailsettings

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/netdial"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"golang.org/x/net/publicsuffix"
)

// maxRedirects is the most redirects an autoconfig request follows.
const maxRedirects = 5

// errInsecureRedirect is wrapped by the error of an HTTP source whose
// server redirected from https to http, or to a host that is not a valid
// host name below a registrable domain.
var errInsecureRedirect = errors.New("mailsettings: refused redirect")

// initHTTP sets up the run's HTTP client: a copy of client if it is not
// nil, else one of its own that resolves and dials through the run.
func (r *run) initHTTP(client *http.Client) {
	if client != nil {
		c := *client
		r.client = &c
	} else {
		tlsConf := &tls.Config{}
		if r.tlsConfig != nil {
			tlsConf = r.tlsConfig.Clone()
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
		return nil, fmt.Errorf("dial %s: invalid port %q", network, sanitize.Clip(port, 16))
	}
	addrs, err := netdial.Resolve(ctx, r.resolver, host)
	if err != nil {
		return nil, err
	}
	c, _, err := netdial.Dial(ctx, r.dialer, network, addrs, uint16(p), netdial.Options{})
	return c, err
}

// checkRedirectHost validates the host of a redirect target like user
// input: a normalized host name (no IP literal, no user info), not a public
// suffix and not above the email's registrable domain.
func (r *run) checkRedirectHost(u *url.URL) error {
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("scheme %q", sanitize.Clip(u.Scheme, 16))
	}
	if u.User != nil {
		return errors.New("URL with user info")
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return fmt.Errorf("IP address %q instead of a host name", host)
	}
	if !hostname.IsNormal(host) || hostname.Check(host, hostname.Server) != nil {
		return fmt.Errorf("invalid host name %q", sanitize.Clip(host, 80))
	}
	if ps, _ := publicsuffix.PublicSuffix(host); ps == host || strings.HasSuffix(r.reg, "."+host) {
		return fmt.Errorf("host %q is a public suffix or above %s", host, r.reg)
	}
	return nil
}

// An httpRequest is one HTTP request of a source.
type httpRequest struct {
	source      Source
	method      string // GET or POST
	url         string
	body        []byte // for POST
	contentType string // of body
	accept      string
	// base is a registrable domain: a redirect that leaves it is recorded
	// and carries no query string.
	base string
	// sameHost refuses redirects to another host.
	sameHost bool
	// noFollow returns a redirect as the response, unfollowed.
	noFollow bool
	// max bounds the body read.
	max int64
}

// An httpResponse is what fetch learned.
type httpResponse struct {
	final string // the URL fetched, after redirects
	// outside is set when a redirect left the base registrable domain.
	outside bool
	// verified is set when every response, the redirects included, came
	// over TLS with a certificate chain verified for the host asked.
	verified bool
	status   int
	header   http.Header
	body     []byte // read only for status 200, at most max bytes
}

// fetch makes one request with the run's client and redirect policy: at
// most maxRedirects redirects, never from https to http, never to an IP
// address, a public suffix or a name above the email's registrable domain;
// no Referer, and no query string to another domain, so that an address
// sent with SendAddress reaches only the host it was sent to. It returns an
// error for a failed request or a refused redirect; any HTTP status is a
// response, and the body is read only for 200.
func (r *run) fetch(ctx context.Context, q httpRequest) (httpResponse, error) {
	res := httpResponse{final: q.url, verified: true}
	c := *r.client
	callerCheck := c.CheckRedirect
	first, err := url.Parse(q.url)
	if err != nil {
		return res, err
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if q.noFollow {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		for _, v := range via {
			if v.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w from https to %s", errInsecureRedirect, sanitize.Clip(req.URL.Redacted(), 200))
			}
		}
		if err := r.checkRedirectHost(req.URL); err != nil {
			return fmt.Errorf("%w to %s: %v", errInsecureRedirect, sanitize.Clip(req.URL.Redacted(), 200), err)
		}
		if q.sameHost && !strings.EqualFold(req.URL.Host, first.Host) {
			return fmt.Errorf("%w to another host, %s", errInsecureRedirect, sanitize.Clip(req.URL.Redacted(), 200))
		}
		if !verifiedTLS(req.Response) {
			res.verified = false
		}
		req.Header.Del("Referer")
		if !inDomain(req.URL.Hostname(), q.base) {
			res.outside = true
			req.URL.RawQuery, req.URL.ForceQuery = "", false
		}
		if callerCheck != nil {
			return callerCheck(req, via)
		}
		return nil
	}
	var body io.Reader
	if q.body != nil {
		body = bytes.NewReader(q.body)
	}
	req, err := http.NewRequestWithContext(ctx, q.method, q.url, body)
	if err != nil {
		return res, err
	}
	if q.contentType != "" {
		req.Header.Set("Content-Type", q.contentType)
	}
	req.Header.Set("Accept", q.accept)
	req.Header.Set("User-Agent", "mailsettings (https://github.com/mailsettings/mailsettings)")
	resp, err := c.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the URL is in the SourceError already
		}
		return res, err
	}
	defer resp.Body.Close()
	res.final = resp.Request.URL.String()
	res.verified = res.verified && verifiedTLS(resp)
	res.status, res.header = resp.StatusCode, resp.Header
	if resp.StatusCode != http.StatusOK {
		return res, nil
	}
	if resp.ContentLength > q.max {
		return res, fmt.Errorf("%w: Content-Length %d is over %d bytes", errBodyTooLarge, resp.ContentLength, q.max)
	}
	res.body, err = io.ReadAll(io.LimitReader(resp.Body, q.max+1))
	if err != nil {
		return res, err
	}
	if int64(len(res.body)) > q.max {
		return res, fmt.Errorf("%w: larger than %d bytes", errBodyTooLarge, q.max)
	}
	return res, nil
}

// errBodyTooLarge is wrapped by the error of a response body over the
// request's bound.
var errBodyTooLarge = errors.New("response body too large")

// statusError is the error of a response that is not 200.
func statusError(res httpResponse) error {
	return fmt.Errorf("HTTP status %d", res.status)
}

// verifiedTLS reports whether resp came over TLS with a certificate chain
// verified for the host asked. A caller's HTTPClient whose transport skips
// verification gives responses without verified chains.
func verifiedTLS(resp *http.Response) bool {
	return resp != nil && resp.TLS != nil && len(resp.TLS.VerifiedChains) > 0
}
