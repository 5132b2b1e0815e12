package testenv

import (
	"os"
	"path/filepath"
	"strings"
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

func TestUnusable(t *testing.T) {
	t.Setenv("CI", "")
	f := &Recorder{TB: t}
	Unusable(f, "no server")
	if f.SkipMsg != "no server" || f.FatalMsg != "" {
		t.Errorf("outside CI: skipped %q, failed %q", f.SkipMsg, f.FatalMsg)
	}
	t.Setenv("CI", "true")
	f = &Recorder{TB: t}
	Unusable(f, "no server")
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, "no server") {
		t.Errorf("in CI: skipped %q, failed %q", f.SkipMsg, f.FatalMsg)
	}
}

// TestRequireBinaries: a missing program skips outside CI (also with CI
// "false" or "0"), naming it and how to install it, and fails in CI;
// installed programs do neither.
func TestRequireBinaries(t *testing.T) {
	const missing, install = "no-such-testenv-binary", "apt-get install something"
	t.Setenv("CI", "")
	f := &Recorder{TB: t}
	RequireBinaries(f, "pkg", install, "sh", missing)
	if f.FatalMsg != "" || !strings.Contains(f.SkipMsg, "pkg: "+missing+" not installed") || !strings.Contains(f.SkipMsg, install) {
		t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s and the packages", f.SkipMsg, f.FatalMsg, missing)
	}
	for _, ci := range []string{"false", "0"} {
		t.Setenv("CI", ci)
		f = &Recorder{TB: t}
		RequireBinaries(f, "pkg", install, missing)
		if f.FatalMsg != "" || f.SkipMsg == "" {
			t.Errorf("CI=%s: skipped=%q fatal=%q, want a skip", ci, f.SkipMsg, f.FatalMsg)
		}
	}
	t.Setenv("CI", "true")
	f = &Recorder{TB: t}
	RequireBinaries(f, "pkg", install, missing)
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, missing) {
		t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.SkipMsg, f.FatalMsg, missing)
	}
	f = &Recorder{TB: t}
	RequireBinaries(f, "pkg", install, "sh")
	if f.SkipMsg != "" || f.FatalMsg != "" {
		t.Errorf("installed binary: skipped=%q fatal=%q", f.SkipMsg, f.FatalMsg)
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
