package netdial_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// errRefused, errReset and errUnreachable are the errors a net.Dialer
// returns for these failures on Unix.
func errnoErr(n syscall.Errno) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", n)}
}

var (
	errRefused     = errnoErr(syscall.ECONNREFUSED)
	errReset       = errnoErr(syscall.ECONNRESET)
	errUnreachable = errnoErr(syscall.ENETUNREACH)
)

// A plan says what the fake dialer does for one address.
type plan struct {
	err       error         // fail after delay with err
	blackhole bool          // wait until the attempt's context is done
	delay     time.Duration // before succeeding (or failing with err)
	ignoreCtx bool          // succeed after delay even if the context is done
}

// A call is one DialContext of the fake dialer.
type call struct {
	addr     string
	at       time.Duration // since the dialer's start
	deadline time.Duration // the attempt's deadline since the start, or -1
}

// fakeDialer dials by plan, records its calls, and hands out fakeConns.
// An address without a plan succeeds at once.
type fakeDialer struct {
	start time.Time
	plans map[string]plan

	mu       sync.Mutex
	calls    []call
	conns    map[string]*fakeConn
	returned int
}

func newFake(plans map[string]plan) *fakeDialer {
	return &fakeDialer{start: time.Now(), plans: plans, conns: map[string]*fakeConn{}}
}

func (d *fakeDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c := call{addr: addr, at: time.Since(d.start), deadline: -1}
	if dl, ok := ctx.Deadline(); ok {
		c.deadline = dl.Sub(d.start)
	}
	d.mu.Lock()
	d.calls = append(d.calls, c)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.returned++
		d.mu.Unlock()
	}()
	p := d.plans[addr]
	if p.blackhole {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
	if p.ignoreCtx {
		time.Sleep(p.delay)
	} else if p.delay > 0 {
		t := time.NewTimer(p.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	fc := &fakeConn{addr: addr}
	d.mu.Lock()
	d.conns[addr] = fc
	d.mu.Unlock()
	return fc, nil
}

// order returns the addresses dialled, in order.
func (d *fakeDialer) order() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, c := range d.calls {
		out = append(out, c.addr)
	}
	return out
}

func (d *fakeDialer) call(addr string) call {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.calls {
		if c.addr == addr {
			return c
		}
	}
	return call{at: -1, deadline: -1}
}

func (d *fakeDialer) conn(addr string) *fakeConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[addr]
}

// allReturned reports whether every call has returned.
func (d *fakeDialer) allReturned() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.returned == len(d.calls)
}

// A fakeConn is a connection that only knows whether it was closed.
type fakeConn struct {
	net.Conn // nil: other methods are not used
	addr     string
	closed   atomic.Bool
}

func (c *fakeConn) Close() error { c.closed.Store(true); return nil }

// ipAddrs parses addresses.
func ipAddrs(t testing.TB, ss ...string) []net.IPAddr {
	t.Helper()
	out := make([]net.IPAddr, len(ss))
	for i, s := range ss {
		ip := net.ParseIP(s)
		if ip == nil {
			t.Fatalf("bad IP %q", s)
		}
		out[i] = net.IPAddr{IP: ip}
	}
	return out
}

// hp returns "ip:port" as Dial writes it.
func hp(ip string, port uint16) string { return net.JoinHostPort(ip, strconv.Itoa(int(port))) }

// serve starts a loopback TCP server on 127.0.0.1 that writes a greeting
// line to every connection and closes it, and returns its port.
func serve(tb testing.TB) uint16 {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("* OK ready\r\n"))
			c.Close()
		}
	})
	tb.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return uint16(ln.Addr().(*net.TCPAddr).Port)
}

// readGreeting reads the server's line from c and closes c.
func readGreeting(c net.Conn) error {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil && line != "* OK ready\r\n" {
		err = errors.New("unexpected greeting " + strconv.Quote(line))
	}
	return err
}

// noDialGoroutine fails the test if a goroutine of netdial is running.
func noDialGoroutine(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	if s := string(buf[:n]); strings.Contains(s, "netdial.Dial") {
		t.Fatalf("a goroutine of Dial outlived the call:\n%s", s)
	}
}
