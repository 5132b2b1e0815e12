package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/recheck"
	"github.com/mailsettings/mailsettings/mailsettingstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRun runs the command against a fake provider on loopback: one
// healthy endpoint, one whose host vanished.
func TestRun(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "cmd.test", mailsettingstest.WithServer(mailsettings.IMAP, mailsettings.ImplicitTLS))
	gone := mailsettings.ServerEndpoint{Protocol: mailsettings.SMTP, Host: "smtp.cmd.test", Port: 465, Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress}
	targets := func() []recheck.Target {
		return []recheck.Target{
			{Provider: "fake", Endpoints: append(fake.Provider.Info().Endpoints, gone)},
			{Provider: "other", Endpoints: fake.Provider.Info().Endpoints},
		}
	}
	c := recheck.Checker{Resolver: fake.Resolver, Dialer: fake.Dialer(), TLSConfig: fake.ClientTLSConfig()}
	dir := t.TempDir()
	report, checked := filepath.Join(dir, "report.json"), filepath.Join(dir, "checked.json")
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"-provider", "fake", "-o", report, "-update", checked, "-interval", "1ms", "-probe-timeout", "10s"}, &out, &errOut, c, targets)
	if code != 1 {
		t.Errorf("exit %d, want 1 (drift); stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "1 providers, 2 endpoints probed, 1 passed, 1 drifts") ||
		!strings.Contains(out.String(), "fake: failed smtp smtp.cmd.test:465 tls: dns_not_found") {
		t.Errorf("summary %q", out.String())
	}
	data, err := os.ReadFile(report)
	var rep recheck.Report
	if err != nil || json.Unmarshal(data, &rep) != nil || len(rep.Providers) != 1 || rep.Providers[0].Provider != "fake" {
		t.Errorf("report %s, %v", data, err)
	}
	if data, err := os.ReadFile(checked); err != nil || !strings.Contains(string(data), `"imap imap.cmd.test:`) || strings.Contains(string(data), "smtp.cmd.test") {
		t.Errorf("checked file %s, %v", data, err)
	}
	// The report of this run is the baseline of the next; JSON on stdout.
	out.Reset()
	code = run(t.Context(), []string{"-provider", "other", "-o", "-", "-baseline", report, "-interval", "1ms"}, &out, &errOut, c, targets)
	if code != 0 || json.Unmarshal(out.Bytes(), &rep) != nil || len(rep.Passed()) != 1 {
		t.Errorf("second run: exit %d, %s", code, out.String())
	}
}

func TestUsage(t *testing.T) {
	none := func() []recheck.Target { return nil }
	for _, args := range [][]string{{"extra"}, {"-parallel", "0"}, {"-provider", "no-such"}, {"-timeout", "soon"}} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, &out, &errOut, recheck.Checker{}, none); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-baseline", filepath.Join(t.TempDir(), "missing.json")}, &out, &errOut, recheck.Checker{}, none); code != 1 {
		t.Errorf("missing baseline: exit %d", code)
	}
}
