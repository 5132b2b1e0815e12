package main

import (
	"strings"
	"testing"
)

// TestBinaryGrowth builds the four programs (a few seconds of go build) and
// checks the growth goal; it also keeps the programs compiling against the
// current API.
func TestBinaryGrowth(t *testing.T) {
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
