package mailsettings

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"testing"
)

// FuzzSelectSRV checks the invariants of SRV selection on arbitrary
// records: valid targets and ports only, lowest priority first, nothing
// invented, no repeats, bounded output, and the input left alone.
func FuzzSelectSRV(f *testing.F) {
	f.Add([]byte{0, 10, 0, 1, 3, 225, 1, 0, 0, 0, 0, 0, 0, 0}, "imap.example.test.", uint64(1))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0}, ".", uint64(2))
	f.Add([]byte{0, 5, 0, 0, 1, 2, 255, 0, 5, 0, 9, 1, 2, 3}, "bad name.example.test.", uint64(3))
	f.Add(make([]byte, 7*100), "", uint64(4))
	targets := []string{".", "", "a.example.test.", "A.Example.Test.", "b.example.test", "bad name.example.test.",
		"x\x00.example.test.", "single.", "xn--zz.test.", "127.0.0.1", "-a.example.test."}
	f.Fuzz(func(t *testing.T, data []byte, target string, seed uint64) {
		var in []*net.SRV
		for len(data) >= 7 {
			r := &net.SRV{
				Priority: binary.BigEndian.Uint16(data[0:]),
				Weight:   binary.BigEndian.Uint16(data[2:]),
				Port:     binary.BigEndian.Uint16(data[4:]),
				Target:   target,
			}
			if i := int(data[6]); i < len(targets) {
				r.Target = targets[i]
			}
			in = append(in, r)
			data = data[7:]
		}
		orig := make([]net.SRV, len(in))
		for i, r := range in {
			orig[i] = *r
		}
		rng := rand.New(rand.NewPCG(seed, seed))
		intn := func(n int) int {
			if n <= 0 {
				t.Fatalf("intn(%d)", n)
			}
			return rng.IntN(n)
		}
		out, notOffered, dropped := selectSRV(in, intn)
		for i, r := range in {
			if *r != orig[i] {
				t.Fatalf("input record %d changed", i)
			}
		}
		if len(out) > maxSRVOut || dropped < 0 || notOffered && len(out) > 0 {
			t.Fatalf("out %d, notOffered %v, dropped %d", len(out), notOffered, dropped)
		}
		anyValid := false
		for _, r := range in[:min(len(in), maxSRVIn)] {
			if h, ok := validDNSHost(r.Target); ok && r.Port != 0 && h != "" {
				anyValid = true
			}
		}
		if anyValid != (len(out) > 0) {
			t.Fatalf("valid input %v but %d records out", anyValid, len(out))
		}
		for i, r := range out {
			h, ok := validDNSHost(r.Target)
			if !ok || h != r.Target || r.Port == 0 {
				t.Fatalf("bad record out: %+v", r)
			}
			if i > 0 && out[i-1].Priority > r.Priority {
				t.Fatalf("priority %d after %d", r.Priority, out[i-1].Priority)
			}
			for _, s := range out[:i] {
				if s.Target == r.Target && s.Port == r.Port {
					t.Fatalf("repeated %s:%d", r.Target, r.Port)
				}
			}
			found := false
			for _, o := range orig[:min(len(orig), maxSRVIn)] {
				if h, ok := validDNSHost(o.Target); ok && h == r.Target && o.Port == r.Port && o.Priority == r.Priority {
					found = true
				}
			}
			if !found {
				t.Fatalf("record %+v not in the input", r)
			}
		}
	})
}
