package netdial_test

import (
	"context"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/netdial"
	"github.com/mailsettings/mailsettings/internal/netdial/netdialtest"
)

// The goal these benchmarks check (reported, not asserted; issue 12): a
// probe-like dial (connect, read the greeting, close) of a healthy server
// whose first resolved address is dead takes under 1.5 times the same dial
// of the healthy address alone plus 300 ms. Expect the head start
// (DefaultHeadStart, 250 ms) on top of the healthy time.

func benchDial(b *testing.B, dead bool) {
	p := serve(b)
	addrs := ipAddrs(b, "127.0.0.1")
	if dead {
		netdialtest.Blackhole(b, "127.0.0.2", int(p))
		addrs = ipAddrs(b, "127.0.0.2", "127.0.0.1")
	}
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, _, err := netdial.Dial(ctx, nil, "tcp", addrs, p, netdial.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := readGreeting(c); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}

// BenchmarkDialHealthy dials the healthy address alone.
func BenchmarkDialHealthy(b *testing.B) { benchDial(b, false) }

// BenchmarkDialDeadFirst dials a blackholed address first, then the
// healthy one.
func BenchmarkDialDeadFirst(b *testing.B) { benchDial(b, true) }
