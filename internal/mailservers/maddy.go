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

// Maddy is a running maddy (github.com/foxcpp/maddy) started by
// [StartMaddy]. Each field is a "127.0.0.1:port" address.
type Maddy struct {
	// IMAP is IMAP that offers STARTTLS.
	IMAP string
	// IMAPS is IMAP over implicit TLS.
	IMAPS string
	// Submission is SMTP submission that offers STARTTLS; AUTH is offered
	// only after it.
	Submission string
	// Submissions is SMTP submission over implicit TLS.
	Submissions string
}

// StartMaddy starts maddy (maddy run, a version [GoServerBinary] finds)
// as the current user with a throwaway configuration for c in a new
// temporary directory, and returns its listeners once each of them
// answers. Users are created with "maddy creds create" (bcrypt) and "maddy
// imap-acct create", in SQLite databases in the directory; the address is
// the login name. There is no port-25 listener, and mail submitted for
// other domains is rejected, so nothing leaves the machine.
//
// The server is stopped (SIGTERM, then SIGKILL) and its directory removed
// in t.Cleanup; its log is written to the test log if the test failed. The
// test is skipped, or failed in CI, when the maddy binary is missing.
func StartMaddy(t testing.TB, c GoServerConfig) *Maddy {
	t.Helper()
	users := c.check(t, "maddy", 1)
	bin := GoServerBinary(t, "maddy")

	// maddy got SIGTERM with its test binary (Pdeathsig); only its
	// directory is left.
	sweepStale(t, "msmaddy-", nil)
	dir := serverDir(t, "msmaddy-")
	stateDir := filepath.Join(dir, "state")
	runDir := filepath.Join(dir, "run")
	for _, d := range []string{stateDir, runDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatalf("mailservers: %v", err)
		}
	}
	certFile := filepath.Join(dir, "cert.pem")
	keyFile := filepath.Join(dir, "key.pem")
	writeFile(t, certFile, c.CertPEM, 0o644)
	writeFile(t, keyFile, c.KeyPEM, 0o600)
	conf := filepath.Join(dir, "maddy.conf")
	// As root, whatever maddy asks the system resolver stays on loopback.
	// Stopped after maddy (cleanups run last-registered first).
	var jail *dnsJail
	if os.Geteuid() == 0 {
		jail = newDNSJail(t, dir)
		t.Cleanup(func() {
			jail.stop()
			t.Logf("mailservers: maddy asked the loopback resolver %d DNS questions", jail.asked())
		})
	}

	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(4)
		if err != nil {
			t.Fatal(err)
		}
		m := &Maddy{IMAP: loopback(ports[0]), IMAPS: loopback(ports[1]), Submission: loopback(ports[2]), Submissions: loopback(ports[3])}
		writeFile(t, conf, []byte(maddyConf(c, stateDir, runDir, certFile, keyFile, ports)), 0o644)
		if attempt == 1 {
			for _, u := range users {
				runTool(t, dir, u.password+"\n", bin, "--config", conf, "creds", "create", "--hash", "bcrypt", u.address)
				runTool(t, dir, "", bin, "--config", conf, "imap-acct", "create", u.address)
			}
		}

		logPath := filepath.Join(dir, fmt.Sprintf("maddy-%d.log", attempt))
		argv, opts := []string{bin, "--config", conf, "run"}, testproc.Options{Dir: dir}
		if jail != nil {
			argv, opts.NewMountNS = jail.wrap(argv...), true
		}
		p, err := testproc.Start("maddy", logPath, opts, argv...)
		if err != nil {
			t.Fatalf("mailservers: %v", err)
		}
		err = waitReady(p, time.Now().Add(startTimeout), []endpoint{
			{name: "imap", addr: m.IMAP, greeting: "* OK", quit: "z LOGOUT"},
			{name: "imaps", addr: m.IMAPS, tls: true, greeting: "* OK", quit: "z LOGOUT"},
			{name: "submission", addr: m.Submission, greeting: "220", quit: "QUIT"},
			{name: "submissions", addr: m.Submissions, tls: true, greeting: "220", quit: "QUIT"},
		})
		if err == nil {
			t.Cleanup(func() {
				p.StopGroup()
				if t.Failed() {
					t.Logf("maddy log (%s):\n%s", logPath, p.Logs())
				}
			})
			return m
		}
		p.StopGroup()
		if attempt < startAttempts && addrInUse(p.Logs()) {
			t.Logf("mailservers: maddy could not bind (attempt %d), retrying with new ports: %v", attempt, err)
			continue
		}
		t.Fatalf("mailservers: maddy did not start: %v\nconfig %s, log:\n%s", err, conf, p.Logs())
	}
}

// maddyConf is maddy.conf: local SQLite credentials and mailboxes, IMAP
// and submission on loopback, local delivery only.
func maddyConf(c GoServerConfig, stateDir, runDir, certFile, keyFile string, ports []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Throwaway test configuration written by internal/mailservers.
state_dir %[1]s
runtime_dir %[2]s
hostname %[3]s
tls file %[4]s %[5]s
log stderr

auth.pass_table local_authdb {
    table sql_table {
        driver sqlite3
        dsn credentials.db
        table_name passwords
    }
}

storage.imapsql local_mailboxes {
    driver sqlite3
    dsn imapsql.db
}

submission tls://127.0.0.1:%[9]d tcp://127.0.0.1:%[8]d {
    auth &local_authdb
    source %[10]s {
        destination %[10]s {
            deliver_to &local_mailboxes
        }
        default_destination {
            reject 550 5.7.1 "This test server delivers nothing outside %[10]s"
        }
    }
    default_source {
        reject 501 5.1.8 "Non-local sender domain"
    }
}

imap tls://127.0.0.1:%[7]d tcp://127.0.0.1:%[6]d {
    auth &local_authdb
    storage &local_mailboxes
}
`, stateDir, runDir, c.Hostname, certFile, keyFile, ports[0], ports[1], ports[2], ports[3], c.Domain)
	return b.String()
}
