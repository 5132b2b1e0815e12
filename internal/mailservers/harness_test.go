package mailservers

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/mailsettingstest"
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
	const missing = "no-such-mailserver-binary"

	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	Require(f, "sh", missing)
	if f.fatal != "" || !strings.Contains(f.skipped, missing) || !strings.Contains(f.skipped, "apt-get install dovecot-imapd dovecot-pop3d postfix") {
		t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s and the packages", f.skipped, f.fatal, missing)
	}

	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	Require(f, missing)
	if f.skipped != "" || !strings.Contains(f.fatal, missing) {
		t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.skipped, f.fatal, missing)
	}

	f = &fakeTB{TB: t}
	Require(f, "sh")
	if f.skipped != "" || f.fatal != "" {
		t.Errorf("installed binary: skipped=%q fatal=%q", f.skipped, f.fatal)
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
