// Package testenv holds the one rule for tests that need something from
// the machine (a mail server, unbound, python3, root): outside CI a test
// without it skips with a message that says how to get it; in CI, which
// installs everything, it fails instead, so that CI can never pass by
// skipping. It is used only by tests and test tooling.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InCI reports whether the environment variable CI is set to a value other
// than "", "false" or "0".
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// Unusable skips the test with msg, or fails it under CI.
func Unusable(tb testing.TB, msg string) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("%s [CI is set, so this is a failure, not a skip]", msg)
		return
	}
	tb.Skipf("%s", msg)
}

// RequireBinaries looks for each program of names with LookBinary and,
// when some are missing, skips the test (or fails it under CI) with
// "WHO: A, B not installed; run: INSTALL".
func RequireBinaries(tb testing.TB, who, install string, names ...string) {
	tb.Helper()
	var missing []string
	for _, n := range names {
		if _, err := LookBinary(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		Unusable(tb, fmt.Sprintf("%s: %s not installed; run: %s", who, strings.Join(missing, ", "), install))
	}
}

// A Recorder is a testing.TB for testing helpers that skip or fail: it
// records the message of Skip, Skipf, Fatal and Fatalf instead of stopping
// the test, and reports nothing else.
type Recorder struct {
	testing.TB
	SkipMsg, FatalMsg string
}

// Helper does nothing.
func (r *Recorder) Helper() {}

// Skip records its arguments as fmt.Sprint does.
func (r *Recorder) Skip(args ...any) { r.SkipMsg = fmt.Sprint(args...) }

// Skipf records the formatted message.
func (r *Recorder) Skipf(format string, args ...any) { r.SkipMsg = fmt.Sprintf(format, args...) }

// Fatal records its arguments as fmt.Sprint does.
func (r *Recorder) Fatal(args ...any) { r.FatalMsg = fmt.Sprint(args...) }

// Fatalf records the formatted message.
func (r *Recorder) Fatalf(format string, args ...any) { r.FatalMsg = fmt.Sprintf(format, args...) }

// LookBinary finds name in PATH or, since test environments often lack the
// sbin directories in PATH, in /usr/sbin, /sbin and /usr/local/sbin.
func LookBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH, /usr/sbin, /sbin or /usr/local/sbin", name)
}
