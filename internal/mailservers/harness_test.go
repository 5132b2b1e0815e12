package mailservers

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// TestRequireMissingBinary: a missing program skips the test with this
// package's install command (the CI rule itself is testenv's, tested
// there).
func TestRequireMissingBinary(t *testing.T) {
	const missing = "no-such-mailserver-binary"
	t.Setenv("CI", "")
	f := &testenv.Recorder{TB: t}
	Require(f, "sh", missing)
	if f.FatalMsg != "" || !strings.Contains(f.SkipMsg, missing) || !strings.Contains(f.SkipMsg, "apt-get install dovecot-imapd dovecot-pop3d postfix") {
		t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s and the packages", f.SkipMsg, f.FatalMsg, missing)
	}
	t.Setenv("CI", "true")
	f = &testenv.Recorder{TB: t}
	Require(f, "sh", missing)
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, missing) {
		t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.SkipMsg, f.FatalMsg, missing)
	}
}

// TestStartRetriesOnBusyPort makes the first start of each server use a port
// that is already taken and checks that it comes up on fresh ports.
func TestStartRetriesOnBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	calls := 0
	pickPorts = func(n int) ([]int, error) {
		calls++
		ports, err := freePorts(n)
		if err == nil && calls%2 == 1 { // first attempt of each server
			ports[n-1] = busyPort
		}
		return ports, err
	}
	defer func() { pickPorts = freePorts }()

	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("localhost", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := cert.CertPEM, cert.KeyPEM
	busyAddr := busy.Addr().String()
	start := time.Now()
	d := StartDovecot(t, certPEM, keyPEM, nil)
	t.Logf("dovecot ready after a retry in %v", time.Since(start).Round(time.Millisecond))
	if d.POP3S == busyAddr {
		t.Errorf("dovecot reports the busy port %s", busyAddr)
	}
	start = time.Now()
	p := StartPostfix(t, certPEM, keyPEM)
	t.Logf("postfix ready after a retry in %v", time.Since(start).Round(time.Millisecond))
	if p.Submissions == busyAddr {
		t.Errorf("postfix reports the busy port %s", busyAddr)
	}
	if calls != 4 {
		t.Errorf("pickPorts called %d times, want 4 (one retry per server)", calls)
	}
}
