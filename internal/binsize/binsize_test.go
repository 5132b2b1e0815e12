package main

import (
	"os"
	"strings"
	"testing"
)

// TestBinaryGrowth builds the four programs and checks the growth goal. It
// runs go build four times, so it runs only with MAILSETTINGS_BINSIZE=1.
func TestBinaryGrowth(t *testing.T) {
	if os.Getenv("MAILSETTINGS_BINSIZE") != "1" {
		t.Skip("set MAILSETTINGS_BINSIZE=1 to build the programs and measure them")
	}
	r, err := Measure()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.Print(&b)
	t.Log("\n" + b.String())
	if r.HTTPGrowth() >= GoalKiB*1024 {
		t.Errorf("mailsettings adds %d bytes to a net/http+crypto/tls program, goal under %d KiB", r.HTTPGrowth(), GoalKiB)
	}
}
