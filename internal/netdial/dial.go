package netdial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// Defaults of a zero [Options].
const (
	// DefaultHeadStart is the "Connection Attempt Delay" that RFC 8305,
	// section 8, recommends.
	DefaultHeadStart = 250 * time.Millisecond
	// DefaultMaxAddrs is how many addresses a dial tries.
	DefaultMaxAddrs = 4
	// DefaultMinAttempt is the least time an attempt gets when the
	// deadline is split, the minimum net.Dialer uses.
	DefaultMinAttempt = 2 * time.Second
)

// Options tune [Dial]. The zero value uses the defaults.
type Options struct {
	// HeadStart is how long an attempt runs alone before the next one
	// starts, unless it fails sooner. Zero or less means DefaultHeadStart.
	HeadStart time.Duration
	// MaxAddrs is how many addresses are tried at most. Zero or less means
	// DefaultMaxAddrs.
	MaxAddrs int
	// MinAttempt is the least time an attempt gets (unless less is left
	// before the deadline). Zero or less means DefaultMinAttempt.
	MinAttempt time.Duration
}

func (o Options) headStart() time.Duration {
	if o.HeadStart > 0 {
		return o.HeadStart
	}
	return DefaultHeadStart
}

func (o Options) maxAddrs() int {
	if o.MaxAddrs > 0 {
		return o.MaxAddrs
	}
	return DefaultMaxAddrs
}

func (o Options) minAttempt() time.Duration {
	if o.MinAttempt > 0 {
		return o.MinAttempt
	}
	return DefaultMinAttempt
}

// ErrNoAddress is the error of a [Dial] given no address it can use.
var ErrNoAddress = errors.New("no address to dial")

// A DialError is a failed [Dial]: the error of the most relevant attempt
// (see Dial), which stays reachable with [errors.Is] and [errors.As].
type DialError struct {
	Addr  string // the address ("ip:port") whose attempt failed with Err, or ""
	Tried int    // how many addresses were tried
	Err   error
}

// Error returns the attempt's error and, if more than one address was
// tried, how many.
func (e *DialError) Error() string {
	if e.Tried > 1 {
		return fmt.Sprintf("%v (%d addresses tried)", e.Err, e.Tried)
	}
	return e.Err.Error()
}

// Unwrap returns the attempt's error.
func (e *DialError) Unwrap() error { return e.Err }

// Dial connects to port on one of addrs, as [Resolve] returns them, in
// the manner of Happy Eyeballs version 2 (RFC 8305). A nil d means a zero
// [net.Dialer]. network ("tcp", "tcp4" or "tcp6") is passed to d; "tcp4"
// and "tcp6" also drop the addresses of the other family.
//
// The addresses are put in order first: the family of the first address
// first, then alternating with the other family (RFC 8305, section 4),
// without duplicates, and only the first opts.MaxAddrs of that order are
// tried. The first attempt starts at once; each further one starts when
// the one before has run for opts.HeadStart or has failed, whichever is
// first. When ctx has a deadline, each attempt also gets a deadline of its
// own, as [net.Dialer] does for its addresses: an equal share of the time
// left among the addresses not yet started, but at least opts.MinAttempt
// (or all the time left, if less). So a dead address delays the others by
// at most the head start, and even with a long head start costs at most
// its share of the time.
//
// The first connection to succeed wins: Dial returns it and the address
// it connected to ("ip:port"). Every other attempt is canceled and any
// connection it made is closed. Dial returns only when every attempt it
// started has returned, so it leaves no goroutine behind.
//
// When every attempt fails, the error is a [*DialError] holding the most
// relevant failure, and the address returned is that attempt's. The
// failures rank, by [Classify]: refused, then reset, then timeout, then any
// other error, then unreachable, then canceled; among equals, the address
// first in order. A refusal is a definite answer from a host, which is
// what a user can act on, while an unreachable address is typically the
// other family missing on this machine (no IPv6 route), which says nothing
// about the server. If ctx itself was canceled, the error is a canceled
// attempt's, so that it matches [context.Canceled].
func Dial(ctx context.Context, d Dialer, network string, addrs []net.IPAddr, port uint16, opts Options) (net.Conn, string, error) {
	if d == nil {
		d = &net.Dialer{}
	}
	list := order(network, addrs, opts.maxAddrs())
	if len(list) == 0 {
		return nil, "", &DialError{Err: ErrNoAddress}
	}
	targets := make([]string, len(list))
	for i, a := range list {
		targets[i] = joinHostPort(a, port)
	}
	if err := ctx.Err(); err != nil {
		return nil, targets[0], &DialError{Addr: targets[0], Err: &net.OpError{Op: "dial", Net: network, Err: err}}
	}

	dctx, cancel := context.WithCancel(ctx)
	results := make(chan attempt, len(list)) // never blocks a sender
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		close(results)
		for r := range results {
			if r.conn != nil {
				r.conn.Close()
			}
		}
	}()
	minAttempt := opts.minAttempt()
	next := 0
	start := func() {
		i := next
		next++
		actx, acancel := attemptContext(dctx, len(list)-i, minAttempt)
		wg.Go(func() {
			defer acancel()
			c, err := d.DialContext(actx, network, targets[i])
			results <- attempt{i: i, conn: c, err: err}
		})
	}

	headStart := opts.headStart()
	start()
	running := 1
	timer := time.NewTimer(headStart)
	defer timer.Stop()
	failed := make([]attempt, 0, len(list))
	for running > 0 {
		select {
		case <-timer.C:
			if next < len(list) && ctx.Err() == nil {
				start()
				running++
				timer.Reset(headStart)
			}
		case r := <-results:
			running--
			if r.err == nil && r.conn != nil {
				return r.conn, targets[r.i], nil
			}
			if r.conn != nil {
				r.conn.Close()
			}
			if r.err == nil {
				r.err = fmt.Errorf("dial %s %s: no connection and no error", network, targets[r.i])
			}
			r.conn = nil
			failed = append(failed, r)
			if next < len(list) && ctx.Err() == nil {
				start()
				running++
				timer.Reset(headStart)
			}
		}
	}
	best := pick(failed, errors.Is(ctx.Err(), context.Canceled))
	return nil, targets[best.i], &DialError{Addr: targets[best.i], Tried: next, Err: best.err}
}

// An attempt is the outcome of dialing list[i].
type attempt struct {
	i    int
	conn net.Conn
	err  error
}

// attemptContext returns the context of an attempt with remaining
// addresses left to start, itself included: its share of the time left
// before ctx's deadline, but at least minimum (or all the time left).
func attemptContext(ctx context.Context, remaining int, minimum time.Duration) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	left := time.Until(dl)
	share := left / time.Duration(remaining)
	if share < minimum {
		share = min(minimum, left)
	}
	return context.WithTimeout(ctx, share)
}

// rank orders the classes of failed attempts, the most relevant highest.
func rank(c Class) int {
	switch c {
	case ClassRefused:
		return 5
	case ClassReset:
		return 4
	case ClassTimeout:
		return 3
	case ClassUnreachable:
		return 1
	case ClassCanceled:
		return 0
	}
	return 2
}

// pick returns the most relevant of the failed attempts (not empty): the
// highest rank, the first in order among equals, and a canceled one if
// canceled is true.
func pick(failed []attempt, canceled bool) attempt {
	var best attempt
	bestRank := -1
	for _, f := range failed {
		r := rank(Classify(f.err))
		if canceled && r == 0 {
			r = 100
		}
		if r > bestRank || r == bestRank && f.i < best.i {
			best, bestRank = f, r
		}
	}
	return best
}

// order returns the addresses to try: those of network's family, without
// duplicates, the family of the first one first and then alternating,
// at most max of them.
func order(network string, addrs []net.IPAddr, max int) []net.IPAddr {
	var first, other []net.IPAddr
	firstV4 := false
	seen := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		v4 := a.IP.To4() != nil
		switch {
		case len(a.IP) != net.IPv4len && len(a.IP) != net.IPv6len,
			network == "tcp4" && !v4, network == "tcp6" && v4:
			continue
		}
		key := a.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(first) == 0 {
			firstV4 = v4
		}
		if v4 == firstV4 {
			first = append(first, a)
		} else {
			other = append(other, a)
		}
	}
	out := make([]net.IPAddr, 0, min(max, len(first)+len(other)))
	for i := 0; len(out) < max && (i < len(first) || i < len(other)); i++ {
		if i < len(first) {
			out = append(out, first[i])
		}
		if i < len(other) && len(out) < max {
			out = append(out, other[i])
		}
	}
	return out
}

// joinHostPort returns "ip:port", or "[ip%zone]:port".
func joinHostPort(a net.IPAddr, port uint16) string {
	return net.JoinHostPort(a.String(), strconv.Itoa(int(port)))
}
