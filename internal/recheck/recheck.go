// Package recheck re-checks the built-in database against the live
// providers: it probes every endpoint with the library's own Prober,
// fetches each provider's own autoconfig document and SRV records, and
// reports the drift (endpoints that no longer answer, certificates whose
// issuer or names changed since a baseline, endpoints the provider now
// publishes that the table lacks). It is a maintainer's tool
// (internal/cmd/recheck); nothing in the library uses it.
//
// A Checker's network access goes through its Resolver, Dialer and
// TLSConfig, as the library's own Prober and Discoverer do, so tests run it
// against mailsettingstest fakes on loopback.
package recheck

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mailsettings/mailsettings"
)

// A Target is one provider to re-check.
type Target struct {
	Provider  string // its ID
	Domain    string // a mail domain, asked for autoconfig and SRV; "" asks nothing
	Endpoints []mailsettings.ServerEndpoint
}

// Targets returns every built-in provider with endpoints as a target, its
// first mail domain as Domain.
func Targets() []Target {
	var out []Target
	for p := range mailsettings.Providers() {
		info := p.Info()
		t := Target{Provider: info.ID, Endpoints: info.Endpoints}
		if len(t.Endpoints) == 0 {
			continue
		}
		if d := info.Domains; len(d) > 0 {
			t.Domain = d[0]
		}
		out = append(out, t)
	}
	return out
}

// A Checker re-checks targets. The zero value works: it uses the system
// resolver and dialer and the system's root certificates.
type Checker struct {
	Resolver  mailsettings.Resolver // nil: net.DefaultResolver
	Dialer    mailsettings.Dialer   // nil: a net.Dialer
	TLSConfig *tls.Config           // cloned; nil: the system roots
	// Timeout bounds each probe and each autoconfig request; zero means
	// 15 seconds.
	Timeout time.Duration
	// Parallel is how many probes and document fetches run at once; zero
	// means 4.
	Parallel int
	// HostInterval is the least time between two connections to one
	// host, so that a provider is not hammered; zero means one second.
	HostInterval time.Duration
	// Baseline, if not nil, is an earlier report: certificates are
	// compared with it.
	Baseline *Report
	// Now returns the time; nil means time.Now.
	Now func() time.Time
}

// A Report is the outcome of a re-check, in target order. Its JSON form
// is the drift report the command writes.
type Report struct {
	Date        string           `json:"date"`         // YYYY-MM-DD
	DataVersion string           `json:"data_version"` // the database checked
	Providers   []ProviderReport `json:"providers"`
}

// A ProviderReport is what was found for one target.
type ProviderReport struct {
	Provider  string           `json:"provider"`
	Domain    string           `json:"domain,omitempty"`
	Endpoints []EndpointReport `json:"endpoints"`
	// Published are the endpoints the provider itself publishes, in its
	// autoconfig document and its SRV records (RFC 6186, RFC 8314).
	Published []Published `json:"published,omitempty"`
	Drift     []Drift     `json:"drift,omitempty"`
}

// An EndpointReport is the probe of one endpoint.
type EndpointReport struct {
	Endpoint    string       `json:"endpoint"` // such as "imap imap.qq.com:993 tls"
	OK          bool         `json:"ok"`
	ErrorKind   string       `json:"error_kind,omitempty"`
	Error       string       `json:"error,omitempty"`
	Certificate *Certificate `json:"certificate,omitempty"`
}

// Certificate is what a report keeps of a server's certificate.
type Certificate struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	DNSNames []string  `json:"dns_names"`
	NotAfter time.Time `json:"not_after"`
}

// Published is an endpoint the provider publishes itself.
type Published struct {
	Endpoint string `json:"endpoint"`
	Where    string `json:"where"` // the autoconfig URL, or the SRV name
}

// The kinds of drift.
const (
	DriftFailed      = "failed"      // the endpoint did not pass the probe
	DriftCertificate = "certificate" // issuer or names differ from the baseline
	DriftPublished   = "published"   // the provider publishes an endpoint the table lacks
)

// A Drift is one difference between the table and what the provider does.
type Drift struct {
	Kind     string `json:"kind"`
	Endpoint string `json:"endpoint"`
	Detail   string `json:"detail"`
}

// endpointKey is the short form of an endpoint used in reports and in the
// curated overlay, such as "imap imap.qq.com:993 tls".
func endpointKey(e mailsettings.ServerEndpoint) string {
	return fmt.Sprintf("%s %s:%d %s", e.Protocol, e.Host, e.Port, e.Encryption)
}

// Run re-checks targets and returns the report. It ends when ctx does,
// with the report of what was checked by then and ctx's error.
func (c *Checker) Run(ctx context.Context, targets []Target) (*Report, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	rep := &Report{Date: now().UTC().Format(time.DateOnly), DataVersion: mailsettings.DataVersion,
		Providers: make([]ProviderReport, len(targets))}
	lim := newHostLimiter(c.interval())
	// A fixed pool of workers runs the jobs: at most Parallel probes or
	// document fetches at once. A job whose turn comes after ctx ended
	// records the cancellation and returns at once.
	var jobs []func()
	for i, t := range targets {
		pr := &rep.Providers[i]
		pr.Provider, pr.Domain = t.Provider, t.Domain
		pr.Endpoints = make([]EndpointReport, len(t.Endpoints))
		for j, e := range t.Endpoints {
			jobs = append(jobs, func() { pr.Endpoints[j] = c.probe(ctx, lim, e) })
		}
		if t.Domain != "" {
			jobs = append(jobs, func() { pr.Published = c.published(ctx, lim, t.Domain) })
		}
	}
	queue := make(chan func(), len(jobs))
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	var wg sync.WaitGroup
	for range min(c.parallel(), len(jobs)) {
		wg.Go(func() {
			for j := range queue {
				j()
			}
		})
	}
	wg.Wait()
	for i := range rep.Providers {
		c.drift(&rep.Providers[i], targets[i])
	}
	return rep, ctx.Err()
}

func (c *Checker) interval() time.Duration {
	if c.HostInterval > 0 {
		return c.HostInterval
	}
	return time.Second
}

func (c *Checker) parallel() int {
	if c.Parallel > 0 {
		return c.Parallel
	}
	return 4
}

func (c *Checker) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 15 * time.Second
}

// probe probes one endpoint, after waiting for its host's turn.
func (c *Checker) probe(ctx context.Context, lim *hostLimiter, e mailsettings.ServerEndpoint) EndpointReport {
	r := EndpointReport{Endpoint: endpointKey(e)}
	if err := lim.wait(ctx, e.Host); err != nil {
		r.ErrorKind, r.Error = "canceled", err.Error()
		return r
	}
	p := &mailsettings.Prober{Resolver: c.Resolver, Dialer: c.Dialer, TLSConfig: c.TLSConfig, Timeout: c.timeout()}
	res, err := p.Probe(ctx, e)
	if res != nil && res.Certificate != nil {
		r.Certificate = &Certificate{Subject: res.Certificate.Subject, Issuer: res.Certificate.Issuer,
			DNSNames: slices.Clone(res.Certificate.DNSNames), NotAfter: res.Certificate.NotAfter.UTC()}
	}
	if err != nil {
		r.Error = err.Error()
		if pe, ok := errors.AsType[*mailsettings.ProbeError](err); ok {
			r.ErrorKind = string(pe.Kind)
		}
		return r
	}
	r.OK = res.Verified
	if !r.OK {
		r.ErrorKind, r.Error = "unverified", "the certificate was not verified"
	}
	return r
}

// published returns the endpoints the provider publishes for domain: in
// its own autoconfig document (the two HTTPS locations of the Mozilla
// format) and in its SRV records.
func (c *Checker) published(ctx context.Context, lim *hostLimiter, domain string) []Published {
	var out []Published
	add := func(e mailsettings.ServerEndpoint, where string) {
		k := endpointKey(e)
		if !slices.ContainsFunc(out, func(p Published) bool { return p.Endpoint == k }) {
			out = append(out, Published{Endpoint: k, Where: where})
		}
	}
	for _, u := range []string{
		"https://autoconfig." + domain + "/mail/config-v1.1.xml",
		"https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml",
	} {
		if lim.wait(ctx, strings.SplitN(u, "/", 4)[2]) != nil {
			return out
		}
		info, err := c.fetchAutoconfig(ctx, u, domain)
		if err != nil {
			continue
		}
		for _, e := range info.Endpoints {
			add(e, u)
		}
		break // the first document found is the provider's
	}
	r := c.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	for _, s := range []struct {
		service string
		proto   mailsettings.Protocol
		enc     mailsettings.Encryption
	}{
		{"imaps", mailsettings.IMAP, mailsettings.ImplicitTLS}, {"imap", mailsettings.IMAP, mailsettings.STARTTLS},
		{"pop3s", mailsettings.POP3, mailsettings.ImplicitTLS}, {"pop3", mailsettings.POP3, mailsettings.STARTTLS},
		{"submissions", mailsettings.SMTP, mailsettings.ImplicitTLS}, {"submission", mailsettings.SMTP, mailsettings.STARTTLS},
	} {
		sctx, cancel := context.WithTimeout(ctx, c.timeout())
		_, recs, err := r.LookupSRV(sctx, s.service, "tcp", domain+".")
		cancel()
		if err != nil {
			continue
		}
		for _, rec := range recs {
			host := strings.ToLower(strings.TrimSuffix(rec.Target, "."))
			if host == "" || rec.Port == 0 {
				continue // "." means not offered (RFC 6186)
			}
			e := mailsettings.ServerEndpoint{Protocol: s.proto, Host: host, Port: rec.Port, Encryption: s.enc, Username: mailsettings.UsernameAddress}
			if e.Validate() == nil {
				add(e, "_"+s.service+"._tcp."+domain)
			}
		}
	}
	return out
}

// maxDocument bounds an autoconfig document.
const maxDocument = 1 << 20

// fetchAutoconfig fetches and parses one autoconfig document over HTTPS
// with a verified certificate, following no redirect to another host.
func (c *Checker) fetchAutoconfig(ctx context.Context, u, domain string) (mailsettings.ProviderInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return mailsettings.ProviderInfo{}, err
	}
	client := &http.Client{
		Transport: c.transport(),
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if r.URL.Scheme != "https" || r.URL.Host != via[0].URL.Host || len(via) > 3 {
				return errors.New("redirect refused")
			}
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		return mailsettings.ProviderInfo{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil || len(resp.TLS.VerifiedChains) == 0 {
		return mailsettings.ProviderInfo{}, fmt.Errorf("%s: status %d or no verified TLS", u, resp.StatusCode)
	}
	return mailsettings.AutoconfigParser{Domain: domain}.Parse(io.LimitReader(resp.Body, maxDocument))
}

// transport returns an HTTP transport that resolves with c.Resolver, dials
// with c.Dialer and verifies certificates with c.TLSConfig.
func (c *Checker) transport() *http.Transport {
	cfg := &tls.Config{}
	if c.TLSConfig != nil {
		cfg = c.TLSConfig.Clone()
	}
	cfg.InsecureSkipVerify = false
	cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
	return &http.Transport{
		TLSClientConfig:   cfg,
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			r := c.Resolver
			if r == nil {
				r = net.DefaultResolver
			}
			ips, err := r.LookupIPAddr(ctx, host)
			if err != nil {
				return nil, err
			}
			var d mailsettings.Dialer = &net.Dialer{}
			if c.Dialer != nil {
				d = c.Dialer
			}
			var errs []error
			for _, ip := range ips {
				conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.IP.String(), port))
				if err == nil {
					return conn, nil
				}
				errs = append(errs, err)
			}
			return nil, errors.Join(errs...)
		},
	}
}

// drift compares what was found with the table and the baseline.
func (c *Checker) drift(pr *ProviderReport, t Target) {
	var base map[string]*Certificate
	if c.Baseline != nil {
		base = map[string]*Certificate{}
		for _, bp := range c.Baseline.Providers {
			if bp.Provider != t.Provider {
				continue
			}
			for _, be := range bp.Endpoints {
				if be.Certificate != nil {
					base[be.Endpoint] = be.Certificate
				}
			}
		}
	}
	for _, e := range pr.Endpoints {
		if !e.OK {
			pr.Drift = append(pr.Drift, Drift{Kind: DriftFailed, Endpoint: e.Endpoint, Detail: e.ErrorKind + ": " + e.Error})
		}
		if b, now := base[e.Endpoint], e.Certificate; b != nil && now != nil {
			var diffs []string
			if b.Issuer != now.Issuer {
				diffs = append(diffs, fmt.Sprintf("issuer %q, was %q", now.Issuer, b.Issuer))
			}
			if !slices.Equal(sorted(b.DNSNames), sorted(now.DNSNames)) {
				diffs = append(diffs, fmt.Sprintf("names %q, were %q", now.DNSNames, b.DNSNames))
			}
			if len(diffs) > 0 {
				pr.Drift = append(pr.Drift, Drift{Kind: DriftCertificate, Endpoint: e.Endpoint, Detail: strings.Join(diffs, "; ")})
			}
		}
	}
	have := map[string]bool{}
	for _, e := range t.Endpoints {
		have[endpointKey(e)] = true
	}
	for _, p := range pr.Published {
		if !have[p.Endpoint] {
			pr.Drift = append(pr.Drift, Drift{Kind: DriftPublished, Endpoint: p.Endpoint, Detail: "published at " + p.Where + ", not in the table"})
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// WriteSummary writes a readable summary: one line per drift, grouped by
// provider, and the counts.
func (r *Report) WriteSummary(w io.Writer) error {
	probed, passed, drifts := 0, 0, 0
	var b strings.Builder
	for _, p := range r.Providers {
		for _, e := range p.Endpoints {
			probed++
			if e.OK {
				passed++
			}
		}
		for _, d := range p.Drift {
			drifts++
			fmt.Fprintf(&b, "%s: %s %s: %s\n", p.Provider, d.Kind, d.Endpoint, d.Detail)
		}
	}
	_, err := fmt.Fprintf(w, "recheck %s, data %s: %d providers, %d endpoints probed, %d passed, %d drifts\n%s",
		r.Date, r.DataVersion, len(r.Providers), probed, passed, drifts, b.String())
	return err
}

// Passed returns the endpoints that passed, in report order.
func (r *Report) Passed() []string {
	var out []string
	for _, p := range r.Providers {
		for _, e := range p.Endpoints {
			if e.OK {
				out = append(out, e.Endpoint)
			}
		}
	}
	return out
}

// A hostLimiter spaces connections to one host by at least an interval.
type hostLimiter struct {
	interval time.Duration
	mu       sync.Mutex
	next     map[string]time.Time
}

func newHostLimiter(d time.Duration) *hostLimiter {
	return &hostLimiter{interval: d, next: map[string]time.Time{}}
}

// wait blocks until host may be contacted, or ctx ends.
func (l *hostLimiter) wait(ctx context.Context, host string) error {
	l.mu.Lock()
	now := time.Now()
	at := now
	if n := l.next[host]; n.After(now) {
		at = n
	}
	l.next[host] = at.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// A checkedFile is the overlay file of re-check dates
// (internal/db/curated/checked.json), read by internal/dbgen.
type checkedFile struct {
	Comment string         `json:"comment"`
	Checked []checkedEntry `json:"checked"`
}

type checkedEntry struct {
	Endpoint string `json:"endpoint"`
	Date     string `json:"date"`
}

// UpdateChecked records in the overlay file at path (created if it does
// not exist) that every endpoint which passed in r was checked on r.Date,
// keeping the entries of other endpoints. It returns how many entries it
// set. Run go generate ./internal/db afterwards to carry the dates into the
// table.
func UpdateChecked(path string, r *Report) (int, error) {
	f := checkedFile{Comment: "Dates on which go run ./internal/cmd/recheck saw these endpoints pass a probe with a verified certificate. Written by internal/recheck.UpdateChecked; internal/dbgen takes the newest date as the endpoint's checked date."}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return 0, err
	default:
		if err := json.Unmarshal(data, &f); err != nil {
			return 0, fmt.Errorf("recheck: %s: %w", path, err)
		}
	}
	n := 0
	for _, e := range r.Passed() {
		i := slices.IndexFunc(f.Checked, func(c checkedEntry) bool { return c.Endpoint == e })
		if i < 0 {
			f.Checked = append(f.Checked, checkedEntry{Endpoint: e})
			i = len(f.Checked) - 1
		}
		if f.Checked[i].Date < r.Date {
			f.Checked[i].Date = r.Date
			n++
		}
	}
	slices.SortFunc(f.Checked, func(a, b checkedEntry) int { return strings.Compare(a.Endpoint, b.Endpoint) })
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return 0, err
	}
	return n, os.WriteFile(path, b.Bytes(), 0o644)
}
