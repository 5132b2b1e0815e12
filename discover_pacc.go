package mailsettings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/mailsettings/mailsettings/internal/pacc"
)

// The PACC source (draft-ietf-mailmaint-pacc-04): the document at
// https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json,
// used only if base64(SHA-256(body)) is the d= of a "v=UAAC1; a=sha256"
// TXT record at _ua-auto-config.DOMAIN.

// paccJob fetches the PACC document and its digest record at once.
func (r *run) paccJob() *job {
	dom := r.q.Domain
	u := pacc.URL(dom)
	return &job{source: sourcePACC, url: u, best: TrustAuthenticated, run: func(ctx context.Context) jobResult {
		var (
			txts    []string
			txtAuth bool
			txtErr  error
			wg      sync.WaitGroup
		)
		wg.Go(func() { txts, txtAuth, txtErr = lookupTXT(ctx, r.resolver, fqdn(pacc.TXTName(dom))) })
		// No redirect to another host: the digest ties the body to the
		// domain, and the host asked is the one the domain names.
		res, err := r.fetch(ctx, httpRequest{source: sourcePACC, method: http.MethodGet, url: u,
			accept: "application/json", base: r.reg, sameHost: true, max: pacc.MaxBodySize})
		wg.Wait()
		fail := func(err error) jobResult {
			return jobResult{errs: []*SourceError{newSourceError(sourcePACC, res.final, err)}}
		}
		switch {
		case err != nil:
			return fail(err)
		case res.status != http.StatusOK:
			return fail(statusError(res))
		case txtErr != nil:
			return fail(fmt.Errorf("digest record %s: %w", pacc.TXTName(dom), txtErr))
		}
		records := make([][]string, len(txts))
		for i, t := range txts {
			records[i] = []string{t}
		}
		if ok, err := pacc.VerifyDigest(res.body, records); !ok {
			return fail(err)
		}
		var dropped []*SourceError
		cfg, err := pacc.Parser{Dropped: func(member string, reason error) {
			if len(dropped) < 64 {
				dropped = append(dropped, newSourceError(sourcePACC, res.final, fmt.Errorf("dropped %s: %w", member, reason)))
			}
		}}.Parse(res.body)
		if err != nil {
			return jobResult{errs: append(dropped, newSourceError(sourcePACC, res.final, err))}
		}
		if !cfg.HasMail() {
			return jobResult{errs: append(dropped, newSourceError(sourcePACC, res.final, errors.New("the document names no mail server")))}
		}
		trust, reasons := paccTrust(res, txtAuth, allInDomain(paccEndpoints(cfg), r.reg))
		c, err := r.newCandidate(paccInfo(cfg, res.final), sourcePACC, res.final, trust, reasons...)
		if err != nil {
			return jobResult{errs: append(dropped, newSourceError(sourcePACC, res.final, err))}
		}
		return jobResult{cands: []Candidate{c}, errs: dropped}
	}}
}

// paccTrust is the trust of a PACC document whose digest matched: the
// domain's operator wrote it if it came over HTTPS with a verified
// certificate, or if the digest record that vouches for its exact bytes
// was validated with DNSSEC; otherwise anyone on the path (who can answer
// both the TLS connection and the DNS question) could have.
func paccTrust(res httpResponse, txtDNSSEC, inDomain bool) (Trust, []Reason) {
	trust, reasons := TrustUnauthenticated, []Reason{reasonTLSUnverified, reasonPACCDigest, reasonDNSUnauthenticated}
	switch {
	case res.verified && txtDNSSEC:
		trust, reasons = TrustAuthenticated, []Reason{reasonHTTPSInDomain, reasonPACCDigest, reasonDNSSEC}
	case res.verified:
		trust, reasons = TrustAuthenticated, []Reason{reasonHTTPSInDomain, reasonPACCDigest}
	case txtDNSSEC:
		trust, reasons = TrustAuthenticated, []Reason{reasonPACCDigest, reasonDNSSEC}
	}
	if !inDomain {
		reasons = append(reasons, reasonHostOutsideDomain)
	}
	return trust, reasons
}

// paccEndpoints returns the endpoints of a PACC document: IMAP on 993,
// POP3 on 995 and submission on 465, all implicit TLS, logging in with the
// address (PACC names no username).
func paccEndpoints(cfg pacc.Config) []ServerEndpoint {
	var es []ServerEndpoint
	for _, g := range []struct {
		p       Protocol
		servers []pacc.Server
	}{{IMAP, cfg.IMAP}, {POP3, cfg.POP3}, {SMTP, cfg.Submit}} {
		for _, s := range g.servers {
			es = append(es, ServerEndpoint{Protocol: g.p, Host: s.Host, Port: uint16(s.Port), Encryption: ImplicitTLS, Username: UsernameAddress})
		}
	}
	return es
}

// paccInfo turns a PACC document into provider data.
func paccInfo(cfg pacc.Config, source string) ProviderInfo {
	info := ProviderInfo{Name: cfg.ProviderName, Endpoints: paccEndpoints(cfg), DocURL: cfg.DocumentationURL, Source: source}
	if info.Name == "" {
		info.Name = cfg.ProviderShortName
	}
	if cfg.OAuth2Only() {
		info.Password = PasswordOAuth2Only
	}
	if cfg.OAuthIssuer != "" {
		info.OAuth2 = &OAuth2{Issuer: cfg.OAuthIssuer}
	}
	return info
}
