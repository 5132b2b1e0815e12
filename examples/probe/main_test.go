package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// servers starts an IMAP implicit-TLS, an SMTP STARTTLS and a POP3 server
// with an expired certificate, all signed by one CA, and returns targets
// for them, the CA file and a Prober whose resolver sends their names to
// loopback.
func servers(t *testing.T) (targets []string, caFile string, base mailsettings.Prober) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	expired, err := ca.IssueExpired("pop3.example.test")
	if err != nil {
		t.Fatal(err)
	}
	imap := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, mailsettingstest.WithCA(ca))
	smtp := mailsettingstest.NewServer(t, mailsettings.SMTP, mailsettings.STARTTLS, mailsettingstest.WithCA(ca))
	pop3 := mailsettingstest.NewServer(t, mailsettings.POP3, mailsettings.ImplicitTLS, mailsettingstest.WithCA(ca), mailsettingstest.WithCert(expired))
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	port := func(s *mailsettingstest.Server) string { return strconv.Itoa(int(s.Port)) }
	targets = []string{
		"imaps://imap.example.test:" + port(imap),
		"smtp://smtp.example.test:" + port(smtp),
		"pop3s://pop3.example.test:" + port(pop3),
	}
	base.Resolver = mailsettingstest.LoopbackResolver("imap.example.test", "smtp.example.test", "pop3.example.test")
	return targets, caFile, base
}

func TestJSON(t *testing.T) {
	targets, caFile, base := servers(t)
	var out, errOut bytes.Buffer
	args := append([]string{"-json", "-ca", caFile, "-timeout", "10s"}, targets...)
	args = append(args, "ftp://x.example.test")
	if code := run(context.Background(), args, &out, &errOut, base); code != 1 {
		t.Errorf("exit status %d, want 1 (one probe fails); stderr %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), out.String())
	}
	want := []struct {
		ok   bool
		kind string
	}{{true, ""}, {true, ""}, {false, "cert_expired"}, {false, "invalid_request"}}
	for i, l := range lines {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
		for _, f := range []string{"target", "ok", "error_kind", "message", "tls_version", "greeting", "capabilities"} {
			if _, ok := o[f]; !ok {
				t.Errorf("line %d lacks %q: %s", i, f, l)
			}
		}
		if o["ok"] != want[i].ok || o["error_kind"] != want[i].kind {
			t.Errorf("line %d: ok=%v error_kind=%v, want %v %q", i, o["ok"], o["error_kind"], want[i].ok, want[i].kind)
		}
		if i < 2 && (o["tls_version"] == "" || o["greeting"] == "" || len(o["capabilities"].([]any)) == 0) {
			t.Errorf("line %d: missing TLS, greeting or capabilities: %s", i, l)
		}
	}
}

func TestTable(t *testing.T) {
	targets, _, base := servers(t)
	var out, errOut bytes.Buffer
	// Without -ca the test CA is not trusted.
	if code := run(context.Background(), append([]string{"-timeout", "10s", "-lang", "zh"}, targets[0]), &out, &errOut, base); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	s := out.String()
	for _, want := range []string{"TARGET", "FAIL cert_untrusted", "证书不受信任", "imap.example.test"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, &out, &errOut, mailsettings.Prober{}); code != 2 {
		t.Errorf("no targets: exit status %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-ca", "/nonexistent", "imaps://x.example.test"}, &out, &errOut, mailsettings.Prober{}); code != 2 {
		t.Errorf("bad -ca: exit status %d, want 2", code)
	}
	for _, c := range []struct{ in, want string }{
		{"imaps://Imap.Example.Test", "IMAP imap.example.test:993 implicit TLS"},
		{"smtp://smtp.example.test:2525", "SMTP smtp.example.test:2525 STARTTLS"},
		{"pop3://[::1]:1100", "POP3 [::1]:1100 STARTTLS"},
	} {
		es, err := endpoints(context.Background(), c.in, &mailsettings.Prober{})
		if err != nil || len(es) != 1 || es[0].String() != c.want {
			t.Errorf("endpoints(%q) = %v, %v; want %s", c.in, es, err, c.want)
		}
	}
	if es, err := endpoints(context.Background(), "alice@gmail.com", &mailsettings.Prober{}); err != nil || len(es) != 4 {
		t.Errorf("endpoints(alice@gmail.com) = %v, %v", es, err)
	}
	for _, bad := range []string{"imaps://x.example.test:0", "imaps://x.example.test:99999", "gopher://x", "not a domain"} {
		if _, err := endpoints(context.Background(), bad, &mailsettings.Prober{}); err == nil {
			t.Errorf("endpoints(%q) succeeded", bad)
		}
	}
}

// TestDiscoveredDomain: a domain the built-in database does not know is
// discovered (here over HTTPS autoconfig on loopback) and all its
// endpoints are probed with verified TLS.
func TestDiscoveredDomain(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	base := mailsettings.Prober{Resolver: fake.Resolver, Dialer: fake.Dialer(), TLSConfig: fake.ClientTLSConfig()}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-json", "-timeout", "20s", "alice@example.test"}, &out, &errOut, base); code != 0 {
		t.Fatalf("exit status %d; stdout %s stderr %s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(fake.Provider.Endpoints()) {
		t.Fatalf("%d lines for %d endpoints:\n%s", len(lines), len(fake.Provider.Endpoints()), out.String())
	}
	for _, l := range lines {
		var o struct {
			Target string `json:"target"`
			OK     bool   `json:"ok"`
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil || !o.OK || o.Target != "alice@example.test" {
			t.Errorf("line %s: %+v, %v", l, o, err)
		}
	}
}
