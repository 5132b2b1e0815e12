package dnsstub

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		servers  []string
		trustAD  bool
		edns0    bool
		server   string
	}{
		{name: "empty", server: "127.0.0.1:53"},
		{
			name: "systemd-resolved",
			in: "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n" +
				"nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
			servers: []string{"127.0.0.53"}, trustAD: true, edns0: true, server: "127.0.0.53:53",
		},
		{
			name:    "no trust-ad",
			in:      "nameserver 192.0.2.1\nnameserver 2001:db8::1\noptions edns0 rotate\n",
			servers: []string{"192.0.2.1", "2001:db8::1"}, edns0: true, server: "192.0.2.1:53",
		},
		{
			name:    "options on several lines, tabs, CRLF",
			in:      "options\tndots:2\r\nnameserver\t192.0.2.1\r\noptions trust-ad\r\n",
			servers: []string{"192.0.2.1"}, trustAD: true, server: "192.0.2.1:53",
		},
		{
			name:    "comments and look-alikes",
			in:      "#options trust-ad\n; nameserver 192.0.2.9\n options trust-ad\noptions no-trust-ad trust-ad-x\nnameservers 192.0.2.8\nnameserver 192.0.2.1\n",
			servers: []string{"192.0.2.1"}, trustAD: true, server: "192.0.2.1:53",
		},
		{
			name: "at most three servers, bad ones skipped",
			in: "nameserver dns.example\nnameserver\nnameserver 192.0.2.1\nnameserver 192.0.2.300\nnameserver fe80::1%eth0\n" +
				"nameserver 192.0.2.2\nnameserver 192.0.2.3\n",
			servers: []string{"192.0.2.1", "fe80::1%eth0", "192.0.2.2"}, server: "192.0.2.1:53",
		},
		{
			name:    "no final newline",
			in:      "nameserver ::1\noptions trust-ad",
			servers: []string{"::1"}, trustAD: true, server: "[::1]:53",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var servers []string
			for _, a := range cfg.Nameservers {
				servers = append(servers, a.String())
			}
			if !slices.Equal(servers, tc.servers) || cfg.TrustAD != tc.trustAD || cfg.EDNS0 != tc.edns0 || cfg.Server() != tc.server {
				t.Errorf("got %q trust-ad=%v edns0=%v server %s; want %q %v %v %s", servers, cfg.TrustAD, cfg.EDNS0, cfg.Server(), tc.servers, tc.trustAD, tc.edns0, tc.server)
			}
			if cfg.Policy().TrustAD != tc.trustAD {
				t.Errorf("Policy().TrustAD = %v", cfg.Policy().TrustAD)
			}
		})
	}
}

// TestConfigPolicy: a resolv.conf with trust-ad makes the AD of a
// non-loopback server it names believed; without, it is not.
func TestConfigPolicy(t *testing.T) {
	for in, want := range map[string]bool{
		"nameserver 192.0.2.1\noptions trust-ad\n": true,
		"nameserver 192.0.2.1\noptions edns0\n":    false,
		"nameserver 127.0.0.53\n":                  true, // loopback
	} {
		cfg, err := ParseConfig(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		srv, err := ParseServer(cfg.Server())
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Policy().BelievesAD(srv.Addr()); got != want {
			t.Errorf("%q: AD believed = %v, want %v", in, got, want)
		}
	}
}

func TestParseConfigLimits(t *testing.T) {
	huge := strings.Repeat("# padding\n", 7000) + "nameserver 192.0.2.1\n"
	if _, err := ParseConfig(strings.NewReader(huge)); !errors.Is(err, ErrConfigTooLarge) {
		t.Errorf("70 KB: err = %v, want ErrConfigTooLarge", err)
	}
	longLine := "nameserver 192.0.2.1 " + strings.Repeat("x", 60000) + "\n"
	if cfg, err := ParseConfig(strings.NewReader(longLine)); err != nil || len(cfg.Nameservers) != 1 {
		t.Errorf("long line: %+v %v", cfg, err)
	}
	boom := errors.New("boom")
	if _, err := ParseConfig(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("read error: err = %v", err)
	}
}

func TestReadConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg, err := readConfigFile(filepath.Join(dir, "missing"))
	if err != nil || len(cfg.Nameservers) != 0 || cfg.TrustAD || cfg.Server() != "127.0.0.1:53" {
		t.Errorf("missing file: %+v %v", cfg, err)
	}
	path := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(path, []byte("nameserver 192.0.2.1\noptions trust-ad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = readConfigFile(path)
	if err != nil || !slices.Equal(cfg.Nameservers, []netip.Addr{netip.MustParseAddr("192.0.2.1")}) || !cfg.TrustAD {
		t.Errorf("file: %+v %v", cfg, err)
	}
	if _, err := readConfigFile(dir); err == nil {
		t.Error("a directory parsed as a configuration")
	}
	var nilCfg *Config
	if nilCfg.Server() != "127.0.0.1:53" || nilCfg.Policy().TrustAD {
		t.Error("nil Config")
	}
}

// TestSystemConfig only checks that the system file, whatever it holds,
// parses, and that a zero Client picks its server from it.
func TestSystemConfig(t *testing.T) {
	cfg, err := ReadSystemConfig()
	if err != nil {
		t.Fatal(err)
	}
	var c Client
	srv, policy, err := c.server()
	if err != nil {
		t.Fatal(err)
	}
	if srv.String() != cfg.Server() || policy.TrustAD != cfg.TrustAD {
		t.Errorf("zero Client asks %s (trust-ad %v), resolv.conf says %s (%v)", srv, policy.TrustAD, cfg.Server(), cfg.TrustAD)
	}
}
