package mailservers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
)

// The mail servers written in Go that the tests start. They are not
// Debian packages: .ci/build-mailservers.sh builds them from the Go module
// proxy into a cache directory keyed by version, once per machine, and
// prints the environment variables below. The versions here must equal the
// script's (TestBuildScriptVersions checks it).
const (
	// MoxVersion is the version of github.com/mjl-/mox the tests use.
	MoxVersion = "v0.0.15"
	// MaddyVersion is the version of github.com/foxcpp/maddy the tests
	// use.
	MaddyVersion = "v0.8.1"

	// MoxEnv names the environment variable that holds the path of the
	// mox binary; when it is empty, the binary is looked for in the
	// default cache directory (see [GoServerBinary]).
	MoxEnv = "MAILSETTINGS_MOX"
	// MaddyEnv is like MoxEnv, for maddy.
	MaddyEnv = "MAILSETTINGS_MADDY"

	buildHint = "bash .ci/build-mailservers.sh"
	// cacheSubdir is the directory below os.UserCacheDir that
	// .ci/build-mailservers.sh builds into.
	cacheSubdir = "mailsettings-mailservers"
)

// A goServer is one of the Go mail servers.
type goServer struct {
	name, version, env string
}

func moxServer() goServer   { return goServer{"mox", MoxVersion, MoxEnv} }
func maddyServer() goServer { return goServer{"maddy", MaddyVersion, MaddyEnv} }

// defaultPath is where .ci/build-mailservers.sh puts the binary:
// os.UserCacheDir()/mailsettings-mailservers/NAME-VERSION/NAME.
func (s goServer) defaultPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, cacheSubdir, s.name+"-"+s.version, s.name), nil
}

// GoServerBinary returns the path of the binary of the Go mail server name
// ("mox" or "maddy"): the value of its environment variable ([MoxEnv],
// [MaddyEnv]) if set, else the default cache path that
// .ci/build-mailservers.sh builds into. It checks that the binary runs and
// reports the expected version ([MoxVersion], [MaddyVersion]).
//
// When the binary is missing, the test is skipped with a message that
// tells how to build it, or failed when the environment variable CI is set
// (see [Require]). A binary of another version fails the test.
func GoServerBinary(t testing.TB, name string) string {
	t.Helper()
	var s goServer
	switch name {
	case "mox":
		s = moxServer()
	case "maddy":
		s = maddyServer()
	default:
		t.Fatalf("mailservers: unknown Go mail server %q", name)
		return ""
	}
	path, from := os.Getenv(s.env), "$"+s.env
	if path == "" {
		p, err := s.defaultPath()
		if err != nil {
			notBuilt(t, s, fmt.Sprintf("no cache directory (%v)", err))
			return ""
		}
		path, from = p, "the default cache path"
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		notBuilt(t, s, fmt.Sprintf("%s (%s) is not an executable file", path, from))
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "version").CombinedOutput()
	first, _, _ := strings.Cut(string(bytes.TrimSpace(out)), "\n")
	if err != nil || !strings.HasPrefix(first, s.version) {
		t.Fatalf("mailservers: %s (%s) is not %s %s: %q, %v; rebuild with: %s", path, from, s.name, s.version, first, err, buildHint)
		return ""
	}
	return path
}

// notBuilt skips the test, or fails it under CI, because the binary of s
// is missing.
func notBuilt(t testing.TB, s goServer, why string) {
	t.Helper()
	msg := fmt.Sprintf("mailservers: %s %s not built: %s; run: %s (or set %s to the binary)", s.name, s.version, why, buildHint, s.env)
	testenv.Unusable(t, msg)
}
