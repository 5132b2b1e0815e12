package mailsettings

import (
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"golang.org/x/net/publicsuffix"
)

// maxAlternatives bounds how many hosts a name mismatch probes (see
// session.findAlternative in probe.go).
const maxAlternatives = 3

// alternativeHosts returns, in the certificate's order, the names (at most
// maxAlternatives) that belong to the endpoint's operator: a host of the
// endpoint's built-in provider, or a name in the registrable domain of the
// endpoint's host, of one of that provider's hosts, or of one of the
// Prober's AlternativeDomains. A wildcard name stands only for the hosts of
// the built-in table it covers in those domains; it is never expanded to a
// made-up host.
func alternativeHosts(host string, prov Provider, alternativeDomains, certNames []string) []string {
	self := normHost(host)
	own := map[string]bool{} // the built-in provider's hosts
	domains := map[string]bool{}
	addDomain := func(h string) {
		if d, err := publicsuffix.EffectiveTLDPlusOne(normHost(h)); err == nil {
			domains[d] = true
		}
	}
	addDomain(self)
	if !prov.IsZero() {
		for _, e := range prov.data().Endpoints {
			own[normHost(e.Host)] = true
			addDomain(e.Host)
		}
	}
	for _, d := range alternativeDomains {
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
