package dnssectest

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testproc"
	"github.com/miekg/dns"
)

const (
	// startTimeout bounds how long unbound may take to answer.
	startTimeout = 15 * time.Second
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
		p, err := testproc.Start("unbound", logPath, testproc.Options{}, bin, "-d", "-p", "-c", conf)
		if err != nil {
			t.Fatalf("dnssectest: %v", err)
		}
		r := &Resolver{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Config: text, proc: p}
		err = waitReady(p, r.Addr, time.Now().Add(startTimeout))
		if err == nil {
			t.Cleanup(func() {
				p.StopGroup()
				if t.Failed() {
					t.Logf("unbound log (%s):\n%s", logPath, p.Logs())
				}
			})
			return r
		}
		p.StopGroup()
		if attempt < startAttempts && errors.Is(err, errExited) {
			t.Logf("dnssectest: unbound exited (attempt %d), retrying with a new port: %v\n%s", attempt, err, p.Logs())
			continue
		}
		t.Fatalf("dnssectest: unbound did not start: %v\nconfig %s, log:\n%s", err, conf, p.Logs())
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
			if p.Exited() {
				return fmt.Errorf("%w before it answered over %s: %s", errExited, network, p.ExitError())
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

// process is unbound, started as a child of the test binary.
type process = testproc.Process

// String describes the resolver for test logs.
func (r *Resolver) String() string {
	return "unbound at " + r.Addr + ", zones at " + r.AuthAddr + ", trust anchor " + strings.Join(strings.Fields(r.TrustAnchor), " ")
}
