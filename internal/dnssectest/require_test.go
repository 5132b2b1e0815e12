package dnssectest

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// fakeTB records Skipf and Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Skipf(format string, args ...any) { f.skipped = fmt.Sprintf(format, args...) }

func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

func TestRequireMissingBinary(t *testing.T) {
	const missing = "no-such-dnssec-binary"

	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	require(f, "sh", missing)
	if f.fatal != "" || !strings.Contains(f.skipped, missing) || !strings.Contains(f.skipped, installHint) {
		t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s and the packages", f.skipped, f.fatal, missing)
	}
	for _, ci := range []string{"false", "0"} {
		t.Setenv("CI", ci)
		f = &fakeTB{TB: t}
		require(f, missing)
		if f.fatal != "" || f.skipped == "" {
			t.Errorf("CI=%s: skipped=%q fatal=%q, want a skip", ci, f.skipped, f.fatal)
		}
	}

	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	require(f, missing)
	if f.skipped != "" || !strings.Contains(f.fatal, missing) {
		t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.skipped, f.fatal, missing)
	}

	f = &fakeTB{TB: t}
	require(f, "sh")
	if f.skipped != "" || f.fatal != "" {
		t.Errorf("installed binary: skipped=%q fatal=%q", f.skipped, f.fatal)
	}
}

// TestStartRetriesOnBusyPort gives unbound a port that is taken first; it
// must come up on another one.
func TestStartRetriesOnBusyPort(t *testing.T) {
	Require(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	busy := pc.LocalAddr().(*net.UDPAddr).Port
	calls := 0
	r := start(t, func() (int, error) {
		calls++
		if calls == 1 {
			return busy, nil
		}
		return freePort()
	})
	if calls != 2 || r.Addr == net.JoinHostPort("127.0.0.1", strconv.Itoa(busy)) {
		t.Errorf("%d ports picked, unbound at %s (busy port %d)", calls, r.Addr, busy)
	}
	if resp := ask(t, r.Addr, Secure, dns.TypeMX, false); !resp.AuthenticatedData {
		t.Errorf("restarted unbound does not validate: %v", resp)
	}
}

func TestRequireUnconfined(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		path := filepath.Join(dir, "profiles")
		writeFile(t, path, text)
		return path
	}
	t.Setenv("CI", "")
	for _, tc := range []struct {
		name, profiles string
		skip           bool
	}{
		{"enforced", "/usr/bin/man (enforce)\nunbound (enforce)\n", true},
		{"complain", "unbound (complain)\n", false},
		{"other profiles", "/usr/bin/man (enforce)\nunbound-helper (enforce)\n", false},
		{"no AppArmor", "", false},
	} {
		f := &fakeTB{TB: t}
		requireUnconfined(f, write(tc.profiles))
		if (f.skipped != "") != tc.skip || f.fatal != "" {
			t.Errorf("%s: skipped=%q fatal=%q, want skip %v", tc.name, f.skipped, f.fatal, tc.skip)
		}
	}
	f := &fakeTB{TB: t}
	requireUnconfined(f, filepath.Join(dir, "missing"))
	if f.skipped != "" || f.fatal != "" {
		t.Errorf("missing file: skipped=%q fatal=%q", f.skipped, f.fatal)
	}
	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	requireUnconfined(f, write("unbound (enforce)\n"))
	if f.skipped != "" || !strings.Contains(f.fatal, "AppArmor") {
		t.Errorf("CI: skipped=%q fatal=%q, want a failure", f.skipped, f.fatal)
	}
}
