package mailsettings

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// failResolver fails every question as an unreachable network would, and
// counts them.
type failResolver struct {
	mu sync.Mutex
	n  int
}

func (r *failResolver) fail(name string) error {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	return &net.DNSError{Err: "connect: network is unreachable", Name: name}
}

func (r *failResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return nil, r.fail(name)
}

func (r *failResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	return "", nil, r.fail(name)
}

func (r *failResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return nil, r.fail(host)
}

type failDialer struct{ t testing.TB }

func (d failDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.t.Errorf("dialed %s", addr)
	return nil, errors.New("no dialing in this test")
}

// blockResolver blocks every question until its context ends, after
// telling started.
type blockResolver struct {
	Resolver // for the methods not blocked, if set
	started  chan string
	block    func(name string) bool // nil blocks everything
}

func (r *blockResolver) wait(ctx context.Context, name string) error {
	select {
	case r.started <- name:
	case <-ctx.Done():
	}
	<-ctx.Done()
	return ctx.Err()
}

func (r *blockResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if r.block != nil && !r.block("MX "+name) {
		return r.Resolver.LookupMX(ctx, name)
	}
	return nil, r.wait(ctx, name)
}

func (r *blockResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if r.block != nil && !r.block("SRV "+name) {
		return r.Resolver.LookupSRV(ctx, service, proto, name)
	}
	return "", nil, r.wait(ctx, name)
}

func (r *blockResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if r.block != nil && !r.block("A "+host) {
		return r.Resolver.LookupIPAddr(ctx, host)
	}
	return nil, r.wait(ctx, host)
}

func TestDiscoverBuiltinNoIO(t *testing.T) {
	r := &failResolver{}
	d := &Discoverer{Resolver: r, Dialer: failDialer{t}}
	disc, err := d.Discover(t.Context(), "Alice@QQ.com")
	if err != nil {
		t.Fatal(err)
	}
	best, ok := disc.Best()
	if !ok || len(disc.Candidates) != 1 || best.Source != sourceBuiltin || best.Trust != TrustCurated || best.Provider.data().ID != "qq" {
		t.Fatalf("best = %v %v %v", best.Source, best.Trust, best.Provider)
	}
	if best.Query != "Alice@QQ.com" || best.Address() != "Alice@qq.com" {
		t.Errorf("settings = %+v", best.Settings)
	}
	// Extra providers answer the same way.
	p, err := NewProvider(ProviderInfo{ID: "example", Name: "Example", Domains: []string{"example.test"},
		Endpoints: []ServerEndpoint{{IMAP, "imap.example.test", 993, ImplicitTLS, UsernameAddress}}})
	if err != nil {
		t.Fatal(err)
	}
	d.Providers = []Provider{p}
	disc, err = d.Discover(t.Context(), "example.test")
	if best, _ := disc.Best(); err != nil || best.Provider != p || best.Source != sourceCaller || best.Trust != TrustCaller ||
		!slices.Equal(best.Reasons, []Reason{reasonCaller}) {
		t.Errorf("extra provider: %v %v %v %v %v", best.Provider, best.Source, best.Trust, best.Reasons, err)
	}
	if r.n != 0 {
		t.Errorf("%d DNS questions", r.n)
	}
}

func TestDiscoverInvalidInput(t *testing.T) {
	r := &failResolver{}
	d := &Discoverer{Resolver: r, Dialer: failDialer{t}}
	for _, in := range []string{"", "alice@", "co.uk", "alice@co.uk", "com", "localhost", "127.0.0.1", "qq.com\x00", "a b.test"} {
		if _, err := d.Discover(t.Context(), in); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Discover(%q) = %v, want ErrInvalidInput", in, err)
		}
	}
	if r.n != 0 {
		t.Errorf("%d DNS questions", r.n)
	}
}

// TestDiscoverNotFoundVsLookupFailed: "nothing there" and "could not look"
// are different errors.
func TestDiscoverNotFoundVsLookupFailed(t *testing.T) {
	f := newFixture(t, []string{"empty.test"})
	disc, err := f.discoverer().Discover(t.Context(), "empty.test")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrLookupFailed) {
		t.Errorf("empty domain: err = %v, want ErrNotFound", err)
	}
	var se *SourceError
	if !errors.As(err, &se) || len(disc.Errors) == 0 {
		t.Errorf("source errors not reachable from %v", err)
	}

	d := &Discoverer{Resolver: &failResolver{}, Dialer: failDialer{t}}
	disc, err = d.Discover(t.Context(), "alice@down.test")
	if !errors.Is(err, ErrLookupFailed) || errors.Is(err, ErrNotFound) {
		t.Errorf("network down: err = %v, want ErrLookupFailed", err)
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("network down: no *net.DNSError in %v", err)
	}
	for _, e := range disc.Errors {
		if !errors.As(e, &se) || !se.Unreachable {
			t.Errorf("error %v not marked unreachable", e)
		}
	}
}

// TestDiscoverReturnsEarly: once autoconfig has answered, Discover does not
// wait for SRV and MX, which never answer.
func TestDiscoverReturnsEarly(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f.serveDoc("https://autoconfig.example.test"+acPath, configDoc("example.test"))
	d := f.discoverer()
	d.Resolver = &blockResolver{Resolver: d.Resolver, started: make(chan string, 100), block: func(q string) bool {
		return strings.HasPrefix(q, "MX ") || strings.HasPrefix(q, "SRV ")
	}}
	disc, err := d.Discover(t.Context(), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if best, _ := disc.Best(); best.Source != sourceAutoconfig {
		t.Fatalf("best from %v", best.Source)
	}
	if !slices.Contains(disc.Unfinished, sourceSRV) || !slices.Contains(disc.Unfinished, sourceMX) {
		t.Errorf("unfinished = %v, want srv and mx", disc.Unfinished)
	}
	for _, e := range disc.Errors {
		if errors.Is(e, context.Canceled) {
			t.Errorf("cancelled source reported as an error: %v", e)
		}
	}
}

// TestDiscoverWaitsForBetterSource: SRV answers at once, but autoconfig
// ranks higher and is still running, so Discover waits for it.
func TestDiscoverWaitsForBetterSource(t *testing.T) {
	f := newFixture(t, []string{"example.test"},
		"autoconfig.example.test. A 127.0.0.1",
		"_imaps._tcp.example.test. SRV 0 1 993 imap.srv.example.test.")
	gate := make(chan struct{})
	arrived := make(chan struct{})
	f.handle("https://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		w.Write([]byte(configDoc("example.test")))
	})
	type result struct {
		disc Discovery
		err  error
	}
	done := make(chan result, 1)
	go func() {
		disc, err := f.discoverer().Discover(t.Context(), "example.test")
		done <- result{disc, err}
	}()
	<-arrived
	select {
	case r := <-done:
		t.Fatalf("returned before autoconfig answered: %v %v", r.disc.Candidates, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	close(gate)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	best, _ := r.disc.Best()
	if best.Source != sourceAutoconfig {
		t.Errorf("best from %v, want autoconfig", best.Source)
	}
}

// TestDiscoverCancel cancels a discovery whose sources all hang, and checks
// that it returns the context's error and leaves no goroutine behind.
func TestDiscoverCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := &blockResolver{started: make(chan string)}
	d := &Discoverer{Resolver: r, Dialer: failDialer{t}, AllowHTTP: true}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := d.Discover(ctx, "alice@hang.test")
		done <- err
	}()
	// Wait until every source is blocked: 3 HTTPS + 2 HTTP hosts, 6 SRV
	// names and MX.
	for range 3 + 2 + 6 + 1 {
		<-r.started
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestDiscoverSourceTimeout(t *testing.T) {
	r := &blockResolver{started: make(chan string, 100)}
	d := &Discoverer{Resolver: r, Dialer: failDialer{t}, SourceTimeout: 10 * time.Millisecond}
	_, err := d.Discover(t.Context(), "alice@hang.test")
	if !errors.Is(err, ErrLookupFailed) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrLookupFailed and DeadlineExceeded", err)
	}
}

// TestDiscoverHTTPClientNotChanged: a caller's client is copied, not
// changed, and its own redirect policy still runs.
func TestDiscoverHTTPClientNotChanged(t *testing.T) {
	f := newFixture(t, []string{"example.test"}, "autoconfig.example.test. A 127.0.0.1")
	f.handle("https://autoconfig.example.test"+acPath, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://autoconfig.example.test/other.xml", http.StatusFound)
	})
	f.serveDoc("https://autoconfig.example.test/other.xml", configDoc("example.test"))
	callerChecks := 0
	tr := &http.Transport{DialContext: f.DialContext, TLSClientConfig: f.discoverer().TLSConfig}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		callerChecks++
		return nil
	}}
	before := *client
	d := f.discoverer()
	d.HTTPClient = client
	disc, err := d.Discover(t.Context(), "example.test")
	if best, _ := disc.Best(); err != nil || best.Source != sourceAutoconfig {
		t.Fatalf("best from %v, %v", best.Source, err)
	}
	if client.Transport != before.Transport || client.Jar != before.Jar || client.Timeout != before.Timeout || callerChecks != 1 {
		t.Errorf("client changed, or its CheckRedirect ran %d times", callerChecks)
	}
}

func TestDiscoveryJSON(t *testing.T) {
	f := newFixture(t, []string{"example.test"},
		"_imaps._tcp.example.test. SRV 0 1 993 imap.example.test.")
	disc, err := f.discoverer().Discover(t.Context(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(disc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Query      string `json:"query"`
		Address    string `json:"address"`
		Domain     string `json:"domain"`
		Candidates []struct {
			Query     string   `json:"query"`
			Domain    string   `json:"domain"`
			Source    string   `json:"source"`
			Trust     string   `json:"trust"`
			Reasons   []string `json:"reasons"`
			URL       string   `json:"url"`
			Endpoints []struct {
				Protocol, Host, Encryption, Username string
				Port                                 int
			} `json:"endpoints"`
		} `json:"candidates"`
		Errors []struct {
			Source, URL, Error string
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got.Query != "alice@example.test" || got.Address != "alice@example.test" || got.Domain != "example.test" || len(got.Candidates) != 1 {
		t.Fatalf("JSON %s", b)
	}
	c := got.Candidates[0]
	if c.Source != "srv" || c.Trust != "in-domain" || c.URL != "dns:example.test?type=SRV" || c.Query != "alice@example.test" ||
		!slices.Equal(c.Reasons, []string{"dns-without-dnssec", "hosts-in-domain"}) || len(c.Endpoints) != 1 {
		t.Errorf("candidate JSON %s", b)
	}
	e := c.Endpoints[0]
	if e.Protocol != "imap" || e.Host != "imap.example.test" || e.Port != 993 || e.Encryption != "tls" || e.Username != "alice@example.test" {
		t.Errorf("endpoint JSON %+v", e)
	}
	if len(got.Errors) == 0 || got.Errors[0].Source == "" || got.Errors[0].Error == "" {
		t.Errorf("errors JSON %s", b)
	}
}

func TestEnumsText(t *testing.T) {
	sources := []Source{sourceCaller, sourceBuiltin, sourceAutoconfig, sourceWellKnown, sourcePACC, sourceAutodiscover, sourceISPDB, sourceSRV, sourceMX, sourceMXAutoconfig, sourceAutoconfigHTTP, sourceGuess}
	for i, s := range sources {
		if s.rank() != i+1 || s == "" {
			t.Errorf("Source %q has rank %d, want %d", s, s.rank(), i+1)
		}
	}
	if Source("bogus").rank() != 0 || Source("").rank() != 0 {
		t.Error("a string that is not a source has a rank")
	}
	for v := TrustUnauthenticated; v <= TrustCaller; v++ {
		b, err := v.MarshalText()
		var back Trust
		if err != nil || back.UnmarshalText(b) != nil || back != v {
			t.Errorf("Trust %d: %q %v", v, b, err)
		}
	}
	for _, r := range []Reason{reasonCurated, reasonHTTPSInDomain, reasonHTTPSKnownProvider, reasonRedirectedOutside, reasonPlainHTTP, reasonDNSUnauthenticated, reasonHostsInDomain, reasonHostOutsideDomain, reasonMXHostedProvider, reasonMXBaseDomain, reasonGuessed, reasonPlaintext, reasonCaller, reasonTLSUnverified, reasonHTTPLink, reasonDNSSEC, reasonPACCDigest, reasonProbeVerified} {
		if !r.valid() || r.Text().String() == string(r) || zhHans(r.Text()) == "" {
			t.Errorf("Reason %q: valid %v, text %v", r, r.valid(), r.Text())
		}
	}
	if Reason("bogus").valid() || Reason("bogus").Text().String() != "bogus" {
		t.Error("a string that is not a reason is valid")
	}
	if _, err := Trust(0).MarshalText(); err == nil {
		t.Error("MarshalText of the zero Trust succeeded")
	}
	if Trust(0).valid() || !(TrustCaller > TrustCurated && TrustCurated > TrustAuthenticated && TrustAuthenticated > TrustInDomain && TrustInDomain > TrustUnauthenticated) {
		t.Error("trust order")
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// delayResolver answers every question after a delay: MX with Google
// Workspace's host, everything else with NXDOMAIN.
type delayResolver struct{ delay time.Duration }

func (r delayResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if err := sleep(ctx, r.delay); err != nil {
		return nil, err
	}
	return []*net.MX{{Host: "aspmx.l.google.com.", Pref: 1}}, nil
}

func (r delayResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if err := sleep(ctx, r.delay); err != nil {
		return "", nil, err
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (r delayResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if err := sleep(ctx, r.delay); err != nil {
		return nil, err
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (r delayResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if err := sleep(ctx, r.delay); err != nil {
		return nil, err
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// delayTransport answers every HTTP request with 404 after a delay.
type delayTransport struct{ delay time.Duration }

func (t delayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := sleep(req.Context(), t.delay); err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: 404, Status: "404 Not Found", Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// discoverSequential runs the same sources one after another in order of
// preference and stops at the first answer, as Delta Chat and FairEmail
// do. It is the baseline of BenchmarkDiscover.
func (d *Discoverer) discoverSequential(ctx context.Context, input string) []Candidate {
	q, _ := parseQuery(input)
	reg := q.Domain
	r := d.newRun(input, q, reg)
	defer r.close()
	jobs := d.plan(r)
	for len(jobs) > 0 {
		j := jobs[0]
		jobs = jobs[1:]
		jctx, cancel := context.WithTimeout(ctx, d.sourceTimeout())
		res := j.run(jctx)
		cancel()
		if len(res.cands) > 0 {
			return res.cands
		}
		jobs = append(jobs, res.spawn...)
	}
	return nil
}

// BenchmarkDiscover: every source answers after 50 ms; only the MX source
// (a Google Workspace MX) has an answer, so it wins after the autoconfig,
// well-known, PACC, Autodiscover, ISPDB and SRV sources above it have
// failed. It reports the
// parallel time, the time of the same sources one after another, the
// parallel time over the winning source's own 50 ms (goal: at most 1.25),
// and the speed-up (goal: at least 4).
func BenchmarkDiscover(b *testing.B) {
	const delay = 50 * time.Millisecond
	d := &Discoverer{Resolver: delayResolver{delay}, HTTPClient: &http.Client{Transport: delayTransport{delay}}}
	ctx := context.Background()
	var par, seq time.Duration
	for b.Loop() {
		start := time.Now()
		disc, err := d.Discover(ctx, "alice@hosted.test")
		par += time.Since(start)
		if best, _ := disc.Best(); err != nil || best.Source != sourceMX {
			b.Fatalf("parallel: %v %v", best.Source, err)
		}
		start = time.Now()
		cands := d.discoverSequential(ctx, "alice@hosted.test")
		seq += time.Since(start)
		if len(cands) != 1 || cands[0].Source != sourceMX {
			b.Fatalf("sequential: %v", cands)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(par.Milliseconds())/n, "ms-parallel")
	b.ReportMetric(float64(seq.Milliseconds())/n, "ms-sequential")
	b.ReportMetric(float64(par)/n/float64(delay), "x-winner-time")
	b.ReportMetric(float64(seq)/float64(par), "x-speedup")
}
