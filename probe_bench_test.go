package mailsettings_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// The goals these benchmarks check (run with -benchmem, reported, not
// asserted): a probe of a loopback implicit-TLS IMAP server costs at most
// 1.15x BenchmarkProbeBaselineTLSDial, a bare tls.Dial plus reading the
// greeting against the same server (BenchmarkProbeVsBaseline runs the two
// alternately and reports the ratio); BenchmarkProbeAll500 reports the wall
// time, peak goroutines and allocations of probing 500 endpoints at once;
// the BenchmarkModeMismatch pair reports how long a mode mismatch takes to
// diagnose as a multiple of the greeting wait ("x-greeting-wait", goal:
// about 1, far from Timeout/GreetingTimeout).

func benchServer(b *testing.B, p mailsettings.Protocol) *mailsettingstest.Server {
	srv, err := mailsettingstest.Start(p, mailsettings.ImplicitTLS, mailsettingstest.WithCA(testCA))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkProbeImplicitTLS(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	p := srv.Prober()
	e := srv.Endpoint()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProbeBaselineTLSDial is the floor: dial, handshake with the same
// verification, read the greeting, close.
func BenchmarkProbeBaselineTLSDial(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	cfg := &tls.Config{RootCAs: testCA.Pool(), ServerName: srv.Host}
	b.ReportAllocs()
	for b.Loop() {
		c, err := tls.DialWithDialer(&net.Dialer{}, "tcp", srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkProbeVsBaseline alternates the two above against one server and
// reports the ratio of their total times ("probe/baseline", goal <= 1.15),
// so that load on a shared machine, which drifts between two benchmarks run
// one after the other, weighs on both sides alike.
func BenchmarkProbeVsBaseline(b *testing.B) {
	srv := benchServer(b, mailsettings.IMAP)
	p := srv.Prober()
	e := srv.Endpoint()
	cfg := &tls.Config{RootCAs: testCA.Pool(), ServerName: srv.Host}
	ctx := context.Background()
	var probe, base time.Duration
	for b.Loop() {
		t0 := time.Now()
		c, err := tls.DialWithDialer(&net.Dialer{}, "tcp", srv.Addr(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		c.Close()
		t1 := time.Now()
		if _, err := p.Probe(ctx, e); err != nil {
			b.Fatal(err)
		}
		base, probe = base+t1.Sub(t0), probe+time.Since(t1)
	}
	b.ReportMetric(float64(probe)/float64(base), "probe/baseline")
}

func BenchmarkProbeAll500(b *testing.B) {
	var eps []mailsettings.ServerEndpoint
	for _, p := range protocols {
		eps = append(eps, benchServer(b, p).Endpoint())
	}
	for len(eps) < 500 {
		eps = append(eps, eps[len(eps)%3])
	}
	p := mailsettings.Prober{
		Resolver:    mailsettingstest.LoopbackResolver("imap.example.test", "pop3.example.test", "smtp.example.test"),
		TLSConfig:   &tls.Config{RootCAs: testCA.Pool()},
		MaxParallel: 500,
	}
	ctx := context.Background()
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if n := int64(runtime.NumGoroutine()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	})
	b.ReportAllocs()
	for b.Loop() {
		for i, r := range p.ProbeAll(ctx, eps) {
			if r.Err != nil {
				b.Fatalf("endpoint %d: %v", i, r.Err)
			}
		}
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak.Load()), "peak-goroutines")
}

// benchMismatch probes srv with encryption enc, which its port does not
// speak, and reports the time per probe as a multiple of the greeting wait.
func benchMismatch(b *testing.B, srv *mailsettingstest.Server, enc mailsettings.Encryption, want mailsettings.ErrorKind) {
	const wait = 200 * time.Millisecond
	p := srv.Prober()
	p.Timeout, p.GreetingTimeout = 30*time.Second, wait
	e := srv.Endpoint()
	e.Encryption = enc
	ctx := context.Background()
	start := time.Now()
	for b.Loop() {
		if _, err := p.Probe(ctx, e); mailsettings.KindOf(err) != want {
			b.Fatalf("Probe: %v, want %s", err, want)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(wait), "x-greeting-wait")
}

// BenchmarkModeMismatchSTARTTLSOnImplicit: a STARTTLS probe of an
// implicit-TLS IMAP port waits one greeting wait, then finds TLS.
func BenchmarkModeMismatchSTARTTLSOnImplicit(b *testing.B) {
	benchMismatch(b, benchServer(b, mailsettings.IMAP), mailsettings.STARTTLS, mailsettings.KindExpectedPlaintextGotTLS)
}

// BenchmarkModeMismatchPlaintextOnImplicit: the same for a plaintext
// probe of an implicit-TLS submission port.
func BenchmarkModeMismatchPlaintextOnImplicit(b *testing.B) {
	benchMismatch(b, benchServer(b, mailsettings.SMTP), mailsettings.Plaintext, mailsettings.KindExpectedPlaintextGotTLS)
}
