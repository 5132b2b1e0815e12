package mailservers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testproc"
)

// Mox is a running mox (github.com/mjl-/mox) started by [StartMox]. Each
// address field is "127.0.0.1:port".
type Mox struct {
	// IMAP is IMAP that requires STARTTLS before login.
	IMAP string
	// IMAPS is IMAP over implicit TLS.
	IMAPS string
	// Submission is SMTP submission that requires STARTTLS before AUTH.
	Submission string
	// Submissions is SMTP submission over implicit TLS.
	Submissions string
	// HTTPS is mox's autoconfig listener (HTTPS): Mozilla autoconfig at
	// /mail/config-v1.1.xml and Exchange Autodiscover (POST) at
	// /autodiscover/autodiscover.xml, for the Host names autoconfig.DOMAIN
	// and DOMAIN. Its answers name the host name and the ports above.
	HTTPS string

	bin, conf, domain string
}

// StartMox starts mox (mox serve, a version [GoServerBinary] finds) as
// root with a throwaway configuration for c in a new temporary directory,
// and returns its listeners once each of them answers and the accounts
// have their passwords. mox binds its ports as root and then runs as the
// user nobody; it listens only on 127.0.0.1 and has no port-25 listener,
// so nothing is delivered from or to elsewhere. Each user gets an account
// named by the address's local part, with the address as login name.
//
// The configuration is hand-written rather than made by "mox quickstart",
// which needs DNS that answers (it asks for the NS records of "com." and
// gives up when that fails) and looks up the host's public addresses. It
// has the parts of quickstart's configuration that the tests use, on free
// loopback ports: one listener with Submission, Submissions, IMAP, IMAPS
// and AutoconfigHTTPS (which also serves Autodiscover), TLS from c's
// certificate, and an account per user.
//
// The server is stopped (SIGTERM, then SIGKILL) and its directory removed
// in t.Cleanup; its log is written to the test log if the test failed. The
// test is skipped, or failed in CI, when the mox binary is missing or the
// test does not run as root (mox refuses to start otherwise).
func StartMox(t testing.TB, c GoServerConfig) *Mox {
	t.Helper()
	users := c.check(t, "mox", 8)
	if len(users) == 0 {
		t.Fatal("mailservers: mox needs at least one user")
	}
	bin := GoServerBinary(t, "mox")
	requireRoot(t, "starting mox (it binds as root, then runs as nobody)")
	uid, gid := lookupUser(t, "nobody")

	// mox (the root process) got SIGTERM with its test binary (Pdeathsig)
	// and passes it to its unprivileged child; only the directory is left.
	sweepStale(t, "msmox-", nil)
	dir := serverDir(t, "msmox-")
	// The unprivileged mox runs the same binary again, so it must be where
	// the user nobody can reach it; the cache is usually below /root.
	localBin := filepath.Join(dir, "mox")
	if err := linkOrCopy(bin, localBin); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	confDir := filepath.Join(dir, "config")
	dataDir := filepath.Join(dir, "data")
	for _, d := range []string{confDir, dataDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatalf("mailservers: %v", err)
		}
	}
	// NoFixPermissions is set, so the owners are ours to get right: the
	// configuration is readable by all, the data belongs to nobody. The
	// key is opened by the root process and passed on.
	if err := os.Chmod(dataDir, 0o700); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	if err := os.Chown(dataDir, uid, gid); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	certFile := filepath.Join(confDir, "cert.pem")
	keyFile := filepath.Join(confDir, "key.pem")
	writeFile(t, certFile, c.CertPEM, 0o644)
	writeFile(t, keyFile, c.KeyPEM, 0o600)
	writeFile(t, filepath.Join(confDir, "domains.conf"), []byte(moxDomainsConf(c.Domain, users)), 0o644)
	conf := filepath.Join(confDir, "mox.conf")
	// Whatever mox asks the system resolver stays on loopback. Stopped
	// after mox (cleanups run last-registered first).
	jail := newDNSJail(t, dir)
	t.Cleanup(func() {
		jail.stop()
		t.Logf("mailservers: mox asked the loopback resolver %d DNS questions", jail.asked())
	})

	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(5)
		if err != nil {
			t.Fatal(err)
		}
		m := &Mox{
			IMAP: loopback(ports[0]), IMAPS: loopback(ports[1]),
			Submission: loopback(ports[2]), Submissions: loopback(ports[3]),
			HTTPS: loopback(ports[4]),
			bin:   localBin, conf: conf, domain: c.Domain,
		}
		writeFile(t, conf, []byte(moxConf(c.Hostname, dataDir, certFile, keyFile, users[0].local, ports)), 0o644)

		logPath := filepath.Join(dir, fmt.Sprintf("mox-%d.log", attempt))
		p, err := testproc.Start("mox", logPath, testproc.Options{Dir: dir, NewMountNS: true}, jail.wrap(localBin, "-config", conf, "serve")...)
		if err != nil {
			t.Fatalf("mailservers: %v", err)
		}
		deadline := time.Now().Add(startTimeout)
		err = waitReady(p, deadline, []endpoint{
			{name: "imap", addr: m.IMAP, greeting: "* OK", quit: "z LOGOUT"},
			{name: "imaps", addr: m.IMAPS, tls: true, greeting: "* OK", quit: "z LOGOUT"},
			{name: "submission", addr: m.Submission, greeting: "220", quit: "QUIT"},
			{name: "submissions", addr: m.Submissions, tls: true, greeting: "220", quit: "QUIT"},
			{name: "https", addr: m.HTTPS, tls: true, greeting: "HTTP/1.",
				hello: "GET /mail/config-v1.1.xml HTTP/1.0\r\nHost: autoconfig." + c.Domain + "\r\n\r\n"},
		})
		if err == nil {
			// The control socket that setaccountpassword talks to is
			// opened after the listeners.
			err = waitUnixSocket(p, filepath.Join(dataDir, "ctl"), deadline)
		}
		if err == nil {
			t.Cleanup(func() {
				p.StopGroup()
				if t.Failed() {
					t.Logf("mox log (%s):\n%s", logPath, p.Logs())
				}
			})
			for _, u := range users {
				runTool(t, dir, u.password+"\n", localBin, "-config", conf, "setaccountpassword", u.local)
			}
			return m
		}
		p.StopGroup()
		if attempt < startAttempts && addrInUse(p.Logs()) {
			t.Logf("mailservers: mox could not bind (attempt %d), retrying with new ports: %v", attempt, err)
			continue
		}
		t.Fatalf("mailservers: mox did not start: %v\nconfig %s, log:\n%s", err, conf, p.Logs())
	}
}

// DNSRecords returns the DNS records that mox says to publish for its
// domain ("mox config dnsrecords DOMAIN"), in zone-file syntax with
// comments. mox first asks the system resolver for the domain's TXT
// records (to tell whether it is DNSSEC-signed) and gives up if it gets no
// answer, so the command runs with a resolver of its own on loopback that
// says the name does not exist: no question leaves the machine.
func (m *Mox) DNSRecords(t testing.TB) string {
	t.Helper()
	return runWithoutDNS(t, filepath.Dir(m.bin), m.bin, "-config", m.conf, "config", "dnsrecords", m.domain)
}

// moxConf is mox.conf (the static configuration, in mox's sconf format:
// tab-indented, no quoting).
func moxConf(hostname, dataDir, certFile, keyFile, postmaster string, ports []int) string {
	return fmt.Sprintf(`# Throwaway test configuration written by internal/mailservers.
DataDir: %[2]s
LogLevel: info
User: nobody
NoFixPermissions: true
Hostname: %[1]s
Listeners:
	test:
		IPs:
			- 127.0.0.1
		TLS:
			KeyCerts:
				-
					CertFile: %[3]s
					KeyFile: %[4]s
		IMAP:
			Enabled: true
			Port: %[6]d
		IMAPS:
			Enabled: true
			Port: %[7]d
		Submission:
			Enabled: true
			Port: %[8]d
		Submissions:
			Enabled: true
			Port: %[9]d
		AutoconfigHTTPS:
			Enabled: true
			Port: %[10]d
Postmaster:
	Account: %[5]s
	Mailbox: Inbox
`, hostname, dataDir, certFile, keyFile, postmaster, ports[0], ports[1], ports[2], ports[3], ports[4])
}

// moxDomainsConf is domains.conf (the dynamic configuration): the domain
// and one account per user.
func moxDomainsConf(domain string, users []goServerUser) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Throwaway test configuration written by internal/mailservers.\nDomains:\n\t%s: nil\nAccounts:\n", domain)
	for _, u := range users {
		fmt.Fprintf(&b, "\t%s:\n\t\tDomain: %s\n\t\tDestinations:\n\t\t\t%s: nil\n", u.local, domain, u.address)
	}
	return b.String()
}
