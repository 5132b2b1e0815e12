// Package netdial resolves host names and opens TCP connections for the
// probes, guesses and HTTP fetches of mailsettings, in one way for all of
// them.
//
// [Resolve] turns a host into addresses: IP literals as they are,
// localhost names as loopback without asking anyone (RFC 6761, section
// 6.3), single-label names through the hosts file, and every other name
// fully qualified, so that no search domain is ever appended to it.
//
// [Dial] connects to one of those addresses in the manner of Happy
// Eyeballs version 2 (RFC 8305): address families alternate, each attempt
// gets a short head start before the next one begins, the first
// connection wins, and every attempt gets at most its share of the time
// left, so one dead address costs a fraction of the budget instead of all
// of it.
//
// [Classify] sorts network errors into a few classes (refused, reset,
// timeout, unreachable, DNS not found, DNS failure, canceled) by
// [errors.Is] and [errors.As], with the operating system's error numbers,
// so that the classes are the same on every operating system.
//
// The package has no mutable package-level state and starts no goroutine
// that outlives a call.
package netdial

import (
	"context"
	"net"
)

// A Resolver looks up the addresses of a host. [*net.Resolver] satisfies
// it, and so does every mailsettings.Resolver.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// A Dialer opens a network connection to an address. [*net.Dialer]
// satisfies it, and so does every mailsettings.Dialer. Its DialContext must
// return soon after ctx is done: [Dial] waits for every attempt it started.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}
