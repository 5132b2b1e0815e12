package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "0": false, " 0 ": false, "true": true, "1": true, "yes": true} {
		t.Setenv("CI", v)
		if got := InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v, want %v", v, got, want)
		}
	}
}

// fakeTB records Skipf and Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skip(args ...any)               { f.skipped = args[0].(string) }
func (f *fakeTB) Fatalf(format string, _ ...any) { f.failed = format }

func TestUnusable(t *testing.T) {
	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	Unusable(f, "no server")
	if f.skipped != "no server" || f.failed != "" {
		t.Errorf("outside CI: skipped %q, failed %q", f.skipped, f.failed)
	}
	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	Unusable(f, "no server")
	if f.skipped != "" || f.failed == "" {
		t.Errorf("in CI: skipped %q, failed %q", f.skipped, f.failed)
	}
}

func TestLookBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mailsettings-testenv-tool")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if got, err := LookBinary("mailsettings-testenv-tool"); err != nil || got != bin {
		t.Errorf("LookBinary = %q, %v; want %q", got, err, bin)
	}
	if _, err := LookBinary("mailsettings-testenv-missing"); err == nil {
		t.Error("LookBinary found a missing binary")
	}
}
