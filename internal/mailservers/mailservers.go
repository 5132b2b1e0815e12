// Package mailservers starts real mail servers on loopback for tests, each
// with a throwaway configuration in its own temporary directory and free
// ports on 127.0.0.1: Dovecot for IMAP/POP3 and Postfix for SMTP submission
// (Debian packages), and mox and maddy, two mail servers written in Go
// (built from the Go module proxy).
//
// The servers run as child processes of the test binary and are stopped in
// t.Cleanup. Dovecot, Postfix and mox need root (they drop privileges to
// their own users) and Dovecot and Postfix the Debian packages
// dovecot-imapd, dovecot-pop3d and postfix (see [Require] and
// .ci/install-mailservers.sh); mox and maddy need binaries built by
// .ci/build-mailservers.sh (see [GoServerBinary]). A test whose server is
// missing is skipped, or failed when the environment variable CI is set.
package mailservers

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
	"github.com/mailsettings/mailsettings/internal/testproc"
)

const (
	// startTimeout bounds how long a server may take to answer on every port.
	startTimeout = 15 * time.Second
	// stopTimeout bounds a graceful stop before the processes are killed.
	stopTimeout = testproc.StopTimeout
	// startAttempts is how often a start is retried with fresh ports when
	// the server exits early, for example because a port was taken.
	startAttempts = 3
)

const installHint = "apt-get install dovecot-imapd dovecot-pop3d postfix"

// Require checks that every named binary (for example "dovecot" or
// "postfix") is installed, looking in PATH and in the sbin directories. When
// one is missing it fails the test with t.Fatalf if the environment variable
// CI is set to a non-empty value other than "false" or "0", so that CI cannot
// silently skip the real-server tests, and otherwise skips the test with
// t.Skipf, naming the packages to install.
func Require(t testing.TB, binaries ...string) {
	t.Helper()
	testenv.RequireBinaries(t, "mailservers", installCommand, binaries...)
}

// installCommand is what to run to install the system mail servers.
const installCommand = installHint + " (or .ci/install-mailservers.sh)"

// notInstalled skips the test, or fails it under CI, because what is not
// installed.
func notInstalled(t testing.TB, what string) {
	t.Helper()
	testenv.Unusable(t, fmt.Sprintf("mailservers: %s not installed; run: %s", what, installCommand))
}

// requireRoot skips (or, in CI, fails) the test when not running as root.
// what needs root, and why, completes the message.
func requireRoot(t testing.TB, whatWhy string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	msg := fmt.Sprintf("mailservers: %s needs root", whatWhy)
	testenv.Unusable(t, msg)
}

// tempBases are the directories in which server directories are made.
func tempBases() []string {
	return []string{os.TempDir(), "/tmp", "/var/tmp"}
}

// ownerFile, in a server directory, holds the PID of the test binary that
// made it, so that later runs can clean up after one that was killed.
const ownerFile = "owner.pid"

// serverDir creates a 0755 temporary directory whose every ancestor is
// searchable by other users, so the servers' unprivileged users (dovenull,
// dovecot, postfix) can reach it. t.TempDir is not used because its parents
// are 0700. The directory is removed in t.Cleanup, which is registered here
// and so runs after the cleanups the caller registers later.
func serverDir(t testing.TB, prefix string) string {
	t.Helper()
	var tried []string
	for _, base := range tempBases() {
		if err := searchableByOthers(base); err != nil {
			tried = append(tried, err.Error())
			continue
		}
		dir, err := os.MkdirTemp(base, prefix)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			os.RemoveAll(dir)
			t.Fatalf("mailservers: %v", err)
		}
		t.Cleanup(func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Errorf("mailservers: remove %s: %v", dir, err)
			}
		})
		writeFile(t, filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
		return dir
	}
	t.Fatalf("mailservers: no usable temporary directory: %s", strings.Join(tried, "; "))
	return ""
}

// sweepStale removes server directories (named prefix*) left behind by test
// binaries that died without running their cleanups, first calling stop on
// each to end a server that may still run there. A directory whose owner is
// alive, or unknown, is left alone.
func sweepStale(t testing.TB, prefix string, stop func(dir string)) {
	t.Helper()
	seen := map[string]bool{}
	for _, base := range tempBases() {
		dirs, _ := filepath.Glob(filepath.Join(base, prefix+"*"))
		for _, dir := range dirs {
			if seen[dir] {
				continue
			}
			seen[dir] = true
			b, err := os.ReadFile(filepath.Join(dir, ownerFile))
			if err != nil {
				continue
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
				continue
			}
			if stop != nil {
				stop(dir)
			}
			if err := os.RemoveAll(dir); err == nil {
				t.Logf("mailservers: removed %s, left by dead test process %d", dir, pid)
			}
		}
	}
}

// searchableByOthers reports an error unless dir and all its ancestors have
// the execute bit for others.
func searchableByOthers(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for p := abs; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !fi.IsDir() || fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s is not searchable by other users (mode %v)", p, fi.Mode())
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// pickPorts chooses the ports for a server start; tests replace it to
// provoke a bind failure.
var pickPorts = freePorts

// freePorts returns n distinct ports on 127.0.0.1 that were free a moment
// ago. All listeners are open at once so the ports differ from each other.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("mailservers: find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func loopback(port int) string {
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
}

func writeFile(t testing.TB, path string, data []byte, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
	// WriteFile's perm is filtered by the umask; make it exact.
	if err := os.Chmod(path, perm); err != nil {
		t.Fatalf("mailservers: %v", err)
	}
}

// process is a server started as a child of the test binary.
type process = testproc.Process

// endpoint is one listener to check for readiness: the server must accept a
// connection (after a TLS handshake when tls is set) and send a first line
// starting with greeting.
type endpoint struct {
	name     string
	addr     string
	tls      bool
	greeting string // e.g. "* OK", "+OK", "220", "HTTP/"
	quit     string // polite goodbye sent after the greeting
	// hello, if set, is sent first, for servers that wait for the client
	// (an HTTP request).
	hello string
}

var errExited = errors.New("server exited")

// waitReady polls every endpoint until it answers its greeting, the process
// exits (errExited) or the deadline passes.
func waitReady(p *process, deadline time.Time, eps []endpoint) error {
	for _, ep := range eps {
		var last error
		for {
			if p.Exited() {
				return fmt.Errorf("%w before %s (%s) answered: %s", errExited, ep.name, ep.addr, p.ExitError())
			}
			last = greet(ep, deadline)
			if last == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s (%s) not ready after %v: %v", ep.name, ep.addr, startTimeout, last)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

func greet(ep endpoint, deadline time.Time) error {
	attempt := time.Now().Add(2 * time.Second)
	if attempt.After(deadline) {
		attempt = deadline
	}
	d := net.Dialer{Deadline: attempt}
	conn, err := d.Dial("tcp", ep.addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(attempt)
	if ep.tls {
		// Readiness only: the certificate and the TLS version are checked
		// by the tests proper, and some servers here are configured to
		// offer only TLS 1.0 and 1.1.
		tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10})
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	if ep.hello != "" {
		if _, err := io.WriteString(conn, ep.hello); err != nil {
			return fmt.Errorf("send request: %w", err)
		}
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read greeting: %w", err)
	}
	if !strings.HasPrefix(line, ep.greeting) {
		return fmt.Errorf("unexpected greeting %q", strings.TrimSpace(line))
	}
	if ep.quit != "" {
		fmt.Fprintf(conn, "%s\r\n", ep.quit)
	}
	return nil
}

func lookupUser(t testing.TB, name string) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("mailservers: system user %q: %v (is the package installed? %s)", name, err, installHint)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		t.Fatalf("mailservers: system user %q has non-numeric uid/gid %q/%q", name, u.Uid, u.Gid)
	}
	return uid, gid
}

func lookupGroup(t testing.TB, name string) (gid int) {
	t.Helper()
	g, err := user.LookupGroup(name)
	if err != nil {
		t.Fatalf("mailservers: system group %q: %v (is the package installed? %s)", name, err, installHint)
	}
	gid, err = strconv.Atoi(g.Gid)
	if err != nil {
		t.Fatalf("mailservers: system group %q has non-numeric gid %q", name, g.Gid)
	}
	return gid
}
