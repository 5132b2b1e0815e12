// Package netdialtest makes a blackholed TCP address on loopback, for
// tests of what a dial does when an address never answers.
package netdialtest

import (
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
)

// Blackhole listens on ip:port (port 0 picks a free port) and fills the
// listener's accept queue without ever accepting, so that the kernel drops
// every further connection attempt (SYN) to it: a dial there waits until
// its deadline, as for a host behind a firewall that drops packets. It
// returns the address ("ip:port"), and closes everything when the test
// ends.
//
// It needs a system that drops SYNs to a listener whose queue is full, as
// Linux and the BSDs do. Elsewhere the test is skipped with a message, or
// fails if the environment variable CI is set to a value other than "",
// "false" or "0".
func Blackhole(tb testing.TB, ip string, port int) string {
	tb.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		unsupported(tb, "listen: "+err.Error())
	}
	tb.Cleanup(func() { ln.Close() })
	if err := shrinkBacklog(ln.(*net.TCPListener)); err != nil {
		unsupported(tb, "backlog: "+err.Error())
	}
	addr := ln.Addr().String()
	const (
		fillWait    = 100 * time.Millisecond // a loopback connect takes microseconds
		confirmWait = 250 * time.Millisecond
		maxConns    = 64
	)
	for range maxConns {
		c, err := net.DialTimeout("tcp", addr, fillWait)
		if err == nil {
			tb.Cleanup(func() { c.Close() })
			continue
		}
		if !isTimeout(err) {
			unsupported(tb, "filling the queue: "+err.Error())
		}
		// The queue looks full; a second, longer try must time out too,
		// in case the first was merely slow.
		c, err = net.DialTimeout("tcp", addr, confirmWait)
		if err == nil {
			tb.Cleanup(func() { c.Close() })
			continue
		}
		if !isTimeout(err) {
			unsupported(tb, "filling the queue: "+err.Error())
		}
		return addr
	}
	unsupported(tb, "the accept queue never filled")
	return ""
}

func isTimeout(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// unsupported skips the test, or fails it under CI.
func unsupported(tb testing.TB, why string) {
	tb.Helper()
	msg := "netdialtest: cannot make a blackholed address here (" + why + ")"
	testenv.Unusable(tb, msg)
}
