package dnssectest

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/miekg/dns"
)

// TestRequireMissingBinary: a missing program skips the test with this
// package's install command (the CI rule itself is testenv's, tested
// there).
func TestRequireMissingBinary(t *testing.T) {
	const missing = "no-such-dnssec-binary"
	t.Setenv("CI", "")
	f := &testenv.Recorder{TB: t}
	require(f, "sh", missing)
	if f.FatalMsg != "" || !strings.Contains(f.SkipMsg, missing) || !strings.Contains(f.SkipMsg, installHint) {
		t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s and the packages", f.SkipMsg, f.FatalMsg, missing)
	}
	t.Setenv("CI", "true")
	f = &testenv.Recorder{TB: t}
	require(f, "sh", missing)
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, missing) {
		t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.SkipMsg, f.FatalMsg, missing)
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
		f := &testenv.Recorder{TB: t}
		requireUnconfined(f, write(tc.profiles))
		if (f.SkipMsg != "") != tc.skip || f.FatalMsg != "" {
			t.Errorf("%s: skipped=%q fatal=%q, want skip %v", tc.name, f.SkipMsg, f.FatalMsg, tc.skip)
		}
	}
	f := &testenv.Recorder{TB: t}
	requireUnconfined(f, filepath.Join(dir, "missing"))
	if f.SkipMsg != "" || f.FatalMsg != "" {
		t.Errorf("missing file: skipped=%q fatal=%q", f.SkipMsg, f.FatalMsg)
	}
	t.Setenv("CI", "true")
	f = &testenv.Recorder{TB: t}
	requireUnconfined(f, write("unbound (enforce)\n"))
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, "AppArmor") {
		t.Errorf("CI: skipped=%q fatal=%q, want a failure", f.SkipMsg, f.FatalMsg)
	}
}
