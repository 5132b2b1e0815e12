package mailsettings

import (
	"errors"
	"sync"
)

// A table indexes providers by domain, by id and by MX host pattern.
type table struct {
	providers []Provider
	byDomain  map[string]Provider
	byID      map[string]Provider
	mxExact   map[string]string // MX host -> provider id
	mxSuffix  map[string]string // suffix of "*.suffix" patterns -> provider id
	err       error             // problems found while indexing; checked by tests
}

// builtinTable is built on first use, not at import time.
var builtinTable = sync.OnceValue(buildTable)

// buildTable indexes the three data layers (see data.go) and the MX rules.
func buildTable() *table { return buildTableWith(ispdbData) }

// buildTableWith builds the table with ispdb as the encoded ISPDB layer
// (see decodeISPDB). If that fails to decode, the layer is left out and
// the error is kept in t.err, where tests find it: a user gets a smaller
// table, never a panic.
func buildTableWith(ispdb string) *table {
	layer, err := decodeISPDB(ispdb)
	t := newTable(append(curatedProviders(), cnProviders()...), hostedProviders(), layer)
	t.err = errors.Join(err, t.indexMX(hostedMXRules()))
	return t
}

// newTable indexes the providers of each layer in turn. A domain claimed by
// an earlier layer keeps its provider, so the first layer wins; a provider
// that had domains and lost them all is dropped, and so is a provider whose
// id an earlier layer already uses. Providers without domains (hosting
// services found by MX) are kept. Endpoints are sorted into preference
// order. The data is trusted here and checked by tests.
func newTable(layers ...[]ProviderInfo) *table {
	t := &table{
		byDomain: make(map[string]Provider),
		byID:     make(map[string]Provider),
		mxExact:  make(map[string]string),
		mxSuffix: make(map[string]string),
	}
	for _, layer := range layers {
		for _, info := range layer {
			if !t.byID[info.ID].IsZero() {
				continue
			}
			p := Provider{info: &info}
			owned := info.Domains[:0:0]
			for _, d := range info.Domains {
				if _, taken := t.byDomain[d]; !taken {
					t.byDomain[d] = p
					owned = append(owned, d)
				}
			}
			if len(owned) == 0 && len(info.Domains) > 0 {
				continue
			}
			p.info.Domains = owned
			sortEndpoints(p.info.Endpoints)
			t.byID[info.ID] = p
			t.providers = append(t.providers, p)
		}
	}
	return t
}
