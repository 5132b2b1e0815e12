package mailsettings_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// counter counts the network requests of discoveries: every DNS question
// by kind and name, and every connection opened.
type counter struct {
	mu    sync.Mutex
	asked map[string]int
	dials atomic.Int64
}

func (c *counter) ask(kind, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asked == nil {
		c.asked = map[string]int{}
	}
	c.asked[kind+" "+name]++
}

// total returns the number of DNS questions and connections so far.
func (c *counter) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.dials.Load()
	for _, k := range c.asked {
		n += int64(k)
	}
	return n
}

// countingResolver passes questions to r and counts them.
type countingResolver struct {
	r mailsettings.Resolver
	c *counter
}

func (r countingResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	r.c.ask("MX", name)
	return r.r.LookupMX(ctx, name)
}

func (r countingResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.c.ask("SRV", "_"+service+"._"+proto+"."+name)
	return r.r.LookupSRV(ctx, service, proto, name)
}

func (r countingResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	r.c.ask("A", host)
	return r.r.LookupIPAddr(ctx, host)
}

// countingDialer passes connections to d, after delay, and counts them.
type countingDialer struct {
	d     mailsettings.Dialer
	c     *counter
	delay time.Duration
}

func (d countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.c.dials.Add(1)
	if d.delay > 0 {
		select {
		case <-time.After(d.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return d.d.DialContext(ctx, network, addr)
}

// cachedDiscoverer returns a Discoverer with cache that finds the fake
// provider over HTTPS autoconfig, and the counter of its requests.
func cachedDiscoverer(fake *mailsettingstest.Provider, cache mailsettings.Cache, dialDelay time.Duration) (*mailsettings.Discoverer, *counter) {
	c := &counter{}
	d := fake.Discoverer()
	d.Providers = nil
	d.Resolver = countingResolver{fake.Resolver, c}
	d.Dialer = countingDialer{fake.Dialer(), c, dialDelay}
	d.Cache = cache
	return d, c
}

// TestCacheCoalesces: 100 concurrent discoveries of one domain make one
// round of requests, the requests of one discovery (no DNS question asked
// more often, no more connections), and all get the same authenticated
// answer for their own address.
func TestCacheCoalesces(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	// The delay keeps the first discovery running while the others start.
	const delay = 100 * time.Millisecond
	d1, one := cachedDiscoverer(fake, mailsettings.NewCache(100, nil), delay)
	if _, err := d1.Discover(context.Background(), "someone@example.test"); err != nil {
		t.Fatal(err)
	}
	d, c := cachedDiscoverer(fake, mailsettings.NewCache(100, nil), delay)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			local := string(rune('a'+i%26)) + "user"
			disc, err := d.Discover(context.Background(), local+"@example.test")
			best, ok := disc.Best()
			if err != nil || !ok || best.Source != "autoconfig" || best.Trust != mailsettings.TrustAuthenticated {
				t.Errorf("discovery %d: %+v, %v", i, best, err)
				return
			}
			e, _ := best.Best(mailsettings.IMAP)
			if u := best.Username(e); u != local+"@example.test" || disc.LocalPart != local || best.Query != local+"@example.test" {
				t.Errorf("discovery %d: username %q, local part %q, query %q", i, u, disc.LocalPart, best.Query)
			}
		}()
	}
	close(start)
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(one.asked) == 0 || one.dials.Load() == 0 {
		t.Fatal("one discovery made no request")
	}
	for q, n := range c.asked {
		if n > one.asked[q] {
			t.Errorf("%s asked %d times by 100 discoveries, %d times by one", q, n, one.asked[q])
		}
	}
	if n, want := c.dials.Load(), one.dials.Load(); n > want {
		t.Errorf("%d connections for 100 discoveries, %d for one", n, want)
	}
}

// TestCacheKeepsTrust: a cached answer comes back with the source, trust,
// reasons and URL it was found with, without a request, and nothing a
// caller changes in it reaches the cache.
func TestCacheKeepsTrust(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	d, c := cachedDiscoverer(fake, mailsettings.NewCache(0, nil), 0)
	first, err := d.Discover(context.Background(), "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := first.Best()
	first.Candidates[0].Reasons[0] = "evil" // a caller's change
	first.Candidates[0].Trust = mailsettings.TrustCurated
	before := c.total()
	again, err := d.Discover(context.Background(), "Bob@Example.TEST")
	if err != nil {
		t.Fatal(err)
	}
	if c.total() != before {
		t.Errorf("the cached discovery made %d requests", c.total()-before)
	}
	got, _ := again.Best()
	if got.Source != "autoconfig" || got.Trust != mailsettings.TrustAuthenticated || got.URL != want.URL ||
		len(got.Reasons) != len(want.Reasons) || got.Reasons[0] == "evil" || got.Provider != want.Provider {
		t.Errorf("cached candidate %+v, want %+v", got, want)
	}
	if again.Query != "Bob@Example.TEST" || again.LocalPart != "Bob" || got.Address() != "Bob@example.test" {
		t.Errorf("cached discovery for %q: query %q, local part %q, address %q", "Bob@Example.TEST", again.Query, again.LocalPart, got.Address())
	}
	// Other options are another key, asked afresh.
	g := *d
	g.AllowPlaintext = true
	if _, err := g.Discover(context.Background(), "alice@example.test"); err != nil || c.total() == before {
		t.Errorf("a discovery with other options came from the cache (%v)", err)
	}
}

// clockCache is a Cache whose clock the test moves, to check what the
// Discoverer stores and for how long.
type clockCache struct {
	mu      sync.Mutex
	now     time.Time
	entries map[string]mailsettings.CacheEntry
	puts    int
}

func (c *clockCache) Get(_ context.Context, k string) (mailsettings.CacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || !c.now.Before(e.Expires) {
		return mailsettings.CacheEntry{}, false
	}
	return e, true
}

func (c *clockCache) Put(_ context.Context, k string, e mailsettings.CacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]mailsettings.CacheEntry{}
	}
	c.entries[k] = e
	c.puts++
}

func (c *clockCache) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestCacheExpiry: settings found are kept for a day, "nothing found" for
// five minutes; after that discovery asks the network again.
func TestCacheExpiry(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	cc := &clockCache{now: time.Now()}
	d, c := cachedDiscoverer(fake, cc, 0)
	ctx := context.Background()

	if _, err := d.Discover(ctx, "alice@example.test"); err != nil {
		t.Fatal(err)
	}
	_, err := d.Discover(ctx, "nothing.test") // the fake resolver knows no such name
	if !errors.Is(err, mailsettings.ErrNotFound) {
		t.Fatalf("nothing.test: %v, want ErrNotFound", err)
	}
	pos := cc.entries["example.test noispdb"]
	neg := cc.entries["nothing.test noispdb"]
	if ttl := time.Until(pos.Expires); ttl < 23*time.Hour || ttl > 24*time.Hour {
		t.Errorf("settings kept for %v, want a day", ttl)
	}
	if ttl := time.Until(neg.Expires); ttl < 4*time.Minute || ttl > 5*time.Minute || len(neg.Discovery.Candidates) != 0 {
		t.Errorf("nothing found kept for %v (%d candidates), want five minutes", ttl, len(neg.Discovery.Candidates))
	}

	requests := func(q string) int64 {
		before := c.total()
		_, _ = d.Discover(ctx, q)
		return c.total() - before
	}
	if n := requests("bob@example.test") + requests("nothing.test"); n != 0 {
		t.Errorf("fresh entries: %d requests", n)
	}
	// A cached "nothing found" keeps its error.
	if _, err := d.Discover(ctx, "nothing.test"); !errors.Is(err, mailsettings.ErrNotFound) {
		t.Errorf("cached nothing.test: %v, want ErrNotFound", err)
	}
	cc.advance(6 * time.Minute)
	if n := requests("nothing.test"); n == 0 {
		t.Error("the negative entry did not expire after five minutes")
	}
	if n := requests("bob@example.test"); n != 0 {
		t.Errorf("the positive entry expired after six minutes (%d requests)", n)
	}
	cc.advance(25 * time.Hour)
	if n := requests("bob@example.test"); n == 0 {
		t.Error("the positive entry did not expire after a day")
	}
}

// TestCacheKeepsNoFailure: a discovery that could not reach its sources,
// or that its context cut short, is not kept.
func TestCacheKeepsNoFailure(t *testing.T) {
	cc := &clockCache{now: time.Now()}
	d := &mailsettings.Discoverer{
		Resolver: unreachableResolver{}, Dialer: mailsettingstest.BlackholeDialer{}, NoISPDB: true,
		SourceTimeout: time.Second, Cache: cc,
	}
	if _, err := d.Discover(context.Background(), "alice@down.test"); !errors.Is(err, mailsettings.ErrLookupFailed) {
		t.Fatalf("err = %v, want ErrLookupFailed", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Discover(ctx, "alice@other.test"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := d.Discover(context.Background(), "al..ice@down.test"); !errors.Is(err, mailsettings.ErrInvalidInput) {
		t.Fatalf("err = %v, want ErrInvalidInput", err)
	}
	if _, err := d.Discover(context.Background(), "alice@qq.com"); err != nil {
		t.Fatal(err)
	}
	if cc.puts != 0 {
		t.Errorf("%d entries stored for failures and a table answer: %v", cc.puts, cc.entries)
	}
}

// unreachableResolver fails every question as a network error would.
type unreachableResolver struct{}

func (unreachableResolver) LookupMX(context.Context, string) ([]*net.MX, error) {
	return nil, &net.DNSError{Err: "i/o timeout", IsTimeout: true}
}

func (unreachableResolver) LookupSRV(context.Context, string, string, string) (string, []*net.SRV, error) {
	return "", nil, &net.DNSError{Err: "i/o timeout", IsTimeout: true}
}

func (unreachableResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return nil, &net.DNSError{Err: "i/o timeout", IsTimeout: true}
}

// TestCacheShared: NewCache in front of a shared store writes every entry
// there, and another process's NewCache answers from it without a request.
func TestCacheShared(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	shared := &clockCache{now: time.Now()}
	d1, _ := cachedDiscoverer(fake, mailsettings.NewCache(10, shared), 0)
	if _, err := d1.Discover(context.Background(), "alice@example.test"); err != nil {
		t.Fatal(err)
	}
	if shared.puts != 1 {
		t.Fatalf("shared store got %d entries, want 1", shared.puts)
	}
	d2, c2 := cachedDiscoverer(fake, mailsettings.NewCache(10, shared), 0)
	disc, err := d2.Discover(context.Background(), "carol@example.test")
	best, _ := disc.Best()
	if err != nil || c2.total() != 0 || best.Trust != mailsettings.TrustAuthenticated || disc.LocalPart != "carol" {
		t.Errorf("second process: %d requests, %+v, %v", c2.total(), best, err)
	}
}

// TestCacheWaitBounded: a caller's context bounds its wait for a shared
// discovery, and the discovery ends when its last caller has gone.
func TestCacheWaitBounded(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	d, _ := cachedDiscoverer(fake, mailsettings.NewCache(10, nil), time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := d.Discover(ctx, "alice@example.test")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("returned after %v", el)
	}
}

// BenchmarkDiscoverCached measures a discovery answered by the cache
// (goal: under 2 µs, no network request), reported as requests/op.
func BenchmarkDiscoverCached(b *testing.B) {
	fake := mailsettingstest.NewProvider(b, "example.test", mailsettingstest.WithAutoconfig())
	d, c := cachedDiscoverer(fake, mailsettings.NewCache(0, nil), 0)
	ctx := context.Background()
	if _, err := d.Discover(ctx, "alice@example.test"); err != nil {
		b.Fatal(err)
	}
	before := c.total()
	b.ReportAllocs()
	for b.Loop() {
		disc, err := d.Discover(ctx, "bob@example.test")
		if err != nil || len(disc.Candidates) == 0 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.total()-before)/float64(b.N), "requests/op")
	if c.total() != before {
		b.Errorf("%d network requests from cached discoveries", c.total()-before)
	}
}

// TestCacheKeyOptions: every option that changes what discovery finds
// changes the key; the others do not. (The fake resolver knows no other
// names, so the ISP database is never reached.)
func TestCacheKeyOptions(t *testing.T) {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig())
	for _, c := range []struct {
		set  func(*mailsettings.Discoverer)
		opts string
	}{
		{func(*mailsettings.Discoverer) {}, ""},
		{func(d *mailsettings.Discoverer) { d.SourceTimeout = time.Minute }, ""},
		{func(d *mailsettings.Discoverer) { d.ISPDBURL = "https://autoconfig.thunderbird.net/v1.1/" }, ""},
		{func(d *mailsettings.Discoverer) { d.NoISPDB = true }, "noispdb"},
		{func(d *mailsettings.Discoverer) { d.ISPDBURL = "https://ispdb.test/v1.1/" }, "ispdb=https://ispdb.test/v1.1/"},
		{func(d *mailsettings.Discoverer) { d.AllowPlaintext, d.NoISPDB = true, true }, "noispdb,plaintext"},
		{func(d *mailsettings.Discoverer) { d.AutodiscoverRedirects = true }, "autodiscover-redirects"},
		{func(d *mailsettings.Discoverer) { d.SendAddress = true }, "address=alice"},
	} {
		cc := &clockCache{now: time.Now()}
		d := mailsettings.Discoverer{Resolver: fake.Resolver, Dialer: fake.Dialer(), TLSConfig: fake.ClientTLSConfig(), Cache: cc}
		c.set(&d)
		if _, err := d.Discover(context.Background(), "alice@example.test"); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace("example.test " + c.opts)
		if _, ok := cc.entries[want]; !ok || len(cc.entries) != 1 {
			t.Errorf("entries %v, want the key %q", cc.entries, want)
		}
	}
}
