package mailsettings

import (
	"strings"
	"sync"
)

// providerHosts indexes the built-in providers by the host names of their
// endpoints. It is built on first use; a host shared by two providers
// belongs to the first.
var providerHosts = sync.OnceValue(func() map[string]Provider {
	m := make(map[string]Provider)
	for _, p := range builtinTable().providers {
		for _, e := range p.data().Endpoints {
			if _, ok := m[e.Host]; !ok {
				m[e.Host] = p
			}
		}
	}
	return m
})

// providerForHost returns the built-in provider that serves host, or the
// zero Provider.
func providerForHost(host string) Provider {
	return providerHosts()[strings.TrimSuffix(strings.ToLower(host), ".")]
}
