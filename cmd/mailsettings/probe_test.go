package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// probeServers starts an IMAP implicit-TLS, an SMTP STARTTLS and a POP3
// server with an expired certificate, all signed by one CA, and returns
// targets for them, the CA file and a netBase whose resolver sends their
// names to loopback.
func probeServers(t *testing.T, imapOpts ...mailsettingstest.Option) (targets []string, caFile string, base netBase) {
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	expired, err := ca.IssueExpired("pop3.example.test")
	if err != nil {
		t.Fatal(err)
	}
	imap := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, append([]mailsettingstest.Option{mailsettingstest.WithCA(ca)}, imapOpts...)...)
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
	base.resolver = mailsettingstest.LoopbackResolver("imap.example.test", "smtp.example.test", "pop3.example.test")
	return targets, caFile, base
}

func TestProbeJSON(t *testing.T) {
	targets, caFile, base := probeServers(t)
	args := append([]string{"probe", "-json", "-ca", caFile, "-timeout", "10s"}, targets...)
	o := opts{net: base}.run(t, append(args, "ftp://x.example.test")...)
	if o.code != 1 {
		t.Errorf("exit %d, want 1 (one probe fails); stderr %s", o.code, o.stderr)
	}
	got := jsonLines(t, o.stdout)
	if len(got) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(got), o.stdout)
	}
	want := []struct {
		ok   bool
		kind string
	}{{true, ""}, {true, ""}, {false, "cert_expired"}, {false, "invalid_request"}}
	for i, m := range got {
		if m["ok"] != want[i].ok || m["error_kind"] != want[i].kind {
			t.Errorf("line %d: ok=%v error_kind=%v, want %v %q", i, m["ok"], m["error_kind"], want[i].ok, want[i].kind)
		}
		if i < 2 && (m["tls_version"] == "" || m["greeting"] == "" || len(m["capabilities"].([]any)) == 0 || m["certificate"] == nil) {
			t.Errorf("line %d: missing TLS, greeting, certificate or capabilities: %v", i, m)
		}
	}
	if got[2]["explanation"] == "" || got[2]["fix"] == "" {
		t.Errorf("a failure without explanation or fix: %v", got[2])
	}
}

// TestProbeTable: without -ca the test CA is not trusted; the table and
// the explanation are in Traditional Chinese from LC_MESSAGES.
func TestProbeTable(t *testing.T) {
	targets, _, base := probeServers(t)
	o := opts{net: base, env: map[string]string{"LC_MESSAGES": "zh_TW.UTF-8"}}.run(t, "probe", targets[0], "-timeout", "10s")
	if o.code != 1 {
		t.Errorf("exit %d, want 1", o.code)
	}
	for _, want := range []string{"目標", "端點", "結果", "失敗 cert_untrusted", "imap.example.test", "憑證"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, o.stdout)
		}
	}
	o = opts{net: base, env: map[string]string{"LANG": "zh_CN.UTF-8"}}.run(t, "probe", targets[0], "-timeout", "10s")
	for _, want := range []string{"目标", "失败 cert_untrusted", "证书不受信任"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("zh-Hans output lacks %q:\n%s", want, o.stdout)
		}
	}
}

// TestProbeHostileGreeting: a greeting with escape sequences, a bidi
// override and CR LF reaches neither the table nor the JSON raw.
func TestProbeHostileGreeting(t *testing.T) {
	targets, caFile, base := probeServers(t, mailsettingstest.WithGreeting("* OK \x1b]0;pwned\x07 \u202eevil\x1b[2J ready\r\n"))
	for _, json := range []string{"-json=false", "-json"} {
		o := opts{net: base}.run(t, "probe", json, "-ca", caFile, targets[0])
		for _, s := range []string{o.stdout, o.stderr} {
			if strings.ContainsAny(s, "\x1b\x07\u202e\r") {
				t.Errorf("%s: raw control in output %q", json, s)
			}
		}
	}
}

// TestProbeTargets: what SCHEME://HOST targets and addresses become.
func TestProbeTargets(t *testing.T) {
	d := &mailsettings.Discoverer{}
	for _, c := range []struct{ in, want string }{
		{"imaps://Imap.Example.Test", "IMAP imap.example.test:993 implicit TLS"},
		{"smtp://smtp.example.test:2525", "SMTP smtp.example.test:2525 STARTTLS"},
		{"pop3://[::1]:1100", "POP3 [::1]:1100 STARTTLS"},
	} {
		tg, err := resolveTarget(context.Background(), c.in, d)
		if err != nil || len(tg.endpoints) != 1 || tg.endpoints[0].String() != c.want {
			t.Errorf("resolveTarget(%q) = %v, %v; want %s", c.in, tg.endpoints, err, c.want)
		}
	}
	if tg, err := resolveTarget(context.Background(), "alice@gmail.com", d); err != nil || len(tg.endpoints) != 4 || tg.settings.LocalPart != "alice" {
		t.Errorf("resolveTarget(alice@gmail.com) = %v, %v", tg, err)
	}
	for _, bad := range []string{"imaps://x.example.test:0", "imaps://x.example.test:99999", "gopher://x", "not a domain", "imaps://alice@qq.com"} {
		if _, err := resolveTarget(context.Background(), bad, d); err == nil {
			t.Errorf("resolveTarget(%q) succeeded", bad)
		}
	}
}

// TestProbeDiscoveredDomain: a domain the built-in database does not know
// is discovered (over HTTPS autoconfig on loopback) and all its endpoints
// are probed with verified TLS; targets come from standard input.
func TestProbeDiscoveredDomain(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	base := netBase{resolver: fake.Resolver, dialer: fake.Dialer(), tls: fake.ClientTLSConfig()}
	o := opts{net: base, stdin: "alice@example.test\nbob@example.test\n"}.run(t, "probe", "-json", "-timeout", "20s", "-")
	if o.code != 0 {
		t.Fatalf("exit %d; stdout %s stderr %s", o.code, o.stdout, o.stderr)
	}
	got := jsonLines(t, o.stdout)
	if n := len(fake.Provider.Info().Endpoints); len(got) != 2*n {
		t.Fatalf("%d lines for 2 x %d endpoints:\n%s", len(got), n, o.stdout)
	}
	for i, m := range got {
		want := "alice@example.test"
		if i >= len(got)/2 {
			want = "bob@example.test"
		}
		if m["ok"] != true || m["target"] != want {
			t.Errorf("line %d: %v", i, m)
		}
	}
}
