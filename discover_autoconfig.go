package mailsettings

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings/internal/autoconfigxml"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// The Mozilla autoconfig source: autoconfig.DOMAIN, DOMAIN/.well-known, the
// ISPDB, the MX host's base domain, and plain HTTP when allowed.

// A fetched document is what fetchAutoconfig learned.
type fetched struct {
	httpResponse
	info    ProviderInfo
	dropped []*SourceError
}

// fetchAutoconfig fetches and parses one autoconfig document.
func (r *run) fetchAutoconfig(ctx context.Context, s Source, rawURL, base string) (fetched, error) {
	res, err := r.fetch(ctx, httpRequest{source: s, method: http.MethodGet, url: rawURL,
		accept: "application/xml, text/xml", base: base, max: autoconfigxml.MaxSize})
	f := fetched{httpResponse: res}
	switch {
	case errors.Is(err, errBodyTooLarge):
		return f, fmt.Errorf("%w: %v", ErrAutoconfig, err)
	case err != nil:
		return f, err
	case res.status != http.StatusOK:
		return f, statusError(res)
	}
	p := AutoconfigParser{Domain: r.q.Domain, Address: r.sentAddress(rawURL), Dropped: func(entry string, reason error) {
		if len(f.dropped) < 64 {
			f.dropped = append(f.dropped, newSourceError(s, res.final, fmt.Errorf("dropped %s: %w", entry, reason)))
		}
	}}
	f.info, err = p.Parse(bytes.NewReader(res.body))
	if err != nil {
		return f, err
	}
	f.info.Source = res.final
	f.info.LastChecked = ""
	return f, nil
}

// autoconfigJob fetches one autoconfig URL for source s.
func (r *run) autoconfigJob(s Source, rawURL string) *job {
	return r.autoconfigJobBase(s, rawURL, r.reg, false)
}

// autoconfigJobBase fetches one autoconfig URL for source s, following
// redirects inside base; mxDNSSEC says that the MX answer that led to it
// (for sourceMXAutoconfig) was validated with DNSSEC.
func (r *run) autoconfigJobBase(s Source, rawURL, base string, mxDNSSEC bool) *job {
	best := TrustAuthenticated
	if s == sourceMXAutoconfig && !mxDNSSEC || !strings.HasPrefix(rawURL, "https://") {
		best = TrustUnauthenticated
	}
	return &job{source: s, url: rawURL, best: best, run: func(ctx context.Context) jobResult {
		f, err := r.fetchAutoconfig(ctx, s, rawURL, base)
		if err != nil {
			return jobResult{errs: append(f.dropped, newSourceError(s, f.final, err))}
		}
		trust, reasons := documentTrust(s, f, allInDomain(f.info.Endpoints, r.reg), mxDNSSEC)
		dropped := f.dropped
		if trust > TrustUnauthenticated {
			dropped = append(dropped, dropHTTPLinks(&f.info, s, f.final)...)
		} else if hasHTTPLink(f.info) {
			reasons = append(reasons, reasonHTTPLink)
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
// the MX host is only as good as the MX answer, which only DNSSEC
// (mxDNSSEC) authenticates.
func documentTrust(s Source, f fetched, inDomain, mxDNSSEC bool) (Trust, []Reason) {
	https := strings.HasPrefix(f.final, "https://")
	var reasons []Reason
	switch {
	case !https:
		reasons = []Reason{reasonPlainHTTP}
	case !f.verified:
		reasons = []Reason{reasonTLSUnverified}
	}
	authenticated := https && f.verified
	trust := TrustUnauthenticated
	switch s {
	case sourceAutoconfig, sourceWellKnown:
		if authenticated {
			trust, reasons = TrustAuthenticated, []Reason{reasonHTTPSInDomain}
		}
		if f.outside {
			reasons = append(reasons, reasonRedirectedOutside)
		}
	case sourceISPDB:
		if authenticated {
			trust, reasons = TrustAuthenticated, []Reason{reasonHTTPSKnownProvider}
		}
	case sourceMXAutoconfig:
		if authenticated && mxDNSSEC {
			trust, reasons = TrustAuthenticated, []Reason{reasonMXBaseDomain, reasonDNSSEC}
		} else {
			reasons = append([]Reason{reasonMXBaseDomain, reasonDNSUnauthenticated}, reasons...)
		}
	}
	if !inDomain {
		reasons = append(reasons, reasonHostOutsideDomain)
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
			dropped = append(dropped, newSourceError(s, url, fmt.Errorf("dropped %s %s: not https", what, sanitize.Clip(*link, 200))))
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
