package mailsettings

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

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
		if best, _ := disc.Best(); err != nil || best.Source != SourceMX {
			b.Fatalf("parallel: %v %v", best.Source, err)
		}
		start = time.Now()
		cands := d.discoverSequential(ctx, "alice@hosted.test")
		seq += time.Since(start)
		if len(cands) != 1 || cands[0].Source != SourceMX {
			b.Fatalf("sequential: %v", cands)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(par.Milliseconds())/n, "ms-parallel")
	b.ReportMetric(float64(seq.Milliseconds())/n, "ms-sequential")
	b.ReportMetric(float64(par)/n/float64(delay), "x-winner-time")
	b.ReportMetric(float64(seq)/float64(par), "x-speedup")
}
