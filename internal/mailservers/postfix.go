package mailservers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/mailsettings/mailsettings/internal/testproc"
)

// Postfix is a running Postfix SMTP server started by [StartPostfix]. Each
// field is a "127.0.0.1:port" address.
type Postfix struct {
	// Submission is plain SMTP submission that offers STARTTLS and
	// requires it (smtpd_tls_security_level = encrypt): mail commands are
	// refused before TLS.
	Submission string
	// Submissions is SMTP submission over implicit TLS
	// (smtpd_tls_wrappermode = yes).
	Submissions string
}

// PostfixConfig describes a Postfix to start with [StartPostfixWith].
type PostfixConfig struct {
	// CertPEM and KeyPEM are the server certificate (optionally followed
	// by intermediates) and key, for example from
	// mailsettingstest.CA.Issue.
	CertPEM, KeyPEM []byte
	// LegacyTLSOnly makes both listeners offer only TLS 1.0 and 1.1
	// (smtpd_tls_protocols = <=TLSv1.1), the way old servers still do.
	// OpenSSL 3 refuses those versions at its default security level, so
	// the server also gets an OpenSSL configuration (tls_config_file) that
	// lowers the security level to 0 and the minimum protocol to TLS 1.0.
	LegacyTLSOnly bool
}

// StartPostfix starts Postfix with [StartPostfixWith] and a
// [PostfixConfig] of the certificate and key given.
func StartPostfix(t testing.TB, certPEM, keyPEM []byte) *Postfix {
	t.Helper()
	return StartPostfixWith(t, PostfixConfig{CertPEM: certPEM, KeyPEM: keyPEM})
}

// StartPostfixWith starts Postfix (postfix -c DIR start-fg) as root with a
// throwaway main.cf and master.cf made from c in a new temporary directory
// and returns its two listeners once both answer "220".
//
// Only the two submission listeners exist: there is no port-25 listener, no
// SASL authentication (AUTH is not offered), no local delivery and no
// outbound delivery (every transport is "error"), so nothing leaves the
// machine. Both listeners require TLS 1.2 or newer, unless
// c.LegacyTLSOnly is set.
//
// The server is stopped (SIGTERM via "postfix abort", then SIGKILL) and
// its directory removed in t.Cleanup; its log is written to the test log if
// the test failed. The test is skipped, or failed in CI, when Postfix is not
// installed or the test does not run as root (see [Require]).
func StartPostfixWith(t testing.TB, c PostfixConfig) *Postfix {
	t.Helper()
	Require(t, "postfix")
	requireRoot(t, "starting postfix (it drops privileges to its own users)")
	bin, err := testenv.LookBinary("postfix")
	if err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	sweepStale(t, "mspostfix-", func(dir string) {
		// The master outlives a killed test binary (it is a grandchild in
		// its own session). "postfix stop" checks that a master holds this
		// directory's lock before it signals the PID in the pid file.
		if pid := readPid(filepath.Join(dir, "spool", "pid", "master.pid")); pid <= 1 || syscall.Kill(pid, 0) != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*stopTimeout)
		defer cancel()
		exec.CommandContext(ctx, bin, "-c", filepath.Join(dir, "etc"), "stop").Run()
	})
	dir := serverDir(t, "mspostfix-")
	confDir := filepath.Join(dir, "etc")
	queueDir := filepath.Join(dir, "spool")
	makePostfixDirs(t, confDir, queueDir)
	certFile := filepath.Join(confDir, "cert.pem")
	keyFile := filepath.Join(confDir, "key.pem")
	writeFile(t, certFile, c.CertPEM, 0o644)
	writeFile(t, keyFile, c.KeyPEM, 0o600)
	mainCf := postfixMainCf(dir, queueDir, certFile, keyFile)
	if c.LegacyTLSOnly {
		sslConf := filepath.Join(confDir, "openssl.cnf")
		writeFile(t, sslConf, []byte(legacyOpenSSLConf), 0o644)
		mainCf += legacyTLSMainCf(sslConf)
	}
	writeConf(t, filepath.Join(confDir, "main.cf"), mainCf)

	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(2)
		if err != nil {
			t.Fatal(err)
		}
		pf := &Postfix{Submission: loopback(ports[0]), Submissions: loopback(ports[1])}
		writeConf(t, filepath.Join(confDir, "master.cf"), postfixMasterCf(ports))

		logPath := filepath.Join(dir, fmt.Sprintf("postfix-%d.log", attempt))
		p, err := testproc.Start("postfix", logPath, testproc.Options{}, bin, "-c", confDir, "start-fg")
		if err != nil {
			t.Fatalf("mailservers: %v", err)
		}
		stop := func() { stopPostfix(t, p, bin, confDir, queueDir) }
		err = waitReady(p, time.Now().Add(startTimeout), []endpoint{
			{name: "submission", addr: pf.Submission, greeting: "220", quit: "QUIT"},
			{name: "submissions", addr: pf.Submissions, tls: true, greeting: "220", quit: "QUIT"},
		})
		if err == nil {
			t.Cleanup(func() {
				stop()
				if t.Failed() {
					t.Logf("postfix log (%s):\n%s", logPath, p.Logs())
				}
			})
			return pf
		}
		stop()
		if attempt < startAttempts && strings.Contains(p.Logs(), "Address already in use") {
			t.Logf("mailservers: postfix could not bind (attempt %d), retrying with new ports: %v", attempt, err)
			continue
		}
		t.Fatalf("mailservers: postfix did not start: %v\nconfig %s, log:\n%s", err, confDir, p.Logs())
	}
}

// stopPostfix stops the master daemon and waits for start-fg to return. It
// runs "postfix abort", which sends the master the same SIGTERM as "postfix
// stop" but does not then poll once a second for it to be gone; waiting for
// our child (postfix-script, which waits for the master) does that. The
// master runs in its own session, so if it does not end in time it is
// killed by the PID in its pid file, together with its process group.
func stopPostfix(t testing.TB, p *process, bin, confDir, queueDir string) {
	if !p.Exited() {
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		out, err := exec.CommandContext(ctx, bin, "-c", confDir, "abort").CombinedOutput()
		cancel()
		if err != nil && !p.Exited() {
			t.Logf("mailservers: postfix abort: %v\n%s", err, out)
		}
	}
	if p.WaitExit(stopTimeout) {
		return
	}
	if pid := readPid(filepath.Join(queueDir, "pid", "master.pid")); pid > 1 {
		syscall.Kill(-pid, syscall.SIGKILL)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	p.KillGroup()
}

// readPid returns the number in a pid file, or 0.
func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil {
		return 0
	}
	return pid
}

// writeConf writes a Postfix configuration file and backdates it: Postfix
// will not read main.cf until its mtime is at least a second or two old (it
// polls every 0.3 s, in case the file is still being edited), which would
// add about 2 s to every start.
func writeConf(t testing.TB, path, content string) {
	t.Helper()
	writeFile(t, path, []byte(content), 0o644)
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
}

// makePostfixDirs creates the configuration and queue directories, root
// owned and 0755 as /etc/postfix/postfix-files wants them. "postfix
// start-fg" creates everything below them (data_directory, the queue
// subdirectories) with the right owners itself (post-install create-missing).
func makePostfixDirs(t testing.TB, confDir, queueDir string) {
	t.Helper()
	lookupUser(t, "postfix")
	lookupGroup(t, "postdrop")
	for _, d := range []string{confDir, queueDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatalf("mailservers: %v", err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatalf("mailservers: %v", err)
		}
	}
}

func postfixMainCf(dir, queueDir, certFile, keyFile string) string {
	return fmt.Sprintf(`# Throwaway test configuration written by internal/mailservers.
compatibility_level = 3.6
queue_directory = %[2]s
data_directory = %[1]s/data
maillog_file = /dev/stdout

inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.example.test
mydomain = example.test
myorigin = $myhostname
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no

# Nothing is ever delivered anywhere.
default_transport = error:mail delivery is disabled in this test server
relay_transport = error:mail delivery is disabled in this test server
local_transport = error:mail delivery is disabled in this test server

smtpd_banner = $myhostname ESMTP Postfix (mailsettings test)
smtpd_tls_cert_file = %[3]s
smtpd_tls_key_file = %[4]s
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_sasl_auth_enable = no
`, dir, queueDir, certFile, keyFile)
}

// postfixMasterCf has the two submission listeners and the internal
// services, all unchrooted; it has no "smtp inet" service, so nothing
// listens on port 25.
func postfixMasterCf(ports []int) string {
	return fmt.Sprintf(`# Throwaway test configuration written by internal/mailservers.
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:%[1]d inet n  -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
127.0.0.1:%[2]d inet n  -       n       -       -       smtpd
  -o syslog_name=postfix/submissions
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`, ports[0], ports[1])
}

// legacyOpenSSLConf is an OpenSSL configuration that lets Postfix use TLS
// 1.0 and 1.1: Debian's OpenSSL 3 defaults (MinProtocol = TLSv1.2 and
// security level 2 in /etc/ssl/openssl.cnf) refuse them. The layout is the
// one postconf(5) shows for tls_config_file; security level 0 is what
// OpenSSL 3 needs to sign TLS 1.0/1.1 handshakes with SHA-1.
const legacyOpenSSLConf = `# Throwaway test configuration written by internal/mailservers.
postfix = postfix_settings

[postfix_settings]
ssl_conf = postfix_ssl_settings

[postfix_ssl_settings]
system_default = legacy_tls

[legacy_tls]
MinProtocol = TLSv1
MaxProtocol = TLSv1.1
CipherString = DEFAULT@SECLEVEL=0
`

// legacyTLSMainCf are the main.cf lines, appended after the defaults (the
// last setting wins), that limit both listeners to TLS 1.0 and 1.1.
func legacyTLSMainCf(sslConf string) string {
	return fmt.Sprintf(`
# Only TLS 1.0 and 1.1, as old servers still offer.
tls_config_file = %s
tls_config_name = postfix
smtpd_tls_protocols = <=TLSv1.1
smtpd_tls_mandatory_protocols = <=TLSv1.1
tls_medium_cipherlist = DEFAULT@SECLEVEL=0
`, sslConf)
}
