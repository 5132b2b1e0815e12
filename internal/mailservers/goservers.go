package mailservers

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"
)

// This file has what StartMox and StartMaddy share: the checks of their
// configuration values and running their command-line tools.

// GoServerConfig describes a mail domain for [StartMox] and [StartMaddy].
type GoServerConfig struct {
	// Domain is the mail domain, such as "example.test".
	Domain string
	// Hostname is the server's host name, such as "mail.example.test":
	// the name clients connect to and that the certificate is for.
	Hostname string
	// CertPEM and KeyPEM are the server certificate (optionally followed
	// by intermediates) and key, for example from
	// mailsettingstest.CA.Issue. For mox the certificate must also cover
	// autoconfig.DOMAIN and DOMAIN, where it serves autoconfig and
	// Autodiscover.
	CertPEM, KeyPEM []byte
	// Users maps email addresses at Domain to passwords. The address is
	// the login name. mox wants passwords of at least 8 bytes.
	Users map[string]string
}

// dnsName reports whether s is a lower-case host name of letters, digits,
// hyphens and at least two labels, the only names written into server
// configurations here.
func dnsName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	return true
}

// localPart reports whether s is a simple local part: lower-case letters,
// digits, '.', '_' and '-', not starting with '.'.
func localPart(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '.' && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// goServerUser is one account of a GoServerConfig.
type goServerUser struct {
	address, local, password string
}

// check validates c for server and returns its users sorted by address.
func (c GoServerConfig) check(t testing.TB, server string, minPassword int) []goServerUser {
	t.Helper()
	if !dnsName(c.Domain) || !dnsName(c.Hostname) {
		t.Fatalf("mailservers: %s: Domain %q and Hostname %q must be lower-case host names with a dot", server, c.Domain, c.Hostname)
	}
	if len(c.CertPEM) == 0 || len(c.KeyPEM) == 0 {
		t.Fatalf("mailservers: %s: no certificate or key", server)
	}
	var users []goServerUser
	for addr, pw := range c.Users {
		local, domain, ok := strings.Cut(addr, "@")
		if !ok || domain != c.Domain || !localPart(local) {
			t.Fatalf("mailservers: %s: user %q is not a simple address at %s", server, addr, c.Domain)
		}
		if len(pw) < minPassword || strings.ContainsAny(pw, "\r\n\x00") {
			t.Fatalf("mailservers: %s: the password of %s must have at least %d bytes and no line breaks", server, addr, minPassword)
		}
		users = append(users, goServerUser{addr, local, pw})
	}
	sort.Slice(users, func(i, j int) bool { return users[i].address < users[j].address })
	return users
}

// runTool runs one of a server's command-line tools to completion, with
// stdin as its standard input, and fails the test with its output if it
// fails.
func runTool(t testing.TB, dir, stdin string, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mailservers: %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// linkOrCopy makes dst the file src: a hard link when both are on one
// file system, else a copy with src's mode.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// waitUnixSocket waits until a Unix socket at path accepts connections.
func waitUnixSocket(p *process, path string, deadline time.Time) error {
	for {
		if p.Exited() {
			return fmt.Errorf("%w before %s accepted connections: %s", errExited, path, p.ExitError())
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v: %v", path, startTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addrInUse reports whether a server's log says a port was taken.
func addrInUse(logs string) bool {
	return strings.Contains(strings.ToLower(logs), "address already in use")
}
