package netdial_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/netdial"
	"github.com/mailsettings/mailsettings/internal/netdial/netdialtest"
)

const port = 993

// TestDialOrder checks the order of attempts: the first address's family,
// then alternating, no duplicates, at most MaxAddrs, only the network's
// family for tcp4 and tcp6.
func TestDialOrder(t *testing.T) {
	const (
		v6a, v6b, v6c = "2001:db8::a", "2001:db8::b", "2001:db8::c"
		v4a, v4b, v4c = "192.0.2.1", "192.0.2.2", "192.0.2.3"
	)
	for _, c := range []struct {
		name    string
		network string
		addrs   []string
		max     int
		want    []string
	}{
		{"v6-first", "tcp", []string{v6a, v6b, v6c, v4a, v4b}, 0, []string{v6a, v4a, v6b, v4b}},
		{"v4-first", "tcp", []string{v4a, v6a, v6b, v4b}, 0, []string{v4a, v6a, v4b, v6b}},
		{"one-family", "tcp", []string{v4a, v4b, v4c}, 0, []string{v4a, v4b, v4c}},
		{"uneven", "tcp", []string{v6a, v4a, v4b, v4c}, 0, []string{v6a, v4a, v4b, v4c}},
		{"max", "tcp", []string{v6a, v6b, v6c, v4a, v4b, v4c}, 6, []string{v6a, v4a, v6b, v4b, v6c, v4c}},
		{"max-2", "tcp", []string{v6a, v6b, v4a}, 2, []string{v6a, v4a}},
		{"duplicates", "tcp", []string{v4a, v4a, "::ffff:192.0.2.1", v6a, v6a}, 0, []string{v4a, v6a}},
		{"tcp4", "tcp4", []string{v6a, v4a, v6b, v4b}, 0, []string{v4a, v4b}},
		{"tcp6", "tcp6", []string{v6a, v4a, v6b, v4b}, 0, []string{v6a, v6b}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var plans = map[string]plan{}
			for _, a := range c.addrs {
				plans[hp(a, port)] = plan{err: errRefused}
			}
			d := newFake(plans)
			_, _, err := netdial.Dial(context.Background(), d, c.network, ipAddrs(t, c.addrs...), port, netdial.Options{MaxAddrs: c.max})
			if netdial.Classify(err) != netdial.ClassRefused {
				t.Fatalf("err = %v, want refused", err)
			}
			var want []string
			for _, a := range c.want {
				want = append(want, hp(a, port))
			}
			if got := d.order(); !slices.Equal(got, want) {
				t.Errorf("order = %q, want %q", got, want)
			}
			if de, ok := errors.AsType[*netdial.DialError](err); !ok || de.Tried != len(want) || de.Addr != want[0] {
				t.Errorf("DialError = %+v, want Tried %d, Addr %s", de, len(want), want[0])
			}
		})
	}
}

// TestDialHeadStart: with every address but the fourth blackholed, the
// attempts start one head start apart, in interleaved order, and the
// fourth wins; the losers are canceled before Dial returns.
func TestDialHeadStart(t *testing.T) {
	const timeout = 10 * time.Second
	headStart := 50 * time.Millisecond
	addrs := []string{"2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2", "2001:db8::3"}
	d := newFake(map[string]plan{
		hp(addrs[0], port): {blackhole: true},
		hp(addrs[1], port): {blackhole: true},
		hp(addrs[2], port): {blackhole: true},
	})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	c, addr, err := netdial.Dial(ctx, d, "tcp", ipAddrs(t, addrs...), port, netdial.Options{HeadStart: headStart})
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := []string{hp(addrs[0], port), hp(addrs[2], port), hp(addrs[1], port), hp(addrs[3], port)}
	if got := d.order(); !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
	if addr != want[3] || c.(*fakeConn).addr != want[3] {
		t.Errorf("connected to %s (conn %s), want %s", addr, c.(*fakeConn).addr, want[3])
	}
	// Three head starts pass one after the other before the fourth
	// attempt; timers never fire early.
	if elapsed < 3*headStart || elapsed > timeout/2 {
		t.Errorf("Dial took %v, want between 3 head starts (%v) and half the timeout", elapsed, 3*headStart)
	}
	if !d.allReturned() {
		t.Error("an attempt was still running when Dial returned")
	}
	noDialGoroutine(t)
}

// TestDialFailureStartsNext: a failed attempt starts the next one at once,
// without waiting for the head start.
func TestDialFailureStartsNext(t *testing.T) {
	const timeout = 10 * time.Second
	addrs := []string{"2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2"}
	d := newFake(map[string]plan{
		hp(addrs[0], port): {err: errRefused},
		hp(addrs[1], port): {err: errUnreachable},
		hp(addrs[2], port): {err: errReset},
	})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	c, addr, err := netdial.Dial(ctx, d, "tcp", ipAddrs(t, addrs...), port, netdial.Options{HeadStart: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if elapsed := time.Since(t0); elapsed > timeout/2 {
		t.Errorf("Dial took %v, want well under the timeout (%v)", elapsed, timeout)
	}
	if addr != hp(addrs[3], port) {
		t.Errorf("addr = %s", addr)
	}
}

// TestDialSplitsDeadline checks each attempt's own deadline: an equal
// share of the time left among the addresses not yet started, but at
// least MinAttempt.
func TestDialSplitsDeadline(t *testing.T) {
	addrs := []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}
	for _, c := range []struct {
		name       string
		timeout    time.Duration
		minAttempt time.Duration
		want       []time.Duration // each attempt's deadline from its start, roughly
	}{
		// The attempts fail at once, so the time left stays about the
		// timeout: 8s/4, 8s/3, 8s/2, 8s/1.
		{"share", 8 * time.Second, 100 * time.Millisecond, []time.Duration{2 * time.Second, 8 * time.Second / 3, 4 * time.Second, 8 * time.Second}},
		// 3s/4, 3s/3 and 3s/2 are under the minimum, 3s/1 is not.
		{"minimum", 3 * time.Second, 2 * time.Second, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second, 3 * time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Each attempt fails at once after recording its deadline, so
			// the next starts right away.
			plans := map[string]plan{}
			for _, a := range addrs {
				plans[hp(a, port)] = plan{err: errRefused}
			}
			d := newFake(plans)
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			netdial.Dial(ctx, d, "tcp", ipAddrs(t, addrs...), port, netdial.Options{MinAttempt: c.minAttempt, HeadStart: time.Hour})
			for i, a := range addrs {
				cl := d.call(hp(a, port))
				if cl.deadline < 0 {
					t.Fatalf("attempt %d: no deadline", i)
				}
				// The attempts start within milliseconds; allow a tenth of
				// the timeout for a slow machine.
				if got := cl.deadline - cl.at; got < c.want[i]-c.timeout/10 || got > c.want[i]+c.timeout/10 {
					t.Errorf("attempt %d: deadline %v after its start, want about %v", i, got, c.want[i])
				}
			}
		})
	}
	t.Run("no-deadline", func(t *testing.T) {
		d := newFake(map[string]plan{hp(addrs[0], port): {err: errRefused}})
		c, _, err := netdial.Dial(context.Background(), d, "tcp", ipAddrs(t, addrs[:2]...), port, netdial.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if cl := d.call(hp(addrs[0], port)); cl.deadline != -1 {
			t.Errorf("attempt with a deadline (%v) although ctx had none", cl.deadline)
		}
	})
}

// TestDialErrorRanking: on total failure the most relevant error is
// returned, with its address.
func TestDialErrorRanking(t *testing.T) {
	other := errors.New("proxy says no")
	for _, c := range []struct {
		name  string
		plans []plan
		want  netdial.Class
		index int // of the address whose error is returned
	}{
		{"refused-beats-timeout", []plan{{blackhole: true}, {err: errRefused}}, netdial.ClassRefused, 1},
		{"refused-beats-reset", []plan{{err: errReset}, {err: errRefused}}, netdial.ClassRefused, 1},
		{"reset-beats-timeout", []plan{{blackhole: true}, {err: errReset}}, netdial.ClassReset, 1},
		{"timeout-beats-unreachable", []plan{{err: errUnreachable}, {blackhole: true}}, netdial.ClassTimeout, 1},
		{"timeout-beats-other", []plan{{err: other}, {blackhole: true}}, netdial.ClassTimeout, 1},
		{"other-beats-unreachable", []plan{{err: errUnreachable}, {err: other}}, netdial.ClassOther, 1},
		{"first-among-equals", []plan{{err: errRefused}, {err: errRefused}}, netdial.ClassRefused, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			addrs := []string{"2001:db8::1", "192.0.2.1"}
			plans := map[string]plan{}
			for i, p := range c.plans {
				plans[hp(addrs[i], port)] = p
			}
			d := newFake(plans)
			ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
			defer cancel()
			_, addr, err := netdial.Dial(ctx, d, "tcp", ipAddrs(t, addrs...), port, netdial.Options{HeadStart: 20 * time.Millisecond, MinAttempt: 50 * time.Millisecond})
			if got := netdial.Classify(err); got != c.want {
				t.Errorf("Classify(%v) = %v, want %v", err, got, c.want)
			}
			want := hp(addrs[c.index], port)
			if de, ok := errors.AsType[*netdial.DialError](err); addr != want || !ok || de.Addr != want || de.Tried != 2 {
				t.Errorf("addr %s, DialError %+v, want address %s and 2 tried", addr, de, want)
			}
		})
	}
	t.Run("refused-is-errno", func(t *testing.T) {
		d := newFake(map[string]plan{hp("192.0.2.1", port): {err: errRefused}})
		_, _, err := netdial.Dial(context.Background(), d, "tcp", ipAddrs(t, "192.0.2.1"), port, netdial.Options{})
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("errors.Is(%v, ECONNREFUSED) = false", err)
		}
	})
}

// TestDialClosesLosers: a connection that an attempt made after another
// won is closed, even from a dialer that ignores its context; the winner's
// is not.
func TestDialClosesLosers(t *testing.T) {
	a, b := hp("2001:db8::1", port), hp("192.0.2.1", port)
	d := newFake(map[string]plan{
		a: {delay: 60 * time.Millisecond},
		b: {delay: 100 * time.Millisecond, ignoreCtx: true},
	})
	c, addr, err := netdial.Dial(context.Background(), d, "tcp", ipAddrs(t, "2001:db8::1", "192.0.2.1"), port, netdial.Options{HeadStart: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if addr != a || c != net.Conn(d.conn(a)) {
		t.Fatalf("won %s, want %s", addr, a)
	}
	if d.conn(a).closed.Load() {
		t.Error("the winner's connection was closed")
	}
	if lc := d.conn(b); lc == nil || !lc.closed.Load() {
		t.Errorf("the loser's connection %v was not closed", lc)
	}
	c.Close()
}

func TestDialNoAddress(t *testing.T) {
	for _, c := range []struct {
		network string
		addrs   []net.IPAddr
	}{
		{"tcp", nil},
		{"tcp4", ipAddrs(t, "2001:db8::1")},
		{"tcp6", ipAddrs(t, "192.0.2.1")},
		{"tcp", []net.IPAddr{{}}},
	} {
		d := newFake(nil)
		_, _, err := netdial.Dial(context.Background(), d, c.network, c.addrs, port, netdial.Options{})
		if !errors.Is(err, netdial.ErrNoAddress) || len(d.order()) != 0 {
			t.Errorf("%s %v: err %v, calls %q", c.network, c.addrs, err, d.order())
		}
	}
}

// TestDialCanceled: canceling ctx mid-dial ends every attempt, the error
// is a cancellation (even when another attempt was refused), and nothing
// is left running.
func TestDialCanceled(t *testing.T) {
	for _, c := range []struct {
		name  string
		plans []plan
	}{
		{"blackholes", []plan{{blackhole: true}, {blackhole: true}}},
		{"refused-then-blackhole", []plan{{err: errRefused}, {blackhole: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			addrs := []string{"2001:db8::1", "192.0.2.1"}
			plans := map[string]plan{}
			for i, p := range c.plans {
				plans[hp(addrs[i], port)] = p
			}
			d := newFake(plans)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			_, _, err := netdial.Dial(ctx, d, "tcp", ipAddrs(t, addrs...), port, netdial.Options{HeadStart: 10 * time.Millisecond})
			if netdial.Classify(err) != netdial.ClassCanceled || !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v (%v), want canceled", err, netdial.Classify(err))
			}
			if len(d.order()) != 2 || !d.allReturned() {
				t.Errorf("calls %q, all returned %v", d.order(), d.allReturned())
			}
			noDialGoroutine(t)
		})
	}
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d := newFake(nil)
		_, _, err := netdial.Dial(ctx, d, "tcp", ipAddrs(t, "192.0.2.1"), port, netdial.Options{})
		if !errors.Is(err, context.Canceled) || len(d.order()) != 0 {
			t.Errorf("err %v, calls %q", err, d.order())
		}
	})
	t.Run("real-blackhole", func(t *testing.T) {
		p := serve(t)
		netdialtest.Blackhole(t, "127.0.0.2", int(p))
		netdialtest.Blackhole(t, "127.0.0.3", int(p))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		t0 := time.Now()
		_, _, err := netdial.Dial(ctx, nil, "tcp", ipAddrs(t, "127.0.0.2", "127.0.0.3"), p, netdial.Options{HeadStart: 10 * time.Millisecond})
		if netdial.Classify(err) != netdial.ClassCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want canceled", err)
		}
		if elapsed := time.Since(t0); elapsed > 5*time.Second {
			t.Errorf("Dial returned %v after the cancel", elapsed)
		}
		noDialGoroutine(t)
	})
}

// TestDialRealBlackholedFirst: with the first address blackholed (a
// loopback listener whose accept queue is full), the second is reached
// after about one head start, well within the timeout.
func TestDialRealBlackholedFirst(t *testing.T) {
	const timeout = 10 * time.Second
	p := serve(t)
	netdialtest.Blackhole(t, "127.0.0.2", int(p))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	c, addr, err := netdial.Dial(ctx, nil, "tcp", ipAddrs(t, "127.0.0.2", "127.0.0.1"), p, netdial.Options{})
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatalf("Dial: %v after %v", err, elapsed)
	}
	if err := readGreeting(c); err != nil {
		t.Error(err)
	}
	if addr != hp("127.0.0.1", p) {
		t.Errorf("addr = %s", addr)
	}
	if elapsed > timeout/4 {
		t.Errorf("reached the healthy address after %v, want well under half the timeout (%v)", elapsed, timeout)
	}
}

// TestDialRealBlackholedSplit: even with a head start longer than the
// timeout, the blackholed first address gets only its share of the time
// (half, with two addresses), and the second is reached in time.
func TestDialRealBlackholedSplit(t *testing.T) {
	const timeout = 2 * time.Second
	p := serve(t)
	netdialtest.Blackhole(t, "127.0.0.2", int(p))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	c, addr, err := netdial.Dial(ctx, nil, "tcp", ipAddrs(t, "127.0.0.2", "127.0.0.1"), p, netdial.Options{HeadStart: time.Hour, MinAttempt: 100 * time.Millisecond})
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatalf("Dial: %v after %v", err, elapsed)
	}
	c.Close()
	if addr != hp("127.0.0.1", p) {
		t.Errorf("addr = %s", addr)
	}
	// Deadlines never fire early, so the first attempt took at least its
	// half.
	if elapsed < timeout/2 || elapsed > timeout*3/4 {
		t.Errorf("Dial took %v, want just over half the timeout (%v)", elapsed, timeout/2)
	}
}

// TestDialRealRefusedFirst: a refused first address (nothing listens
// there) falls through to the second at once, without the head start.
func TestDialRealRefusedFirst(t *testing.T) {
	const timeout = 10 * time.Second
	p := serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	c, addr, err := netdial.Dial(ctx, nil, "tcp", ipAddrs(t, "127.0.0.2", "127.0.0.1"), p, netdial.Options{HeadStart: time.Hour})
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := readGreeting(c); err != nil {
		t.Error(err)
	}
	if addr != hp("127.0.0.1", p) || elapsed > timeout/4 {
		t.Errorf("connected to %s after %v, want 127.0.0.1 well within %v", addr, elapsed, timeout)
	}
}

// TestDialRealAllBlackholed: every address blackholed ends in a timeout
// within the deadline.
func TestDialRealAllBlackholed(t *testing.T) {
	const timeout = time.Second
	p := serve(t)
	netdialtest.Blackhole(t, "127.0.0.2", int(p))
	netdialtest.Blackhole(t, "127.0.0.3", int(p))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	t0 := time.Now()
	_, _, err := netdial.Dial(ctx, nil, "tcp", ipAddrs(t, "127.0.0.2", "127.0.0.3"), p, netdial.Options{HeadStart: 50 * time.Millisecond})
	elapsed := time.Since(t0)
	if netdial.Classify(err) != netdial.ClassTimeout {
		t.Errorf("err = %v (%v), want a timeout", err, netdial.Classify(err))
	}
	if elapsed > 2*timeout {
		t.Errorf("Dial took %v with a %v timeout", elapsed, timeout)
	}
}
