package netdial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Errors a [*ResolveError] matches with [errors.Is].
var (
	// ErrNotFound: the name does not exist, or has no address.
	ErrNotFound = errors.New("host not found")
	// ErrLookup: the lookup failed for another reason (a server failure,
	// no answer in time, a canceled context).
	ErrLookup = errors.New("host lookup failed")
)

// A ResolveError is a failed [Resolve]. It matches [ErrNotFound] or
// [ErrLookup] with [errors.Is], and the resolver's own error (such as a
// [*net.DNSError]) stays reachable with [errors.As].
type ResolveError struct {
	Host     string // the host as given to Resolve
	Asked    string // the name asked of the resolver
	Resolver string // the resolver asked, such as "the system resolver at 192.0.2.53:53", or "" if not known
	NotFound bool   // the name does not exist or has no address
	Err      error  // the resolver's error
}

// Error says what was asked of which resolver, when that is known, and
// what went wrong.
func (e *ResolveError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "resolve %q: asked %q", e.Host, e.Asked)
	if e.Resolver != "" {
		b.WriteString(" of " + e.Resolver)
	}
	b.WriteString(": ")
	if de, ok := errors.AsType[*net.DNSError](e.Err); ok && de.Err != "" {
		// The rest of a DNSError's text repeats the name and server.
		b.WriteString(de.Err)
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else if e.NotFound {
		b.WriteString(ErrNotFound.Error())
	} else {
		b.WriteString(ErrLookup.Error())
	}
	return b.String()
}

// Unwrap returns the resolver's error.
func (e *ResolveError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrNotFound] for a name that does not
// exist, or [ErrLookup] for any other failure.
func (e *ResolveError) Is(target error) bool {
	return target == ErrNotFound && e.NotFound || target == ErrLookup && !e.NotFound
}

// Resolve returns the addresses of host, in the resolver's order, without
// duplicates. A nil r means [net.DefaultResolver]. The rules:
//
//   - An IP address literal (an IPv6 one may have a zone) is returned as
//     it is; nothing is asked.
//   - "localhost" and every name under "localhost." (without regard to
//     case, with or without a final dot) are 127.0.0.1 and ::1, in that
//     order; nothing is asked (RFC 6761, section 6.3: such names always
//     resolve to loopback). IPv4 comes first because more servers listen
//     there; a refused ::1 costs nothing, since [Dial] moves on at once.
//   - A single-label name without a final dot (such as "mailhost") is
//     asked as it is. Go's resolver then looks in the hosts file first,
//     as users expect; the consequence is that, if the hosts file does
//     not know it, the system's DNS search domains are appended to it (as
//     in every other program on the machine), so the answer may be for a
//     name such as mailhost.corp.example. Names from the network never
//     take this path: mailsettings rejects single-label server names in
//     documents and DNS answers.
//   - Every other name is asked fully qualified (with a final dot), so a
//     resolver never appends a search domain to it.
//
// A failure is a [*ResolveError].
func Resolve(ctx context.Context, r Resolver, host string) ([]net.IPAddr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []net.IPAddr{{IP: a.AsSlice(), Zone: a.Zone()}}, nil
	}
	name := strings.TrimSuffix(host, ".")
	if isLocalhost(name) {
		return []net.IPAddr{{IP: net.IPv4(127, 0, 0, 1)}, {IP: net.IPv6loopback}}, nil
	}
	asked := host
	if strings.Contains(name, ".") {
		asked = name + "."
	}
	e := &ResolveError{Host: host, Asked: asked}
	if host == "" || name == "" {
		e.NotFound, e.Err = true, &net.DNSError{Err: "empty host name", Name: host, IsNotFound: true}
		return nil, e
	}
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupIPAddr(ctx, asked)
	e.Resolver = describe(r, err)
	if err != nil {
		e.Err = err
		de, ok := errors.AsType[*net.DNSError](err)
		e.NotFound = ok && de.IsNotFound && ctx.Err() == nil
		return nil, e
	}
	out := make([]net.IPAddr, 0, len(addrs))
	for _, a := range addrs {
		if len(a.IP) != net.IPv4len && len(a.IP) != net.IPv6len {
			continue
		}
		dup := false
		for _, o := range out {
			if o.IP.Equal(a.IP) && o.Zone == a.Zone {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		e.NotFound, e.Err = true, &net.DNSError{Err: "no addresses", Name: asked, IsNotFound: true}
		return nil, e
	}
	return out, nil
}

// isLocalhost reports whether name, without its final dot, is localhost or
// a name under it.
func isLocalhost(name string) bool {
	const l = "localhost"
	n := len(name)
	return n >= len(l) && strings.EqualFold(name[n-len(l):], l) && (n == len(l) || name[n-len(l)-1] == '.')
}

// describe names the resolver for an error message, or returns "". A
// resolver can name itself with a String method.
func describe(r Resolver, err error) string {
	var d string
	switch r := r.(type) {
	case fmt.Stringer:
		d = r.String()
	case *net.Resolver:
		if r == net.DefaultResolver {
			d = "the system resolver"
		}
	}
	if de, ok := errors.AsType[*net.DNSError](err); ok && de.Server != "" {
		if d == "" {
			d = de.Server
		} else {
			d += " at " + de.Server
		}
	}
	return bounded(d, 120)
}

// bounded returns s without control characters and cut to at most n
// bytes, on a rune boundary.
func bounded(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return -1
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
