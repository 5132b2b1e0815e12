package mailsettings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mailsettings/mailsettings/internal/autodiscover"
	"github.com/mailsettings/mailsettings/internal/msg"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// The Exchange Autodiscover source (POX, MS-OXDSCLI and MS-OXDISCO), asked
// without credentials: never an Authorization header, and a 401 or 403 is
// an explained error, not a candidate. Redirects (RedirectUrl, RedirectAddr)
// stay inside the domain's registrable domain, and no name above it is
// ever asked (the autodiscover.<TLD> leak of 2021).

// ErrExchangeCredentials is wrapped by the error of the Autodiscover
// source when the server gives settings only to a client that logs in (an
// HTTP 401 or 403): an Exchange server whose administrator holds the
// settings. The [SourceError]'s Explanation says what to ask for.
var ErrExchangeCredentials = errors.New("mailsettings: the Exchange server gives settings only with credentials")

// autodiscoverAddress is the address an Autodiscover request names: the
// query's own only with SendAddress, since the request goes to the
// domain's server in the clear of its body; otherwise a stand-in at the
// domain, which servers that answer per domain (mox, automx, most hosted
// Exchange) accept.
func (r *run) autodiscoverAddress() string {
	if r.sendAddress && r.q.Local != "" {
		return r.q.Address()
	}
	return "autodiscover@" + r.q.Domain
}

// autodiscoverJobs returns a job for each place to ask.
func (r *run) autodiscoverJobs() []*job {
	cands, err := autodiscover.Candidates(r.q.Domain, autodiscover.Options{HTTPRedirect: r.autodiscoverRedirects, SRV: r.autodiscoverRedirects})
	if err != nil {
		return nil // a public suffix: Discover refused it already
	}
	var jobs []*job
	for _, c := range cands {
		jobs = append(jobs, r.autodiscoverJob(c))
	}
	return jobs
}

func (r *run) autodiscoverJob(c autodiscover.Candidate) *job {
	where := c.URL
	if c.Method == autodiscover.MethodSRV {
		where = dnsURI(c.SRVName, "SRV")
	}
	return &job{source: sourceAutodiscover, url: where, best: TrustAuthenticated, run: func(ctx context.Context) jobResult {
		u, err := r.autodiscoverStart(ctx, c)
		if err != nil {
			return jobResult{errs: []*SourceError{newSourceError(sourceAutodiscover, where, err)}}
		}
		return r.autodiscoverAsk(ctx, u)
	}}
}

// autodiscoverStart returns the https URL to POST to for c: the URL itself,
// the https target an http://autodiscover.DOMAIN redirect names, or the
// URL an _autodiscover._tcp SRV record names; the last two only inside the
// domain's registrable domain.
func (r *run) autodiscoverStart(ctx context.Context, c autodiscover.Candidate) (string, error) {
	dom := r.q.Domain
	switch c.Method {
	case autodiscover.MethodHTTPRedirect:
		res, err := r.fetch(ctx, httpRequest{source: sourceAutodiscover, method: http.MethodGet, url: c.URL, base: r.reg, noFollow: true, max: 0})
		if err != nil {
			return "", err
		}
		loc := res.header.Get("Location")
		if res.status/100 != 3 || loc == "" {
			return "", fmt.Errorf("no redirect (HTTP status %d)", res.status)
		}
		return autodiscover.CheckURL(dom, loc)
	case autodiscover.MethodSRV:
		recs, _, err := r.lookupSRV(ctx, "autodiscover", fqdn(dom))
		if err != nil {
			return "", err
		}
		recs, _, _ = r.selectSRV(recs)
		if len(recs) == 0 {
			return "", errors.New("no usable SRV record")
		}
		return autodiscover.SRVURL(dom, recs[0].Target, recs[0].Port)
	}
	return c.URL, nil
}

// autodiscoverAsk POSTs the request to u and follows what the answers
// say, as far as a Chain allows.
func (r *run) autodiscoverAsk(ctx context.Context, u string) jobResult {
	addr := r.autodiscoverAddress()
	chain := autodiscover.Chain{Domain: r.q.Domain}
	chain.VisitURL(u)
	chain.VisitAddr(addr)
	fail := func(url string, err error) jobResult {
		return jobResult{errs: []*SourceError{newSourceError(sourceAutodiscover, url, err)}}
	}
	for range autodiscover.MaxURLHops + autodiscover.MaxAddrHops + 1 {
		res, err := r.fetch(ctx, httpRequest{source: sourceAutodiscover, method: http.MethodPost, url: u,
			body: autodiscover.Request(addr), contentType: autodiscover.RequestContentType,
			accept: "text/xml, application/xml", base: r.reg, max: autodiscover.MaxBodySize})
		switch {
		case err != nil:
			return fail(u, err)
		case res.status == http.StatusUnauthorized || res.status == http.StatusForbidden:
			return fail(res.final, fmt.Errorf("%w (HTTP status %d%s)", ErrExchangeCredentials, res.status, authSchemes(res.header)))
		case res.status != http.StatusOK:
			return fail(res.final, statusError(res))
		}
		resp, err := autodiscover.ParseResponse(res.body)
		if err != nil {
			return fail(res.final, err)
		}
		switch resp.Kind {
		case autodiscover.KindRedirectURL:
			if u, err = chain.URL(resp.RedirectURL); err != nil {
				return fail(res.final, err)
			}
			continue
		case autodiscover.KindRedirectAddr:
			if addr, err = chain.Addr(resp.RedirectAddr); err != nil {
				return fail(res.final, err)
			}
			continue
		case autodiscover.KindError:
			return fail(res.final, fmt.Errorf("error %s: %s", resp.ErrorCode, resp.ErrorMessage))
		}
		return r.autodiscoverCandidate(res, resp)
	}
	return fail(u, errors.New("too many redirects"))
}

// autodiscoverCandidate builds the candidate of a settings response.
func (r *run) autodiscoverCandidate(res httpResponse, resp autodiscover.Response) jobResult {
	info := ProviderInfo{Name: resp.DisplayName, Source: res.final}
	spa := false
	for _, p := range resp.Protocols {
		e := ServerEndpoint{Host: p.Server, Port: uint16(p.Port), Username: UsernameAddress}
		switch p.Type {
		case "IMAP":
			e.Protocol = IMAP
		case "POP3":
			e.Protocol = POP3
		case "SMTP":
			e.Protocol = SMTP
		default:
			continue
		}
		e.Encryption = encryptionOf(int(p.TLS())) // the values of package tlsmode
		if l := p.LoginName; l != "" && !strings.Contains(l, "@") {
			e.Username = UsernameLocalPart
		}
		info.Endpoints = append(info.Endpoints, e)
		spa = spa || p.WantsSPA()
	}
	if len(info.Endpoints) == 0 {
		err := errors.New("no IMAP, POP3 or SMTP settings")
		if len(resp.OtherTypes) > 0 {
			err = fmt.Errorf("%w: the server offers only %s", ErrExchangeCredentials, strings.Join(resp.OtherTypes, ", "))
		}
		return jobResult{errs: []*SourceError{newSourceError(sourceAutodiscover, res.final, err)}}
	}
	if spa {
		info.Notes = append(info.Notes, Note{Kind: NoteGeneral, Text: textOf(msg.Get("note.spa"))})
	}
	trust, reasons := TrustUnauthenticated, []Reason{reasonTLSUnverified}
	if res.verified {
		trust, reasons = TrustAuthenticated, []Reason{reasonHTTPSInDomain}
	}
	if !allInDomain(info.Endpoints, r.reg) {
		reasons = append(reasons, reasonHostOutsideDomain)
	}
	c, err := r.newCandidate(info, sourceAutodiscover, res.final, trust, reasons...)
	if err != nil {
		return jobResult{errs: []*SourceError{newSourceError(sourceAutodiscover, res.final, err)}}
	}
	return jobResult{cands: []Candidate{c}}
}

// authSchemes names the WWW-Authenticate schemes of a refusal, sanitized:
// ", wants Basic, NTLM".
func authSchemes(h http.Header) string {
	var schemes []string
	for _, v := range h.Values("WWW-Authenticate") {
		scheme, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		if w := sanitize.Word(scheme, 32); w != "" && len(schemes) < 8 {
			schemes = append(schemes, w)
		}
	}
	if len(schemes) == 0 {
		return ""
	}
	return ", wants " + strings.Join(schemes, ", ")
}

// Explanation says, in every language of [Text], what a source error
// means for the user when the package knows (a refused Exchange
// Autodiscover request); otherwise it is the error's text.
func (e *SourceError) Explanation() Text {
	if errors.Is(e.Err, ErrExchangeCredentials) {
		return textOf(msg.Get("source.exchange-credentials"))
	}
	return NewText(e.Error())
}
