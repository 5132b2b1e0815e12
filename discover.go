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

	"github.com/mailsettings/mailsettings/internal/sanitize"
	"golang.org/x/net/publicsuffix"
)

// ErrNotFound is wrapped by the error of [Discoverer.Discover] when every
// source was asked and none had settings for the domain.
var ErrNotFound = errors.New("mailsettings: no settings found for the domain")

// ErrLookupFailed is wrapped by the error of [Discoverer.Discover] when no
// source could be asked at all: every one failed with a network, resolver
// or timeout error. It means "could not look", not "nothing there".
var ErrLookupFailed = errors.New("mailsettings: discovery could not reach any source")

// errNotOffered is wrapped by the error of the SRV source when the domain's
// SRV records all have the target "." (RFC 2782, RFC 6186 §3.4): the
// domain says it offers none of the services.
var errNotOffered = errors.New("mailsettings: SRV records say the service is not offered")

// errInsecureRedirect is wrapped by the error of an HTTP source whose
// server redirected from https to http, or to a host that is not a valid
// host name below a registrable domain.
var errInsecureRedirect = errors.New("mailsettings: refused redirect")

// DefaultISPDBURL is the Thunderbird ISP database. The domain is appended.
const DefaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"

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
	// ISPDBURL replaces [DefaultISPDBURL]; the domain is appended. Answers
	// from an http:// URL are [TrustUnauthenticated].
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
	// its Domains as [SourceCaller]; a discovered or stored one answers
	// only for the domain it was discovered for, with the source and trust
	// it was found with; one from the built-in database as [SourceBuiltin].
	Providers []Provider

	// Cache, if not nil, keeps what discovery finds and coalesces
	// concurrent discoveries of one domain; see [Cache] and [NewCache]
	// (cache.go).
	Cache Cache
}

// A Candidate is one configuration found by discovery, with where it came
// from and how far to trust it. Its Settings hold the endpoints through a
// Provider built from the source's answer.
type Candidate struct {
	Settings
	// Source is where the candidate came from.
	Source Source
	// Trust is how far the candidate can be relied on.
	Trust Trust
	// Reasons explain Trust, most important first.
	Reasons []Reason
	// URL is where the answer came from: the URL fetched (after
	// redirects), an RFC 4501 DNS URI such as "dns:example.com?type=SRV",
	// or "guess:DOMAIN" for guessed endpoints.
	URL string
	// Verified is when a probe last completed a TLS handshake with a
	// verified certificate on each endpoint the built-in database knows
	// only from one source (see [Discoverer.VerifyReported]), or zero.
	Verified time.Time
}

// A Discovery is the result of [Discoverer.Discover].
type Discovery struct {
	// Query, LocalPart, Domain and UnicodeDomain are as in [Settings].
	Query, LocalPart, Domain, UnicodeDomain string
	// Candidates are every configuration found, best first: by Trust,
	// then by Source.
	Candidates []Candidate
	// Errors holds one *SourceError for each source, URL or DNS name that
	// failed or had nothing, and for each autoconfig server entry dropped.
	Errors []error
	// Unfinished lists the sources that were stopped because a better
	// source had answered, or because the context ended.
	Unfinished []Source
}

// Best returns the best candidate, if any.
func (d Discovery) Best() (Candidate, bool) {
	if len(d.Candidates) == 0 {
		return Candidate{}, false
	}
	return d.Candidates[0], true
}

// A SourceError reports why a source gave no answer, or what it dropped.
type SourceError struct {
	Source Source
	// URL is the URL fetched or an RFC 4501 DNS URI for the name asked.
	URL string
	Err error
	// Unreachable is set when the source could not be asked: a network,
	// resolver or timeout error, as opposed to an answer that had nothing
	// usable (HTTP 404, NXDOMAIN, a bad document).
	Unreachable bool
}

// Error returns "mailsettings: SOURCE URL: CAUSE", sanitized.
func (e *SourceError) Error() string {
	return sanitize.Text(fmt.Sprintf("mailsettings: %s %s: %v", e.Source, e.URL, e.Err), maxURLText+maxErrorText)
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// discoveryError is returned when no candidate was found. It matches its
// sentinel and every source error.
type discoveryError struct {
	sentinel error
	domain   string
	errs     []error
}

func (e *discoveryError) Error() string {
	msg := fmt.Sprintf("%v: %s", e.sentinel, e.domain)
	if len(e.errs) > 0 {
		msg += fmt.Sprintf(" (%d source errors; first: %v)", len(e.errs), e.errs[0])
	}
	return msg
}

func (e *discoveryError) Unwrap() []error { return append([]error{e.sentinel}, e.errs...) }

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
// Candidates are ranked by [Source], then [Trust]. Host names and ports
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
	// Result cache hook (cache.go): with a Cache, discoverCached answers,
	// calling back into Discover on a copy without the Cache.
	if d.Cache != nil {
		return d.discoverCached(ctx, addressOrDomain)
	}
	q, err := parseQuery(addressOrDomain)
	if err != nil {
		return Discovery{Query: addressOrDomain}, err
	}
	disc := Discovery{Query: addressOrDomain, LocalPart: q.Local, Domain: q.Domain, UnicodeDomain: q.Unicode}
	if p := d.tableProvider(q.Domain); !p.IsZero() {
		src, trust, reasons := p.label()
		c := Candidate{Settings: disc.settings(p), Source: src, Trust: trust, Reasons: reasons}
		if d.VerifyReported {
			disc.Errors = d.verifyReported(ctx, &c)
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
	return r.discover(ctx, disc)
}

// tableProvider returns the provider of d.Providers that answers for
// domain, or the built-in database's, or the zero Provider.
func (d *Discoverer) tableProvider(domain string) Provider {
	for _, p := range d.Providers {
		if p.answersFor(domain) {
			return p
		}
	}
	return builtinTable().byDomain[domain]
}

func (disc *Discovery) settings(p Provider) Settings {
	return Settings{Query: disc.Query, LocalPart: disc.LocalPart, Domain: disc.Domain, UnicodeDomain: disc.UnicodeDomain, Provider: p}
}

func (d *Discoverer) sourceTimeout() time.Duration {
	if d.SourceTimeout > 0 {
		return d.SourceTimeout
	}
	return defaultSourceTimeout
}

// A run is one discovery: the query and the clients it uses.
type run struct {
	d         *Discoverer
	input     string // the query as given
	q         query
	reg       string // registrable domain of q.Domain
	resolver  Resolver
	dialer    Dialer
	client    *http.Client    // never the caller's: a copy or our own
	transport *http.Transport // our own transport, closed at the end, or nil
	srvRand   func(n int) int // weighted SRV choice; nil means math/rand
}

// A job is one request of one source.
type job struct {
	source Source
	url    string
	// best is the highest trust the job's answer could have, so that
	// discovery waits for it while the best candidate so far is lower.
	best Trust
	run  func(ctx context.Context) jobResult
}

type jobResult struct {
	job   *job
	cands []Candidate
	errs  []*SourceError
	spawn []*job // further jobs, such as autoconfig for the MX domain
}

func (r *run) discover(ctx context.Context, disc Discovery) (Discovery, error) {
	jobs := r.plan()
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
			jctx, jcancel := context.WithTimeout(runCtx, r.d.sourceTimeout())
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

// compareCandidates orders candidates best first: by trust, then by
// source.
func compareCandidates(a, b Candidate) int {
	return cmp.Or(cmp.Compare(b.Trust, a.Trust), cmp.Compare(a.Source.rank(), b.Source.rank()))
}

// bestOf returns the best candidate of cs.
func bestOf(cs []Candidate) (Candidate, bool) {
	if len(cs) == 0 {
		return Candidate{}, false
	}
	return slices.MinFunc(cs, compareCandidates), true
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

// plan returns the jobs to start at once.
func (r *run) plan() []*job {
	d, dom := r.d, r.q.Domain
	jobs := []*job{
		r.autoconfigJob(SourceAutoconfig, "https://autoconfig."+dom+"/mail/config-v1.1.xml"+r.addressQuery()),
		r.autoconfigJob(SourceWellKnown, "https://"+dom+"/.well-known/autoconfig/mail/config-v1.1.xml"+r.addressQuery()),
	}
	if !d.NoISPDB {
		jobs = append(jobs, r.autoconfigJob(SourceISPDB, r.ispdbURL(dom)))
	}
	jobs = append(jobs, r.paccJob())
	jobs = append(jobs, r.autodiscoverJobs()...)
	jobs = append(jobs, r.srvJob(), r.mxJob())
	if d.AllowHTTP {
		jobs = append(jobs,
			// Never the address: anyone on the path would read it.
			r.autoconfigJob(SourceAutoconfigHTTP, "http://autoconfig."+dom+"/mail/config-v1.1.xml"),
			r.autoconfigJob(SourceAutoconfigHTTP, "http://"+dom+"/.well-known/autoconfig/mail/config-v1.1.xml"),
		)
	}
	if d.Guess {
		jobs = append(jobs, r.guessJob())
	}
	return jobs
}

func (r *run) ispdbURL(domain string) string {
	u := r.d.ISPDBURL
	if u == "" {
		u = DefaultISPDBURL
	}
	return u + domain
}

// newSourceError returns a SourceError whose URL and error text are
// sanitized, since both can carry text from the network.
func newSourceError(s Source, url string, err error) *SourceError {
	return &SourceError{Source: s, URL: sanitize.Text(url, maxURLText), Err: safeError(err), Unreachable: isUnreachable(err)}
}

// maxURLText and maxErrorText bound a URL and an error text in a
// SourceError.
const (
	maxURLText   = 2048
	maxErrorText = 1024
)

// A sanitizedError is an error whose text can hold what a server sent (a
// status line, a host name from a redirect, a certificate's names): its
// text is sanitized, and the original stays reachable with errors.Is and
// errors.As.
type sanitizedError struct {
	err error
	msg string
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.err }

// safeError wraps err in a sanitizedError unless its text is already
// clean.
func safeError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if sanitize.IsClean(msg, maxErrorText) {
		return err
	}
	return &sanitizedError{err, sanitize.Text(msg, maxErrorText)}
}

// isUnreachable reports whether err means the source could not be asked.
func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return false
}

// newCandidate builds a candidate from endpoints found by a source. It
// drops plaintext endpoints unless they are allowed, and reports false if
// nothing is left.
func (r *run) newCandidate(info ProviderInfo, s Source, url string, trust Trust, reasons ...Reason) (Candidate, error) {
	if !r.d.AllowPlaintext {
		info.Endpoints = slices.DeleteFunc(slices.Clone(info.Endpoints), func(e ServerEndpoint) bool { return e.Encryption == Plaintext })
		if len(info.Endpoints) == 0 {
			return Candidate{}, errors.New("only plaintext endpoints, and AllowPlaintext is off")
		}
		info.Notes = slices.DeleteFunc(slices.Clone(info.Notes), func(n Note) bool { return n.Kind == NotePlaintext })
	} else if hasPlaintext(info.Endpoints) {
		reasons = append(reasons, reasonPlaintext)
	}
	if info.ID == "" {
		info.ID = r.q.Domain
	}
	if info.Name == "" {
		info.Name = info.ID
	}
	// A discovered provider speaks only for the domain it was discovered
	// for, whatever domains the answer listed.
	info.Domains = []string{r.q.Domain}
	p, err := newProvider(info, &origin{domain: r.q.Domain, source: s, trust: trust, reasons: reasons})
	if err != nil {
		return Candidate{}, err
	}
	disc := Discovery{Query: r.input, LocalPart: r.q.Local, Domain: r.q.Domain, UnicodeDomain: r.q.Unicode}
	return Candidate{Settings: disc.settings(p), Source: s, Trust: trust, Reasons: slices.Clone(reasons), URL: url}, nil
}

func hasPlaintext(es []ServerEndpoint) bool {
	return slices.ContainsFunc(es, func(e ServerEndpoint) bool { return e.Encryption == Plaintext })
}

// verifyReported probes the reported-only endpoints of c (see
// Discoverer.VerifyReported) and records the outcome.
func (d *Discoverer) verifyReported(ctx context.Context, c *Candidate) []error {
	var tries []ServerEndpoint
	for _, e := range c.endpoints() {
		if c.Provider.level(e) == EvidenceReported && e.Encryption != Plaintext {
			tries = append(tries, e)
		}
	}
	if len(tries) == 0 {
		return nil
	}
	p := &Prober{Resolver: d.Resolver, Dialer: d.Dialer, TLSConfig: d.TLSConfig, Timeout: d.sourceTimeout()}
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
