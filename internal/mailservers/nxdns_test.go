package mailservers

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestNXDNS(t *testing.T) {
	requireRoot(t, "a DNS server on port 53")
	s, err := startNXDNS()
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	if ip := net.ParseIP(s.ip); ip == nil || !ip.IsLoopback() {
		t.Fatalf("nxDNS at %q, want a loopback address", s.ip)
	}
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", net.JoinHostPort(s.ip, "53"))
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, name := range []string{"example.test.", "com."} {
		_, err := r.LookupTXT(ctx, name)
		var de *net.DNSError
		if !errors.As(err, &de) || !de.IsNotFound {
			t.Errorf("LookupTXT(%s) = %v, want not found", name, err)
		}
	}
	if got := s.asked.Load(); got < 2 {
		t.Errorf("asked = %d, want at least 2", got)
	}
}

func TestRunWithoutDNS(t *testing.T) {
	requireRoot(t, "making a mount namespace")
	dir := serverDir(t, "msnxdns-")
	before, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	out := runWithoutDNS(t, dir, "/bin/cat", "/etc/resolv.conf")
	if !strings.Contains(out, "every name is NXDOMAIN") || !strings.Contains(out, "nameserver 127.") {
		t.Errorf("the tool saw /etc/resolv.conf:\n%s", out)
	}
	after, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("/etc/resolv.conf changed outside the namespace:\n%s", after)
	}
}
