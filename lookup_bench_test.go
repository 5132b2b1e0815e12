package mailsettings

import (
	"runtime"
	"testing"
)

// The goals these benchmarks check (run with -benchmem): an ASCII hit costs
// at most 3x BenchmarkMapBaseline with at most one allocation; a Unicode
// domain costs under 2 µs.

var sinkProvider Provider

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

// BenchmarkTableBuild measures what the first Lookup pays to build the
// table (goal: under 1 ms), and reports the heap the built table keeps
// (goal: under 1 MiB) as heap-B/table.
func BenchmarkTableBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkTable = buildTable()
	}
	b.ReportMetric(float64(tableHeap()), "heap-B/table")
}

var sinkTable *table

// tableHeap returns the bytes of live heap that one built table holds.
func tableHeap() uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t := buildTable()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(t)
	return after.HeapAlloc - before.HeapAlloc
}

// TestTableHeap checks the heap goal: the built table keeps under 1 MiB.
func TestTableHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	n := tableHeap()
	t.Logf("built table holds %d bytes of heap (%d domains)", n, len(builtinTable().byDomain))
	if n >= 1<<20 {
		t.Errorf("table heap = %d bytes, goal under 1 MiB", n)
	}
}

func BenchmarkLookupISPDBHit(b *testing.B) { benchLookup(b, "alice@gmx.net", false) }
func BenchmarkLookupMX(b *testing.B) {
	builtinTable()
	b.ReportAllocs()
	for b.Loop() {
		sinkProvider, _ = LookupMX("mx1.qiye.aliyun.com")
	}
}

// TestLookupAllocGoal checks the allocation goal of a table hit: at most
// one allocation (today none) for an ASCII domain, an address, an
// Outlook.com country domain and an ISPDB domain.
func TestLookupAllocGoal(t *testing.T) {
	builtinTable()
	for _, in := range []string{"qq.com", "alice@qq.com", "hotmail.co.uk", "alice@gmx.net"} {
		if n := testing.AllocsPerRun(100, func() { sinkProvider = mustLookup(t, in).Provider }); n > 1 {
			t.Errorf("Lookup(%q) allocates %v times, goal at most 1", in, n)
		}
	}
}

func mustLookup(t *testing.T, in string) Settings {
	s, err := Lookup(in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
