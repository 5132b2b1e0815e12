package mailservers

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/mailsettings/mailsettings/internal/testproc"
)

// dovecotLibexec is where Debian installs Dovecot's service binaries.
const dovecotLibexec = "/usr/lib/dovecot"

// Dovecot is a running Dovecot IMAP/POP3 server started by [StartDovecot].
// Each field is a "127.0.0.1:port" address.
type Dovecot struct {
	// IMAP is plain IMAP that offers STARTTLS.
	IMAP string
	// IMAPS is IMAP over implicit TLS.
	IMAPS string
	// POP3 is plain POP3 that offers STLS.
	POP3 string
	// POP3S is POP3 over implicit TLS.
	POP3S string
}

// DovecotConfig describes a Dovecot to start with [StartDovecotWith]. The
// zero value of every field but the certificate gives the configuration
// of [StartDovecot].
type DovecotConfig struct {
	// CertPEM and KeyPEM are the server certificate (optionally followed
	// by intermediates) and key, for example from
	// mailsettingstest.CA.Issue (whose keys are ECDSA P-256) or
	// CA.IssueExpired.
	CertPEM, KeyPEM []byte
	// Users maps user names to passwords.
	Users map[string]string
	// AuthMechanisms are the SASL mechanisms offered, in Dovecot's
	// auth_mechanisms spelling ("plain", "login"). Nil means plain and
	// login. Note that Dovecot runs IMAP LOGIN and POP3 USER/PASS through
	// its PLAIN mechanism: without "plain" both are refused ("Unsupported
	// authentication mechanism") and only AUTHENTICATE / AUTH with a
	// listed mechanism works.
	AuthMechanisms []string
	// MinTLS is the oldest TLS version accepted (ssl_min_protocol), such
	// as "TLSv1.3". "" means TLSv1.2.
	MinTLS string
}

// StartDovecot starts Dovecot with [StartDovecotWith] and a [DovecotConfig]
// of the certificate, key and users given.
func StartDovecot(t testing.TB, certPEM, keyPEM []byte, users map[string]string) *Dovecot {
	t.Helper()
	return StartDovecotWith(t, DovecotConfig{CertPEM: certPEM, KeyPEM: keyPEM, Users: users})
}

// StartDovecotWith starts Dovecot (dovecot -F) as root with a throwaway
// configuration made from c in a new temporary directory and returns its
// listeners once each of them answers its greeting. Users may log in with
// the configured mechanisms (by default IMAP LOGIN / AUTHENTICATE PLAIN or
// POP3 USER/PASS) and get an empty Maildir in the temporary directory.
//
// Plaintext authentication is disabled (disable_plaintext_auth = yes), but
// note that Dovecot treats a connection whose remote and local IP are equal
// as secure, so over 127.0.0.1 it still offers and accepts plaintext LOGIN
// before STARTTLS.
//
// The server is stopped (SIGTERM, then SIGKILL) and its directory removed in
// t.Cleanup; its log is written to the test log if the test failed. The test
// is skipped, or failed in CI, when Dovecot is not installed or the test
// does not run as root (see [Require]).
func StartDovecotWith(t testing.TB, c DovecotConfig) *Dovecot {
	t.Helper()
	Require(t, "dovecot")
	// The imap and pop3 services come in their own Debian packages.
	if _, err := os.Stat(dovecotLibexec); err == nil {
		for _, proto := range []string{"imap", "pop3"} {
			if _, err := os.Stat(filepath.Join(dovecotLibexec, proto)); err != nil {
				notInstalled(t, fmt.Sprintf("dovecot's %s service (%s)", proto, filepath.Join(dovecotLibexec, proto)))
				return nil
			}
		}
	}
	requireRoot(t, "starting dovecot (it drops privileges to its own users)")
	bin, err := testenv.LookBinary("dovecot")
	if err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	uid, gid := lookupUser(t, "dovecot")
	lookupUser(t, "dovenull")

	// A Dovecot whose test binary died got SIGTERM (Pdeathsig); only its
	// directory is left.
	sweepStale(t, "msdovecot-", nil)
	dir := serverDir(t, "msdovecot-")
	certFile := filepath.Join(dir, "cert.pem")
	keyFile := filepath.Join(dir, "key.pem")
	usersFile := filepath.Join(dir, "users")
	homeDir := filepath.Join(dir, "home")
	writeFile(t, certFile, c.CertPEM, 0o644)
	writeFile(t, keyFile, c.KeyPEM, 0o600)
	writeFile(t, usersFile, passwdFile(t, c.Users), 0o640)
	if err := os.Chown(usersFile, 0, gid); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	if err := os.Mkdir(homeDir, 0o700); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	if err := os.Chown(homeDir, uid, gid); err != nil {
		t.Fatalf("mailservers: %v", err)
	}

	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(4)
		if err != nil {
			t.Fatal(err)
		}
		d := &Dovecot{
			IMAP:  loopback(ports[0]),
			IMAPS: loopback(ports[1]),
			POP3:  loopback(ports[2]),
			POP3S: loopback(ports[3]),
		}
		conf := filepath.Join(dir, "dovecot.conf")
		writeFile(t, conf, []byte(dovecotConf(t, c, dir, certFile, keyFile, usersFile, homeDir, ports)), 0o644)
		if out, err := exec.Command(bin, "-n", "-c", conf).CombinedOutput(); err != nil {
			t.Fatalf("mailservers: dovecot -n -c %s: %v\n%s", conf, err, out)
		}

		logPath := filepath.Join(dir, fmt.Sprintf("dovecot-%d.log", attempt))
		p, err := testproc.Start("dovecot", logPath, testproc.Options{}, bin, "-F", "-c", conf)
		if err != nil {
			t.Fatalf("mailservers: %v", err)
		}
		stop := func() { stopDovecot(p) }
		err = waitReady(p, time.Now().Add(startTimeout), []endpoint{
			{name: "imap", addr: d.IMAP, greeting: "* OK", quit: "z LOGOUT"},
			{name: "imaps", addr: d.IMAPS, tls: true, greeting: "* OK", quit: "z LOGOUT"},
			{name: "pop3", addr: d.POP3, greeting: "+OK", quit: "QUIT"},
			{name: "pop3s", addr: d.POP3S, tls: true, greeting: "+OK", quit: "QUIT"},
		})
		if err == nil {
			t.Cleanup(func() {
				stop()
				if t.Failed() {
					t.Logf("dovecot log (%s):\n%s", logPath, p.Logs())
				}
			})
			return d
		}
		stop()
		if attempt < startAttempts && strings.Contains(p.Logs(), "Address already in use") {
			t.Logf("mailservers: dovecot could not bind (attempt %d), retrying with new ports: %v", attempt, err)
			continue
		}
		t.Fatalf("mailservers: dovecot did not start: %v\nconfig %s, log:\n%s", err, conf, p.Logs())
	}
}

// stopDovecot sends SIGTERM to the Dovecot master and all its children at
// once (they share the process group; signalling only the master makes it
// take about a second to reap them), and kills the group if the master has
// not ended in time.
func stopDovecot(p *process) { p.StopGroup() }

// dovecotWord matches the values of DovecotConfig that go into the
// configuration file as they are.
var dovecotWord = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

func dovecotConf(t testing.TB, c DovecotConfig, dir, certFile, keyFile, usersFile, homeDir string, ports []int) string {
	t.Helper()
	mechs := c.AuthMechanisms
	if mechs == nil {
		mechs = []string{"plain", "login"}
	}
	minTLS := c.MinTLS
	if minTLS == "" {
		minTLS = "TLSv1.2"
	}
	for _, w := range append([]string{minTLS}, mechs...) {
		if !dovecotWord.MatchString(w) {
			t.Fatalf("mailservers: invalid Dovecot setting %q", w)
		}
	}
	if len(mechs) == 0 {
		t.Fatal("mailservers: DovecotConfig.AuthMechanisms is empty")
	}
	return fmt.Sprintf(`# Throwaway test configuration written by internal/mailservers.
protocols = imap pop3
listen = 127.0.0.1
instance_name = mailservers-%[1]s
base_dir = %[2]s/run
state_dir = %[2]s/state
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 100
log_path = /dev/stderr
info_log_path = /dev/stderr
debug_log_path = /dev/stderr
ssl = yes
ssl_cert = <%[3]s
ssl_key = <%[4]s
ssl_min_protocol = %[11]s
disable_plaintext_auth = yes
auth_mechanisms = %[12]s
# Answer failed logins without the usual 2 s delay (2.3 still takes ~0.5 s).
auth_failure_delay = 0
mail_location = maildir:%[6]s/%%u/Maildir

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[5]s
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=%[6]s/%%u
}

# Mode 0 disables this listener, which turns off the auth penalty: without it,
# every login from 127.0.0.1 after a failed one would be delayed by 2-15 s.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[7]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[8]d
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = %[9]d
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = %[10]d
    ssl = yes
  }
}
`, filepath.Base(dir), dir, certFile, keyFile, usersFile, homeDir, ports[0], ports[1], ports[2], ports[3],
		minTLS, strings.Join(mechs, " "))
}

// passwdFile renders users as a Dovecot passwd-file. Passwords are stored
// base64-encoded ({PLAIN.b64}) so that any byte is allowed in them.
func passwdFile(t testing.TB, users map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(users))
	for name := range users {
		if name == "" || strings.ContainsAny(name, ":/\r\n\x00 \t%") {
			t.Fatalf("mailservers: invalid Dovecot user name %q", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s:{PLAIN.b64}%s\n", name, base64.StdEncoding.EncodeToString([]byte(users[name])))
	}
	return []byte(b.String())
}
