package mailsettings

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
)

// providerHosts indexes the built-in providers by the host names of their
// endpoints: each host with every provider that lists it, in the table's
// order (the curated records first, then those from the ISPDB). It is built
// on first use.
var providerHosts = sync.OnceValue(func() map[string][]Provider {
	m := make(map[string][]Provider)
	for _, p := range builtinTable().providers {
		seen := map[string]bool{}
		for _, e := range p.data().Endpoints {
			if !seen[e.Host] {
				seen[e.Host] = true
				m[e.Host] = append(m[e.Host], p)
			}
		}
	}
	return m
})

// sharedHostOwners names the provider of a host that several records list
// when the host's own registrable domain names none of them (see
// hostOwner).
//
//   - outlook.office365.com (office365.com) is the IMAP and POP3 host of
//     Outlook.com and of Microsoft 365 (Microsoft's settings pages for each,
//     cited in the curated data). It is named after Microsoft 365 (Office
//     365), whose advice (an administrator's settings, OAuth2) fits most of
//     its users; an Outlook.com login is recognised by its address.
func sharedHostOwners() map[string]string {
	return map[string]string{
		"outlook.office365.com": "microsoft365",
		"smtp.office365.com":    "microsoft365",
	}
}

// providerFor returns the built-in provider that serves host for the login
// username, or the zero Provider. A host that several providers list
// belongs to, in this order:
//
//  1. the one whose mail domains hold the domain of username (an address:
//     alice@hotmail.com is Outlook.com's on outlook.office365.com);
//  2. for a username of another domain, a hosting service among them (a
//     provider that MX rules point at, such as Microsoft 365 or Google
//     Workspace), since the address is a custom domain's;
//  3. its owner (see hostOwner);
//  4. the first in ID order.
func providerFor(host, username string) Provider {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	ps := providerHosts()[host]
	switch len(ps) {
	case 0:
		return Provider{}
	case 1:
		return ps[0]
	}
	if _, domain, ok := strings.Cut(username, "@"); ok && domain != "" {
		domain = strings.TrimSuffix(strings.ToLower(domain), ".")
		for _, p := range ps {
			if slices.Contains(p.data().Domains, domain) {
				return p
			}
		}
		for _, p := range ps {
			if isHostingService(p) {
				return p
			}
		}
	}
	if p, ok := hostOwner(host, ps); ok {
		return p
	}
	return ps[0]
}

// hostOwner returns the provider of ps that owns host: the one
// sharedHostOwners names, or else the one whose mail domains hold the
// host's registrable domain (imap.mail.yahoo.com is Yahoo's, whose domains
// hold yahoo.com).
func hostOwner(host string, ps []Provider) (Provider, bool) {
	if id, ok := sharedHostOwners()[host]; ok {
		for _, p := range ps {
			if p.data().ID == id {
				return p, true
			}
		}
	}
	if reg, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		for _, p := range ps {
			if slices.Contains(p.data().Domains, reg) {
				return p, true
			}
		}
	}
	return Provider{}, false
}

// isHostingService reports whether MX rules point at p: a service that
// hosts custom domains.
func isHostingService(p Provider) bool {
	t := builtinTable()
	for _, m := range []map[string]Provider{t.mxExact, t.mxSuffix} {
		for _, q := range m {
			if q == p {
				return true
			}
		}
	}
	return false
}
