package testproc

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartLogsExit(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	p, err := Start("echo", log, Options{}, "/bin/sh", "-c", "echo hello; echo oops >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	if !p.WaitExit(10 * time.Second) {
		t.Fatal("the process did not end")
	}
	if got := p.Logs(); !strings.Contains(got, "hello") || !strings.Contains(got, "oops") {
		t.Errorf("logs = %q, want stdout and stderr", got)
	}
	if got := p.ExitError(); !strings.Contains(got, "echo exited") || !strings.Contains(got, "3") {
		t.Errorf("ExitError = %q", got)
	}
}

func TestStopGroup(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	p, err := Start("sleeper", log, Options{Dir: t.TempDir()}, "/bin/sh", "-c", "sleep 60 & wait")
	if err != nil {
		t.Fatal(err)
	}
	if p.Exited() || p.ExitError() != "" {
		t.Fatal("the process ended at once")
	}
	p.StopGroup()
	if !p.Exited() || p.ExitError() == "" {
		t.Fatal("StopGroup returned while the process runs")
	}
	if _, err := Start("missing", log, Options{}, "/nonexistent/binary"); err == nil {
		t.Error("Start of a missing binary did not fail")
	}
}
