package mailsettings

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
)

// guessEndpoints returns the endpoints to try for domain, in order of
// preference: implicit TLS, then STARTTLS, then (only if plaintext is
// allowed) plaintext; IMAP, POP3, SMTP; and the hosts imap./pop./smtp.,
// mail. and the bare domain, as Thunderbird and Delta Chat guess.
func guessEndpoints(domain string, plaintext bool) []ServerEndpoint {
	type mode struct {
		enc   Encryption
		ports [3]uint16 // IMAP, POP3, SMTP
	}
	modes := []mode{{ImplicitTLS, [3]uint16{993, 995, 465}}, {STARTTLS, [3]uint16{143, 110, 587}}}
	if plaintext {
		modes = append(modes, mode{Plaintext, [3]uint16{143, 110, 587}})
	}
	var es []ServerEndpoint
	for _, m := range modes {
		for i, p := range []Protocol{IMAP, POP3, SMTP} {
			first := [3]string{"imap.", "pop.", "smtp."}[i]
			for _, prefix := range []string{first, "mail.", ""} {
				es = append(es, ServerEndpoint{Protocol: p, Host: prefix + domain, Port: m.ports[i], Encryption: m.enc, Username: UsernameAddress})
			}
		}
	}
	return es
}

// guessJob probes the guessed endpoints at once with a [Prober] that uses
// the run's resolver, dialer and TLS configuration. An endpoint is kept
// only if the probe succeeded and, unless it is plaintext (allowed only by
// AllowPlaintext), verified the server's certificate for the guessed host
// name after a real TLS handshake: a STARTTLS endpoint is not reported
// because a plaintext banner offers STARTTLS.
func (r *run) guessJob() *job {
	dom := r.q.Domain
	return &job{source: sourceGuess, url: "guess:" + dom, best: TrustInDomain, run: func(ctx context.Context) jobResult {
		tlsConf := &tls.Config{}
		if r.tlsConfig != nil {
			tlsConf = r.tlsConfig.Clone()
		}
		tlsConf.InsecureSkipVerify = false // a guess is only as good as its certificate
		p := &Prober{Resolver: r.resolver, Dialer: r.dialer, TLSConfig: tlsConf, Timeout: r.sourceTimeout}
		tries := guessEndpoints(dom, r.allowPlaintext)
		reports := p.ProbeAll(ctx, tries)
		var eps []ServerEndpoint
		var errs []error
		for i, rep := range reports {
			e := tries[i]
			switch {
			case rep.Err != nil:
				var dnsErr *net.DNSError
				if !errors.As(rep.Err, &dnsErr) || !dnsErr.IsNotFound {
					errs = append(errs, rep.Err)
				}
			case rep.Result == nil:
			case e.Encryption == Plaintext || rep.Result.Verified:
				eps = append(eps, e)
			}
		}
		if len(eps) == 0 {
			err := fmt.Errorf("none of %d guessed endpoints completed a TLS handshake with a verified certificate", len(tries))
			if len(errs) > 0 {
				err = fmt.Errorf("%w; first failure: %w", err, errs[0])
			}
			return jobResult{errs: []*SourceError{newSourceError(sourceGuess, "guess:"+dom, err)}}
		}
		trust, reasons := TrustInDomain, []Reason{reasonGuessed, reasonHostsInDomain}
		if hasPlaintext(eps) {
			trust = TrustUnauthenticated
		}
		info := ProviderInfo{ID: "guess:" + dom, Name: r.q.Unicode + " (guessed)", Domains: []string{dom}, Endpoints: eps,
			Source: "guessed host names, probed with a verified TLS handshake"}
		c, err := r.newCandidate(info, sourceGuess, "guess:"+dom, trust, reasons...)
		if err != nil {
			return jobResult{errs: []*SourceError{newSourceError(sourceGuess, "guess:"+dom, err)}}
		}
		return jobResult{cands: []Candidate{c}}
	}}
}
