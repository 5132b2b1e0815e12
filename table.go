package mailsettings

import "sync"

// A table indexes providers by domain.
type table struct {
	providers []*Provider
	byDomain  map[string]*Provider
}

// builtinTable is built on first use, not at import time.
var builtinTable = sync.OnceValue(func() *table {
	return newTable(curatedProviders())
})

// newTable indexes the providers of each layer in turn. A domain claimed by
// an earlier layer keeps its provider, so the first layer wins; a provider
// left with no domain of its own is dropped. Endpoints are sorted into
// preference order. The data is trusted here and checked by tests.
func newTable(layers ...[]ProviderInfo) *table {
	t := &table{byDomain: make(map[string]*Provider)}
	for _, layer := range layers {
		for _, info := range layer {
			p := &Provider{info: info}
			owned := info.Domains[:0:0]
			for _, d := range info.Domains {
				if _, taken := t.byDomain[d]; !taken {
					t.byDomain[d] = p
					owned = append(owned, d)
				}
			}
			if len(owned) == 0 {
				continue
			}
			p.info.Domains = owned
			sortEndpoints(p.info.Endpoints)
			t.providers = append(t.providers, p)
		}
	}
	return t
}
