package dnsstub

import (
	"net/netip"
	"testing"
)

func TestPolicyBelievesAD(t *testing.T) {
	trusted := Policy{Trusted: []netip.Addr{netip.MustParseAddr("192.0.2.53"), netip.MustParseAddr("2001:db8::53")}}
	for _, tc := range []struct {
		policy Policy
		addr   string
		want   bool
	}{
		// Loopback: always.
		{Policy{}, "127.0.0.1", true},
		{Policy{}, "127.0.0.53", true},
		{Policy{}, "127.255.255.254", true},
		{Policy{}, "::1", true},
		{Policy{}, "::ffff:127.0.0.1", true},
		// Not loopback, not named: never, private and link-local included.
		{Policy{}, "128.0.0.1", false},
		{Policy{}, "192.0.2.53", false},
		{Policy{}, "10.0.0.1", false},
		{Policy{}, "192.168.1.1", false},
		{Policy{}, "169.254.0.1", false},
		{Policy{}, "fe80::1", false},
		{Policy{}, "fd00::1", false},
		{Policy{}, "::2", false},
		{Policy{}, "0.0.0.0", false},
		{Policy{}, "::", false},
		{Policy{TrustAD: true}, "0.0.0.0", false},
		// Named by the caller.
		{trusted, "192.0.2.53", true},
		{trusted, "::ffff:192.0.2.53", true},
		{trusted, "2001:db8::53", true},
		{trusted, "192.0.2.54", false},
		{trusted, "2001:db8::54", false},
		// trust-ad.
		{Policy{TrustAD: true}, "192.0.2.99", true},
		{Policy{TrustAD: true}, "2001:db8::99", true},
	} {
		if got := tc.policy.BelievesAD(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("%+v.BelievesAD(%s) = %v, want %v", tc.policy, tc.addr, got, tc.want)
		}
	}
	if (Policy{}).BelievesAD(netip.Addr{}) {
		t.Error("the zero Addr is believed")
	}
	withZone := Policy{Trusted: []netip.Addr{netip.MustParseAddr("fe80::53%eth0")}}
	if !withZone.BelievesAD(netip.MustParseAddr("fe80::53%eth1")) {
		t.Error("zones are not ignored")
	}
}

func TestParseServer(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":         "192.0.2.1:53",
		"192.0.2.1:5353":    "192.0.2.1:5353",
		"::1":               "[::1]:53",
		"[::1]":             "[::1]:53",
		"[::1]:8053":        "[::1]:8053",
		"fe80::1%eth0":      "[fe80::1%eth0]:53",
		"[fe80::1%eth0]:54": "[fe80::1%eth0]:54",
	} {
		got, err := ParseServer(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseServer(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "localhost", "dns.example:53", "192.0.2.1:0", "192.0.2.1:65536", "[::1", "192.0.2.1:53:53"} {
		if _, err := ParseServer(in); err != ErrBadServer {
			t.Errorf("ParseServer(%q): err = %v, want ErrBadServer", in, err)
		}
	}
}
