package mailsettings

import "testing"

// The goals these benchmarks check (run with -benchmem): an ASCII hit costs
// at most 3x BenchmarkMapBaseline with at most one allocation; a Unicode
// domain costs under 2 µs.

var sinkProvider *Provider

// BenchmarkMapBaseline is a bare lookup of the same key in the table's map.
func BenchmarkMapBaseline(b *testing.B) {
	m := builtinTable().byDomain
	key := "qq.com"
	b.ReportAllocs()
	for b.Loop() {
		sinkProvider = m[key]
	}
}

func benchLookup(b *testing.B, in string, wantErr bool) {
	builtinTable()
	b.ReportAllocs()
	for b.Loop() {
		s, err := Lookup(in)
		if (err != nil) != wantErr {
			b.Fatal(err)
		}
		sinkProvider = s.Provider
	}
}

func BenchmarkLookupASCIIHit(b *testing.B)     { benchLookup(b, "qq.com", false) }
func BenchmarkLookupAddress(b *testing.B)      { benchLookup(b, "alice@qq.com", false) }
func BenchmarkLookupMixedCase(b *testing.B)    { benchLookup(b, " Alice@QQ.COM. ", false) }
func BenchmarkLookupUnicode(b *testing.B)      { benchLookup(b, "例子.中国", true) }
func BenchmarkLookupMiss(b *testing.B)         { benchLookup(b, "example.com", true) }
func BenchmarkLookupInvalid(b *testing.B)      { benchLookup(b, "qq..com", true) }
func BenchmarkLookupOutlookCcTLD(b *testing.B) { benchLookup(b, "hotmail.co.uk", false) }
