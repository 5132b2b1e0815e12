package dnsstub

import (
	"net/netip"
	"slices"
)

// A Policy decides whether the AD ("authentic data") bit in a response may
// be believed. The AD bit says that the resolver validated the answer with
// DNSSEC; it is itself unsigned, so it is worth only as much as the resolver
// and the path to it. The zero Policy believes AD only from loopback.
//
// The rule, in full: AD in a response from the server at address S is
// believed if and only if one of these holds:
//
//  1. S is a loopback address: in 127.0.0.0/8, or ::1 (IPv4-mapped forms
//     such as ::ffff:127.0.0.1 count as the IPv4 address they map), since
//     the exchange then never leaves the host;
//  2. S is one of Trusted, the servers the caller names as trusted to
//     validate and to be reached over a path nobody else can alter;
//  3. TrustAD is set: the resolver configuration that names S says
//     "options trust-ad" (resolv.conf(5)). A [Client] whose Server is empty
//     sets it from /etc/resolv.conf, for the server it takes from there.
//
// Nothing else makes AD believed: not a private or link-local address, not
// the DO bit echoed in the response, not the unspecified address (0.0.0.0,
// ::). When AD is not believed, an answer is treated as unauthenticated,
// exactly like an answer with AD clear.
type Policy struct {
	// Trusted lists servers whose AD bit is believed although they are not
	// on loopback. Addresses are compared without their zone.
	Trusted []netip.Addr
	// TrustAD believes AD from the server as "options trust-ad" in
	// resolv.conf does: set it only for servers taken from a resolver
	// configuration that says so.
	TrustAD bool
}

// BelievesAD reports whether p believes the AD bit in a response from the
// server at addr, by the rule in the [Policy] documentation.
func (p Policy) BelievesAD(addr netip.Addr) bool {
	a := addr.Unmap().WithZone("")
	if !a.IsValid() || a.IsUnspecified() {
		return false
	}
	if a.IsLoopback() || p.TrustAD {
		return true
	}
	return slices.ContainsFunc(p.Trusted, func(t netip.Addr) bool {
		return t.Unmap().WithZone("") == a
	})
}
