package recheck

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// checker returns a Checker that reaches the fake provider.
func checker(p *mailsettingstest.Provider) *Checker {
	return &Checker{Resolver: p.Resolver, Dialer: p.Dialer(), TLSConfig: p.ClientTLSConfig(),
		Timeout: 10 * time.Second, HostInterval: time.Millisecond, Parallel: 3}
}

func drifts(r *Report, kind string) []Drift {
	var out []Drift
	for _, p := range r.Providers {
		for _, d := range p.Drift {
			if d.Kind == kind {
				out = append(out, d)
			}
		}
	}
	return out
}

// TestHealthyProvider: every endpoint passes, the provider's own
// autoconfig lists what the table lists, and there is no drift.
func TestHealthyProvider(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "healthy.test", mailsettingstest.WithAutoconfig())
	target := Target{Provider: "healthy", Domain: "healthy.test", Endpoints: fake.Provider.Info().Endpoints}
	rep, err := checker(fake).Run(t.Context(), []Target{target})
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Providers[0]
	if len(p.Endpoints) != 5 || len(rep.Passed()) != 5 || len(p.Drift) != 0 {
		t.Fatalf("report %+v", p)
	}
	for _, e := range p.Endpoints {
		if e.Certificate == nil || !slices.Contains(e.Certificate.DNSNames, strings.Fields(e.Endpoint)[1][:strings.Index(strings.Fields(e.Endpoint)[1], ":")]) {
			t.Errorf("%s: certificate %+v", e.Endpoint, e.Certificate)
		}
	}
	if len(p.Published) != 5 || !strings.HasPrefix(p.Published[0].Where, "https://autoconfig.healthy.test/") {
		t.Errorf("published %+v", p.Published)
	}
	if rep.Date != time.Now().UTC().Format(time.DateOnly) || rep.DataVersion != mailsettings.DataVersion {
		t.Errorf("date %s, version %s", rep.Date, rep.DataVersion)
	}
	var sum strings.Builder
	if err := rep.WriteSummary(&sum); err != nil || !strings.Contains(sum.String(), "1 providers, 5 endpoints probed, 5 passed, 0 drifts") {
		t.Errorf("summary %q, %v", sum.String(), err)
	}
	b, err := json.Marshal(rep)
	var back Report
	if err != nil || json.Unmarshal(b, &back) != nil || len(back.Providers[0].Endpoints) != 5 {
		t.Errorf("JSON round trip: %s, %v", b, err)
	}
}

// TestVanishedHost: an endpoint whose host no longer resolves is drift.
func TestVanishedHost(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "vanish.test", mailsettingstest.WithServer(mailsettings.IMAP, mailsettings.ImplicitTLS))
	gone := mailsettings.ServerEndpoint{Protocol: mailsettings.SMTP, Host: "smtp.vanish.test", Port: 465, Encryption: mailsettings.ImplicitTLS, Username: mailsettings.UsernameAddress}
	target := Target{Provider: "vanish", Endpoints: append(fake.Provider.Info().Endpoints, gone)}
	rep, err := checker(fake).Run(t.Context(), []Target{target})
	if err != nil {
		t.Fatal(err)
	}
	d := drifts(rep, DriftFailed)
	if len(d) != 1 || d[0].Endpoint != "smtp smtp.vanish.test:465 tls" || !strings.HasPrefix(d[0].Detail, "dns_not_found: ") {
		t.Errorf("failed drifts %+v", d)
	}
	if got := rep.Passed(); len(got) != 1 || !strings.HasPrefix(got[0], "imap imap.vanish.test:") {
		t.Errorf("passed %v", got)
	}
}

// TestChangedCertificate: the same endpoint, first with one certificate
// (the baseline), then with another of the same names (no drift), then
// with new names (drift), then from a CA the client does not trust
// (failed).
func TestChangedCertificate(t *testing.T) {
	const host = "imap.cert.test"
	ca, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	ca2, err := mailsettingstest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	roots.AddCert(ca2.Certificate())
	c := &Checker{Resolver: mailsettingstest.LoopbackResolver(host), HostInterval: time.Millisecond, Timeout: 10 * time.Second}
	c.TLSConfig = mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS).ClientTLSConfig()
	c.TLSConfig.RootCAs = roots
	run := func(opts ...mailsettingstest.Option) (*Report, mailsettings.ServerEndpoint) {
		srv := mailsettingstest.NewServer(t, mailsettings.IMAP, mailsettings.ImplicitTLS, append([]mailsettingstest.Option{mailsettingstest.WithHost(host)}, opts...)...)
		rep, err := c.Run(t.Context(), []Target{{Provider: "cert", Endpoints: []mailsettings.ServerEndpoint{srv.Endpoint()}}})
		if err != nil {
			t.Fatal(err)
		}
		return rep, srv.Endpoint()
	}
	// The servers listen on different ports; the baseline stands for the
	// same endpoint at an earlier time, so it is rekeyed to the new one.
	rekey := func(r *Report, to mailsettings.ServerEndpoint) *Report {
		b := *r
		b.Providers = slices.Clone(r.Providers)
		b.Providers[0].Endpoints = slices.Clone(r.Providers[0].Endpoints)
		b.Providers[0].Endpoints[0].Endpoint = endpointKey(to)
		return &b
	}
	base, _ := run(mailsettingstest.WithCA(ca))
	if len(base.Passed()) != 1 {
		t.Fatalf("baseline %+v", base.Providers[0])
	}

	same, e := run(mailsettingstest.WithCA(ca))
	c.Baseline = rekey(base, e)
	again, _ := c.Run(t.Context(), []Target{{Provider: "cert", Endpoints: []mailsettings.ServerEndpoint{e}}})
	if d := drifts(again, DriftCertificate); len(d) != 0 || len(same.Passed()) != 1 {
		t.Errorf("a renewed certificate with the same issuer and names is drift: %+v", d)
	}

	cert, err := ca.Issue(host, "mail.cert.test")
	if err != nil {
		t.Fatal(err)
	}
	c.Baseline = nil
	_, e = run(mailsettingstest.WithCA(ca), mailsettingstest.WithCert(cert))
	c.Baseline = rekey(base, e)
	names, _ := c.Run(t.Context(), []Target{{Provider: "cert", Endpoints: []mailsettings.ServerEndpoint{e}}})
	if d := drifts(names, DriftCertificate); len(d) != 1 || !strings.Contains(d[0].Detail, "mail.cert.test") || strings.Contains(d[0].Detail, "issuer") {
		t.Errorf("new names: drifts %+v", d)
	}

	// A certificate the client cannot verify is a failed endpoint.
	c.TLSConfig.RootCAs = x509.NewCertPool()
	c.TLSConfig.RootCAs.AddCert(ca.Certificate())
	c.Baseline = nil
	untrusted, _ := run(mailsettingstest.WithCA(ca2))
	if d := drifts(untrusted, DriftFailed); len(d) != 1 || !strings.HasPrefix(d[0].Detail, "cert_untrusted: ") {
		t.Errorf("untrusted: drifts %+v", d)
	}
}

// TestDifferentAutoconfig: the provider publishes, in its autoconfig and
// its SRV records, endpoints the table lacks.
func TestDifferentAutoconfig(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "moved.test", mailsettingstest.WithAutoconfig())
	fake.Resolver.SRV = map[string][]*net.SRV{
		"_submissions._tcp.moved.test": {{Target: "submit.moved.test.", Port: 465}},
		"_imap._tcp.moved.test":        {{Target: ".", Port: 0}}, // not offered
	}
	imap := fake.Server(mailsettings.IMAP, mailsettings.ImplicitTLS).Endpoint()
	target := Target{Provider: "moved", Domain: "moved.test", Endpoints: []mailsettings.ServerEndpoint{imap}}
	rep, err := checker(fake).Run(t.Context(), []Target{target})
	if err != nil {
		t.Fatal(err)
	}
	d := drifts(rep, DriftPublished)
	var got []string
	for _, x := range d {
		got = append(got, x.Endpoint)
	}
	if len(d) != 5 || !slices.Contains(got, "smtp submit.moved.test:465 tls") || slices.Contains(got, endpointKey(imap)) {
		t.Errorf("published drifts %v", got)
	}
	for _, x := range d {
		want := "published at https://autoconfig.moved.test/mail/config-v1.1.xml"
		if x.Endpoint == "smtp submit.moved.test:465 tls" {
			want = "published at _submissions._tcp.moved.test"
		}
		if !strings.HasPrefix(x.Detail, want) {
			t.Errorf("%s: detail %q, want %q", x.Endpoint, x.Detail, want)
		}
	}
	if len(drifts(rep, DriftFailed)) != 0 {
		t.Errorf("failed drifts: %+v", drifts(rep, DriftFailed))
	}
}

// TestCanceled: a run whose context has ended does no work and says so.
func TestCanceled(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "cancel.test", mailsettingstest.WithAutoconfig())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := checker(fake).Run(ctx, []Target{{Provider: "c", Domain: "cancel.test", Endpoints: fake.Provider.Info().Endpoints}})
	if err == nil || len(rep.Passed()) != 0 {
		t.Fatalf("err %v, passed %v", err, rep.Passed())
	}
	for _, e := range rep.Providers[0].Endpoints {
		if e.ErrorKind != "canceled" {
			t.Errorf("%s: %s", e.Endpoint, e.ErrorKind)
		}
	}
	for _, s := range fake.Servers {
		if n := s.Connections(); n != 0 {
			t.Errorf("%s: %d connections after cancel", s.Host, n)
		}
	}
}

// TestHostLimiter: connections to one host are spaced by the interval;
// other hosts do not wait for it.
func TestHostLimiter(t *testing.T) {
	const gap = 30 * time.Millisecond
	l := newHostLimiter(gap)
	start := time.Now()
	for range 3 {
		if err := l.wait(t.Context(), "a.example"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 2*gap {
		t.Errorf("three waits for one host took %v, want at least %v", d, 2*gap)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := l.wait(ctx, "a.example"); err == nil {
		t.Error("wait after cancel returned nil")
	}
	if err := l.wait(t.Context(), "b.example"); err != nil {
		t.Error(err)
	}
}

// TestUpdateChecked: passed endpoints get the report's date; others keep
// theirs; the file is sorted and valid JSON.
func TestUpdateChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checked.json")
	r := &Report{Date: "2026-12-01", Providers: []ProviderReport{{Endpoints: []EndpointReport{
		{Endpoint: "smtp smtp.x.example:465 tls", OK: true},
		{Endpoint: "imap imap.x.example:993 tls", OK: true},
		{Endpoint: "pop3 pop.x.example:995 tls"},
	}}}}
	if n, err := UpdateChecked(path, r); err != nil || n != 2 {
		t.Fatalf("UpdateChecked = %d, %v", n, err)
	}
	r.Date = "2026-12-05"
	r.Providers[0].Endpoints[0].OK = false
	if n, err := UpdateChecked(path, r); err != nil || n != 1 {
		t.Fatalf("second UpdateChecked = %d, %v", n, err)
	}
	data, _ := os.ReadFile(path)
	var f checkedFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	want := []checkedEntry{{"imap imap.x.example:993 tls", "2026-12-05"}, {"smtp smtp.x.example:465 tls", "2026-12-01"}}
	if !slices.Equal(f.Checked, want) || f.Comment == "" {
		t.Errorf("file %s", data)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateChecked(path, r); err == nil {
		t.Error("a broken file was overwritten")
	}
}

// TestTargets: the built-in providers with endpoints are targets.
func TestTargets(t *testing.T) {
	ts := Targets()
	i := slices.IndexFunc(ts, func(t Target) bool { return t.Provider == "qq" })
	if len(ts) < 200 || i < 0 || ts[i].Domain != "qq.com" || len(ts[i].Endpoints) == 0 {
		t.Errorf("%d targets; qq at %d", len(ts), i)
	}
	for _, x := range ts {
		if len(x.Endpoints) == 0 {
			t.Errorf("%s: target without endpoints", x.Provider)
		}
	}
}
