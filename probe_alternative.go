package mailsettings

import (
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/wire"
	"golang.org/x/net/publicsuffix"
)

// maxAlternatives bounds how many hosts a name mismatch probes.
const maxAlternatives = 3

// findAlternative looks, after a certificate name mismatch, for a host the
// certificate names that belongs to the endpoint's operator and that a
// probe (without credentials) verifies under its own name. The names are
// considered only when the certificate chains to a trusted root without
// its names checked, so that they are a real certificate's, not text a
// server made up; the mismatched certificate itself is never accepted.
// It returns the endpoint on that host, or nil.
func (s *session) findAlternative(wr *wire.Result) *ServerEndpoint {
	if !wr.MismatchChainVerified || wr.Cert == nil {
		return nil
	}
	for _, h := range s.alternativeHosts(wr.Cert.DNSNames) {
		e := s.e
		e.Host = h
		alt := &session{p: s.p, e: e, res: &ProbeResult{Endpoint: e}, alternative: true}
		if err := alt.run(s.ctx, nil); err == nil && alt.res.Verified {
			return &e
		}
		if s.ctx.Err() != nil {
			break
		}
	}
	return nil
}

// alternativeHosts returns, in the certificate's order, the names (at most
// maxAlternatives) that belong to the endpoint's operator: a host of the
// endpoint's built-in provider, or a name in the registrable domain of the
// endpoint's host, of one of that provider's hosts, or of one of the
// Prober's AlternativeDomains. A wildcard name stands only for the hosts of
// the built-in table it covers in those domains; it is never expanded to a
// made-up host.
func (s *session) alternativeHosts(certNames []string) []string {
	self := normHost(s.e.Host)
	own := map[string]bool{} // the built-in provider's hosts
	domains := map[string]bool{}
	addDomain := func(h string) {
		if d, err := publicsuffix.EffectiveTLDPlusOne(normHost(h)); err == nil {
			domains[d] = true
		}
	}
	addDomain(self)
	if !s.res.Provider.IsZero() {
		for _, e := range s.res.Provider.data().Endpoints {
			own[normHost(e.Host)] = true
			addDomain(e.Host)
		}
	}
	for _, d := range s.p.AlternativeDomains {
		addDomain(d)
	}
	related := func(h string) bool {
		if own[h] {
			return true
		}
		d, err := publicsuffix.EffectiveTLDPlusOne(h)
		return err == nil && domains[d]
	}
	var out []string
	add := func(h string) {
		if h != self && !slices.Contains(out, h) && len(out) < maxAlternatives && related(h) && hostname.Check(h, hostname.Server) == nil {
			out = append(out, h)
		}
	}
	var known []string // the table's hosts, for wildcards
	for _, n := range certNames {
		n = normHost(n)
		base, wild := strings.CutPrefix(n, "*.")
		if !wild {
			add(n)
			continue
		}
		if known == nil {
			known = tableHosts()
		}
		for _, h := range known {
			if first, rest, ok := strings.Cut(h, "."); ok && first != "" && rest == base {
				add(h)
			}
		}
	}
	return out
}

// tableHosts returns the hosts of the built-in table, sorted.
func tableHosts() []string {
	hosts := make([]string, 0, len(providerHosts()))
	for h := range providerHosts() {
		hosts = append(hosts, normHost(h))
	}
	slices.Sort(hosts)
	return hosts
}

// normHost lower-cases a host name and drops a final dot.
func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }
