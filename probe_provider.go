package mailsettings

import (
	"strings"
	"sync"
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

// sharedHostOwners names the provider of each host that two curated
// records list, for a probe that has no login to tell them apart (see
// providerFor); TestSharedHostsHaveOwners checks that every such host is
// here.
//
//   - outlook.office365.com is the IMAP and POP3 host of Outlook.com and of
//     Microsoft 365 (Microsoft's settings pages for each, cited in
//     providers.go and hosted_providers.go). It is named after Microsoft 365
//     (Office 365), whose advice (an administrator's settings, OAuth2) is
//     the one that fits most of its users; an Outlook.com login is
//     recognised by its address.
//   - imap.gmail.com, pop.gmail.com and smtp.gmail.com serve Gmail and
//     Google Workspace; they are Gmail's, and a login of a custom domain
//     is Google Workspace's.
var sharedHostOwners = map[string]string{
	"outlook.office365.com": "microsoft365",
	"imap.gmail.com":        "gmail",
	"pop.gmail.com":         "gmail",
	"smtp.gmail.com":        "gmail",
}

// providerFor returns the built-in provider that serves host for the login
// username, or the zero Provider. A host that several providers list
// belongs to, in this order:
//
//  1. the one whose mail domains hold the domain of username (an address:
//     alice@hotmail.com is Outlook.com's on outlook.office365.com);
//  2. for a username of another domain, a hosting service among them (a
//     record without mail domains of its own, such as Microsoft 365 or
//     Google Workspace), since the address is a custom domain's;
//  3. the provider sharedHostOwners names;
//  4. the first in the table's order, which puts the curated records
//     before the ISPDB ones.
func providerFor(host, username string) Provider {
	ps := providerHosts()[strings.TrimSuffix(strings.ToLower(host), ".")]
	switch len(ps) {
	case 0:
		return Provider{}
	case 1:
		return ps[0]
	}
	if _, domain, ok := strings.Cut(username, "@"); ok && domain != "" {
		domain = strings.TrimSuffix(strings.ToLower(domain), ".")
		for _, p := range ps {
			for _, d := range p.data().Domains {
				if d == domain {
					return p
				}
			}
		}
		for _, p := range ps {
			if len(p.data().Domains) == 0 && !isISPDB(p) {
				return p
			}
		}
	}
	if id, ok := sharedHostOwners[strings.TrimSuffix(strings.ToLower(host), ".")]; ok {
		for _, p := range ps {
			if p.data().ID == id {
				return p
			}
		}
	}
	return ps[0]
}

// isISPDB reports whether p comes from the Thunderbird ISPDB layer of the
// table, whose IDs start with "ispdb:".
func isISPDB(p Provider) bool { return strings.HasPrefix(p.data().ID, "ispdb:") }
