package mailsettings

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// defaultISPDBURL is the Thunderbird ISP database. The domain is appended.
const defaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"

// defaultSourceTimeout bounds each source of a discovery unless
// [Discoverer.SourceTimeout] says otherwise.
const defaultSourceTimeout = 10 * time.Second

// A Discoverer finds mail settings for any domain: the built-in table,
// Mozilla autoconfig over HTTPS, the Thunderbird ISP database, DNS SRV
// records (RFC 6186), the domain's MX hosts, and optionally guessing. The
// sources run concurrently; see [Discoverer.Discover].
//
// The zero value is ready to use. A Discoverer must not be changed while a
// discovery runs; it may be used by several goroutines at once.
type Discoverer struct {
	// Resolver answers every DNS question, including those behind HTTP
	// requests (unless HTTPClient is set) and guessing probes. Nil means
	// net.DefaultResolver. Names are always asked fully qualified, so no
	// search domain is appended.
	Resolver Resolver
	// Dialer opens connections for HTTP requests. Nil means a net.Dialer
	// with a 10 s timeout.
	Dialer Dialer
	// HTTPClient, if not nil, is used for HTTP requests instead of a client
	// that resolves through Resolver and dials through Dialer. It is
	// copied, never changed: the copy gets this package's redirect policy
	// (at most 5 redirects, never from https to http) in front of the
	// client's own, and no cookie jar.
	HTTPClient *http.Client
	// TLSConfig, if not nil, is cloned for the HTTPS requests of the
	// built-in client and for guessing probes, for example to add root
	// CAs. The minimum version is always at least TLS 1.2, and
	// InsecureSkipVerify is always turned off.
	TLSConfig *tls.Config

	// SendAddress adds ?emailaddress=ADDRESS to the HTTPS requests to the
	// domain's own autoconfig servers when the query is an address; it is
	// never sent over plain HTTP, to the ISP database or to the MX host's
	// domain. Off by default: the address is not sent anywhere.
	SendAddress bool
	// NoISPDB turns off the requests to the ISP database, which learns the
	// domain being looked up.
	NoISPDB bool
	// ISPDBURL replaces the Thunderbird ISP database,
	// https://autoconfig.thunderbird.net/v1.1/; the domain is appended.
	// Answers from an http:// URL are [TrustUnauthenticated].
	ISPDBURL string
	// AutodiscoverRedirects also asks, for Exchange Autodiscover, the
	// HTTP-redirect method (http://autodiscover.DOMAIN/autodiscover/autodiscover.xml
	// answering with a redirect) and SRV _autodiscover._tcp.DOMAIN, as
	// Outlook does. Only https targets inside the domain's registrable
	// domain are followed, and answers are labelled by where they were
	// fetched.
	AutodiscoverRedirects bool
	// AllowHTTP also fetches autoconfig over plain HTTP. Results from it
	// are [TrustUnauthenticated] and rank below every HTTPS and DNS result.
	AllowHTTP bool
	// Guess also tries the host names imap., pop., smtp., mail. and the
	// bare domain on the standard ports, with a [Prober] that uses
	// Resolver, Dialer and TLSConfig. A guessed endpoint is reported only
	// after a TLS handshake (implicit or after STARTTLS) verified the
	// server's certificate for the guessed name. Guesses rank last.
	Guess bool
	// VerifyReported probes, before a built-in answer is returned, the
	// endpoints the built-in database knows only from one source
	// ([EvidenceReported]), with a [Prober] that uses Resolver, Dialer and
	// TLSConfig. When each completed a TLS handshake with a verified
	// certificate, the candidate's Verified is the time and its reasons end
	// with reason "probe-verified"; a failure is reported in the discovery's
	// Errors and the endpoint stays, unverified. The endpoints and the
	// trust do not change: a probe shows that a server answers, not who
	// chose it.
	VerifyReported bool
	// AllowPlaintext keeps discovered endpoints without encryption, and
	// lets guessing try plaintext ports. By default they are dropped and
	// never tried.
	AllowPlaintext bool
	// SourceTimeout bounds each source; zero means [defaultSourceTimeout].
	SourceTimeout time.Duration
	// Providers are consulted like the built-in table, before it: a
	// provider that answers for the domain answers at once, labelled with
	// its own source and trust. One built with [NewProvider] answers for
	// its Domains as source "caller"; a discovered or stored one answers
	// only for the domain it was discovered for, with the source and trust
	// it was found with; one from the built-in database as source "builtin".
	Providers []Provider

	// Cache, if not nil, keeps what discovery finds and coalesces
	// concurrent discoveries of one domain; see [Cache] and [NewCache]
	// (cache.go).
	Cache Cache
}

// Discover is (&Discoverer{}).Discover.
func Discover(ctx context.Context, addressOrDomain string) (Discovery, error) {
	var d Discoverer
	return d.Discover(ctx, addressOrDomain)
}

// Discover finds settings for an address or a domain.
//
// A provider in [Discoverer.Providers] or the built-in table that lists the
// domain answers at once, without I/O. Otherwise every source runs
// concurrently, each bounded by ctx and by the source timeout: HTTPS
// autoconfig at autoconfig.DOMAIN and DOMAIN/.well-known, the ISP database,
// DNS SRV, the MX hosts matched against known hosting services (and then
// HTTPS autoconfig for the MX host's registrable domain), plain-HTTP
// autoconfig if allowed, and guessing if asked for. Discover returns as soon as no source still
// running could give a better candidate than the best one found, and
// cancels the rest.
//
// Candidates are ranked by [Trust], then [Source]. Host names and ports
// from DNS and HTTP are validated like user input, and no request goes to
// a host above the domain's registrable domain. HTTP bodies are capped at
// 1 MiB, redirects at 5, and a redirect from https to http is refused.
//
// An invalid input gives an error wrapping [ErrInvalidInput], as does a
// public suffix ("co.uk") or a single label. With no candidate the error
// wraps [ErrLookupFailed] if no source could be reached, and [ErrNotFound]
// otherwise; it also wraps every [*SourceError]. If ctx ends first, the
// error wraps ctx.Err() and the Discovery holds what was found so far.
func (d *Discoverer) Discover(ctx context.Context, addressOrDomain string) (Discovery, error) {
	// With a Cache, discoverCached answers (below),
	// calling back into Discover on a copy without the Cache.
	if d.Cache != nil {
		return d.discoverCached(ctx, addressOrDomain)
	}
	q, err := parseQuery(addressOrDomain)
	if err != nil {
		return Discovery{Query: addressOrDomain}, err
	}
	disc := Discovery{Query: addressOrDomain, LocalPart: q.Local, Domain: q.Domain, UnicodeDomain: q.Unicode}
	if p := findProvider(d.Providers, q.Domain); !p.IsZero() {
		src, trust, reasons := p.label()
		c := Candidate{Settings: disc.settings(p), Source: src, Trust: trust, Reasons: reasons}
		if d.VerifyReported {
			p := &Prober{Resolver: d.Resolver, Dialer: d.Dialer, TLSConfig: d.TLSConfig, Timeout: d.sourceTimeout()}
			disc.Errors = verifyReported(ctx, p, &c)
		}
		disc.Candidates = []Candidate{c}
		return disc, nil
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(q.Domain)
	if err != nil || !strings.Contains(q.Domain, ".") {
		return disc, &InputError{Input: addressOrDomain, Reason: "a public suffix or a single label, not a mail domain"}
	}
	r := d.newRun(addressOrDomain, q, reg)
	defer r.close()
	return r.discover(ctx, disc, d.plan(r))
}

func (d *Discoverer) sourceTimeout() time.Duration {
	if d.SourceTimeout > 0 {
		return d.SourceTimeout
	}
	return defaultSourceTimeout
}

// newRun prepares one discovery: the run's clients and the options its
// sources need.
func (d *Discoverer) newRun(input string, q query, reg string) *run {
	r := &run{
		input: input, q: q, reg: reg, resolver: d.Resolver, dialer: d.Dialer,
		sourceTimeout: d.sourceTimeout(), ispdb: cmp.Or(d.ISPDBURL, defaultISPDBURL),
		tlsConfig: d.TLSConfig, providers: d.Providers,
		noISPDB: d.NoISPDB, sendAddress: d.SendAddress, allowPlaintext: d.AllowPlaintext,
		autodiscoverRedirects: d.AutodiscoverRedirects,
	}
	if r.resolver == nil {
		r.resolver = net.DefaultResolver
	}
	if r.dialer == nil {
		r.dialer = &net.Dialer{Timeout: 10 * time.Second}
	}
	r.initHTTP(d.HTTPClient)
	return r
}

// plan returns the jobs of run r to start at once.
func (d *Discoverer) plan(r *run) []*job {
	dom := r.q.Domain
	jobs := []*job{
		r.autoconfigJob(sourceAutoconfig, "https://autoconfig."+dom+"/mail/config-v1.1.xml"+r.addressQuery()),
		r.autoconfigJob(sourceWellKnown, "https://"+dom+"/.well-known/autoconfig/mail/config-v1.1.xml"+r.addressQuery()),
	}
	if !d.NoISPDB {
		jobs = append(jobs, r.autoconfigJob(sourceISPDB, r.ispdbURL(dom)))
	}
	jobs = append(jobs, r.paccJob())
	jobs = append(jobs, r.autodiscoverJobs()...)
	jobs = append(jobs, r.srvJob(), r.mxJob())
	if d.AllowHTTP {
		jobs = append(jobs,
			// Never the address: anyone on the path would read it.
			r.autoconfigJob(sourceAutoconfigHTTP, "http://autoconfig."+dom+"/mail/config-v1.1.xml"),
			r.autoconfigJob(sourceAutoconfigHTTP, "http://"+dom+"/.well-known/autoconfig/mail/config-v1.1.xml"),
		)
	}
	if d.Guess {
		jobs = append(jobs, r.guessJob())
	}
	return jobs
}

// discover runs jobs and those they spawn concurrently, each bounded by
// the source timeout, until no pending job could give a better candidate
// than the best one found.
func (r *run) discover(ctx context.Context, disc Discovery, jobs []*job) (Discovery, error) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan jobResult)
	var wg sync.WaitGroup
	pending := map[*job]bool{}
	start := func(j *job) {
		pending[j] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			jctx, jcancel := context.WithTimeout(runCtx, r.sourceTimeout)
			res := j.run(jctx)
			jcancel()
			res.job = j
			select {
			case results <- res:
			case <-runCtx.Done():
			}
		}()
	}
	for _, j := range jobs {
		start(j)
	}
	var errs []*SourceError
	var ctxErr error
loop:
	for len(pending) > 0 {
		if best, ok := bestOf(disc.Candidates); ok && !anyBetter(pending, best) {
			break
		}
		select {
		case res := <-results:
			delete(pending, res.job)
			disc.Candidates = append(disc.Candidates, res.cands...)
			errs = append(errs, res.errs...)
			for _, j := range res.spawn {
				start(j)
			}
		case <-ctx.Done():
			ctxErr = ctx.Err()
			break loop
		}
	}
	cancel()
	wg.Wait()
	if ctxErr == nil && len(disc.Candidates) == 0 {
		// Every source may have failed because the caller's context ended
		// before the select above saw it: report that, not "unreachable".
		ctxErr = ctx.Err()
	}
	for j := range pending {
		if !slices.Contains(disc.Unfinished, j.source) {
			disc.Unfinished = append(disc.Unfinished, j.source)
		}
	}
	slices.SortFunc(disc.Unfinished, func(a, b Source) int { return cmp.Compare(a.rank(), b.rank()) })
	slices.SortStableFunc(disc.Candidates, compareCandidates)
	unreachable := len(errs) > 0
	for _, e := range errs {
		disc.Errors = append(disc.Errors, e)
		unreachable = unreachable && e.Unreachable
	}
	switch {
	case ctxErr != nil:
		return disc, fmt.Errorf("mailsettings: discovery of %s: %w", disc.Domain, ctxErr)
	case len(disc.Candidates) > 0:
		return disc, nil
	case unreachable:
		return disc, &discoveryError{ErrLookupFailed, disc.Domain, disc.Errors}
	}
	return disc, &discoveryError{ErrNotFound, disc.Domain, disc.Errors}
}

// anyBetter reports whether a pending job could still give a candidate
// that ranks above best: one of higher trust, or of the same trust from a
// preferred source. A fast unauthenticated answer therefore never ends a
// discovery while a source that could still answer with authentication
// runs.
func anyBetter(pending map[*job]bool, best Candidate) bool {
	for j := range pending {
		if j.best > best.Trust || j.best == best.Trust && j.source.rank() < best.Source.rank() {
			return true
		}
	}
	return false
}

// verifyReported probes with p the reported-only endpoints of c (see
// Discoverer.VerifyReported) and records the outcome.
func verifyReported(ctx context.Context, p *Prober, c *Candidate) []error {
	var tries []ServerEndpoint
	for _, e := range c.endpoints() {
		if c.Provider.level(e) == EvidenceReported && e.Encryption != Plaintext {
			tries = append(tries, e)
		}
	}
	if len(tries) == 0 {
		return nil
	}
	reports := p.ProbeAll(ctx, tries)
	var errs []error
	for i, rep := range reports {
		if rep.Err == nil && !rep.Result.Verified {
			rep.Err = errors.New("the certificate was not verified")
		}
		if rep.Err != nil {
			errs = append(errs, newSourceError(c.Source, "probe:"+tries[i].String(), rep.Err))
		}
	}
	if len(errs) == 0 {
		c.Verified = time.Now()
		c.Reasons = append(c.Reasons, reasonProbeVerified)
	}
	return errs
}

// discoverCached is Discover when d.Cache is set (see Discover): a table answer or an invalid input is answered at once, a
// live entry is reused, and a miss is discovered by discoverMiss.
func (d *Discoverer) discoverCached(ctx context.Context, input string) (Discovery, error) {
	q, err := parseQuery(input)
	if err != nil || !findProvider(d.Providers, q.Domain).IsZero() {
		return d.uncached().Discover(ctx, input)
	}
	key := d.cacheKey(q)
	if e, ok := d.Cache.Get(ctx, key); ok && time.Now().Before(e.Expires) {
		return fromCache(e, input, q)
	}
	return d.discoverMiss(ctx, input, q, key)
}

// discoverMiss runs one discovery of key, on a copy of d without the
// Cache, for every concurrent caller, and stores its answer if it is worth
// keeping.
func (d *Discoverer) discoverMiss(ctx context.Context, input string, q query, key string) (Discovery, error) {
	c := d.Cache
	discover := func(ctx context.Context) (Discovery, error) {
		if e, ok := c.Get(ctx, key); ok && time.Now().Before(e.Expires) {
			return fromCache(e, input, q)
		}
		disc, err := d.uncached().Discover(ctx, input)
		if expires, ok := cacheExpiry(disc, err, time.Now()); ok {
			c.Put(ctx, key, CacheEntry{Discovery: disc, Expires: expires})
		}
		return disc, err
	}
	mc, ok := c.(*memoryCache)
	if !ok || ctx.Err() != nil {
		return discover(ctx)
	}
	disc, err := mc.coalesce(ctx, key, discover)
	if _, bad := errors.AsType[*InputError](err); bad {
		// Refused before any I/O, for the input of the caller that ran
		// the discovery: refuse this one in its own words.
		return d.uncached().Discover(ctx, input)
	}
	return readdress(disc, input, q), err
}

// uncached returns a copy of d without its Cache.
func (d *Discoverer) uncached() *Discoverer {
	u := *d
	u.Cache = nil
	return &u
}

// cacheKey returns the key of q's discovery with d's options.
func (d *Discoverer) cacheKey(q query) string {
	flags := 0
	for i, on := range []bool{d.NoISPDB, d.AllowHTTP, d.Guess, d.AllowPlaintext, d.AutodiscoverRedirects} {
		if on {
			flags |= 1 << i
		}
	}
	opts := flagOptions[flags]
	if !d.NoISPDB && d.ISPDBURL != "" && d.ISPDBURL != defaultISPDBURL {
		opts = joinOptions(opts, "ispdb="+d.ISPDBURL)
	}
	if d.SendAddress && q.Local != "" {
		opts = joinOptions(opts, "address="+q.Local)
	}
	// A key is one line without spaces (see Cache); local parts and URLs
	// are printable, and quoted local parts may hold spaces.
	if opts == "" {
		return q.Domain
	}
	return q.Domain + " " + strings.ReplaceAll(opts, " ", "%20")
}

// flagOptions are the Options of every combination of the boolean
// options, so that the common keys cost no allocation.
var flagOptions = func() (o [32]string) {
	for i := range o {
		for bit, name := range []string{"noispdb", "http", "guess", "plaintext", "autodiscover-redirects"} {
			if i&(1<<bit) != 0 {
				o[i] = joinOptions(o[i], name)
			}
		}
	}
	return o
}()

func joinOptions(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}
