package dnssectest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const (
	// startTimeout bounds how long unbound may take to answer.
	startTimeout = 15 * time.Second
	// stopTimeout bounds a graceful stop before unbound is killed.
	stopTimeout = 5 * time.Second
	// startAttempts is how often a start is retried with a new port when
	// unbound exits early, for example because the port was taken.
	startAttempts = 3
)

// unboundConf returns the configuration: a validator in front of one
// stub-zone, Parent, served by the authoritative server at auth; Parent's
// DS record as the only trust anchor; everything else refused.
//
// The unsigned child Insecure needs no domain-insecure: it is a proper
// insecure delegation, proven by the signed NSEC record at the delegation
// point (NS bit set, DS bit clear), which unbound checks like any other
// answer.
func unboundConf(dir string, port int, auth, anchorFile string) string {
	host, authPort, _ := net.SplitHostPort(auth)
	return fmt.Sprintf(`# Throwaway test configuration written by internal/dnssectest.
server:
	verbosity: 1
	interface: 127.0.0.1
	port: %[2]d
	do-ip4: yes
	do-ip6: no
	do-udp: yes
	do-tcp: yes
	access-control: 127.0.0.0/8 allow
	# The authoritative server is on 127.0.0.1.
	do-not-query-localhost: no
	chroot: ""
	username: ""
	directory: "%[1]s"
	pidfile: ""
	use-syslog: no
	logfile: ""
	log-servfail: yes
	# Say why an answer is bogus (RFC 8914 extended errors).
	ede: yes
	val-log-level: 2
	num-threads: 1
	so-reuseport: no
	# The validator, then the iterator.
	module-config: "validator iterator"
	# The only trust anchor; no auto-trust-anchor-file (RFC 5011
	# rollover), no root key.
	trust-anchor-file: "%[4]s"
	# Ask the test server the full names, as a stub resolver would.
	qname-minimisation: no
	prefetch: no
	trust-anchor-signaling: no
	prefetch-key: no
	target-fetch-policy: "0 0 0 0 0"
	# test. is a default local zone (RFC 6761); resolve Parent below it
	# and refuse everything else, so that no question leaves loopback.
	local-zone: "test." nodefault
	local-zone: "." refuse
	local-zone: "%[5]s" transparent

remote-control:
	control-enable: no

stub-zone:
	name: "%[5]s"
	stub-addr: %[3]s@%[6]s
`, dir, port, host, anchorFile, Parent, authPort)
}

// startUnbound starts unbound on a port from pickPort until it answers,
// with a new port when it exits early.
func startUnbound(t testing.TB, bin, checkconf, dir, auth, anchorFile string, pickPort func() (int, error)) *Resolver {
	t.Helper()
	for attempt := 1; ; attempt++ {
		port, err := pickPort()
		if err != nil {
			t.Fatalf("dnssectest: %v", err)
		}
		conf := filepath.Join(dir, "unbound.conf")
		text := unboundConf(dir, port, auth, anchorFile)
		writeFile(t, conf, text)
		if out, err := exec.Command(checkconf, conf).CombinedOutput(); err != nil {
			t.Fatalf("dnssectest: %s %s: %v\n%s", checkconf, conf, err, out)
		}
		logPath := filepath.Join(dir, fmt.Sprintf("unbound-%d.log", attempt))
		p, err := startProcess("unbound", logPath, bin, "-d", "-p", "-c", conf)
		if err != nil {
			t.Fatalf("dnssectest: %v", err)
		}
		r := &Resolver{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Config: text, proc: p}
		err = waitReady(p, r.Addr, time.Now().Add(startTimeout))
		if err == nil {
			t.Cleanup(func() {
				p.stop()
				if t.Failed() {
					t.Logf("unbound log (%s):\n%s", logPath, p.logs())
				}
			})
			return r
		}
		p.stop()
		if attempt < startAttempts && errors.Is(err, errExited) {
			t.Logf("dnssectest: unbound exited (attempt %d), retrying with a new port: %v\n%s", attempt, err, p.logs())
			continue
		}
		t.Fatalf("dnssectest: unbound did not start: %v\nconfig %s, log:\n%s", err, conf, p.logs())
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago for both
// UDP and TCP.
func freePort() (int, error) {
	for range 10 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			ln.Close()
			return port, nil
		}
	}
	return 0, errors.New("no free port for UDP and TCP")
}

var errExited = errors.New("unbound exited")

// waitReady asks unbound for its version (a CHAOS question it answers
// itself, without asking the test zones) until it answers, over UDP and
// TCP.
func waitReady(p *process, addr string, deadline time.Time) error {
	var last error
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 500 * time.Millisecond}
		m := new(dns.Msg)
		m.SetQuestion("version.server.", dns.TypeTXT)
		m.Question[0].Qclass = dns.ClassCHAOS
		for {
			if p.exited() {
				return fmt.Errorf("%w before it answered over %s: %s", errExited, network, p.exitError())
			}
			resp, _, err := c.Exchange(m, addr)
			if err == nil && resp.Rcode == dns.RcodeSuccess {
				break
			}
			if err == nil {
				err = fmt.Errorf("rcode %s", dns.RcodeToString[resp.Rcode])
			}
			last = err
			if time.Now().After(deadline) {
				return fmt.Errorf("no answer over %s after %v: %v", network, startTimeout, last)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// process is unbound, started as a child of the test binary. Its stdout
// and stderr go to a log file; the only goroutine is the one waiting for
// the process, and it ends when the process does.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed once the process has been waited for
	waitErr error         // valid after done is closed
}

func startProcess(name, logPath string, argv ...string) (*process, error) {
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	// Own process group; SIGTERM to the child if the test binary dies
	// without running its cleanups (e.g. a -timeout panic).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that forked the child exits;
		// keep this goroutine's thread alive as long as the child runs.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(p.done)
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, and SIGKILL to the process group if the process has
// not ended in time, and waits for it.
func (p *process) stop() {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

func (p *process) logs() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s log: %v)", p.name, err)
	}
	return string(b)
}

func (p *process) exitError() string {
	if !p.exited() {
		return ""
	}
	if p.waitErr == nil {
		return p.name + " exited with status 0"
	}
	return fmt.Sprintf("%s exited: %v", p.name, p.waitErr)
}

// String describes the resolver for test logs.
func (r *Resolver) String() string {
	return "unbound at " + r.Addr + ", zones at " + r.AuthAddr + ", trust anchor " + strings.Join(strings.Fields(r.TrustAnchor), " ")
}
