package mailsettings

import "iter"

// BuiltinProviders returns the providers of the built-in database in the
// order of its layers (see [Lookup]): curated records, hosting services
// found by MX (which list no domains of their own), then the Thunderbird
// ISP database. Each domain of the database belongs to exactly one of
// them. The first call builds the table; it does no other I/O.
func BuiltinProviders() iter.Seq[Provider] {
	return func(yield func(Provider) bool) {
		for _, p := range builtinTable().providers {
			if !yield(p) {
				return
			}
		}
	}
}
