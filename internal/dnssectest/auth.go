package dnssectest

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailsettings/mailsettings/internal/dnstest"
	"github.com/miekg/dns"
)

// maxChase bounds the CNAME records followed inside a zone.
const maxChase = 8

// An authServer is an authoritative DNS server on 127.0.0.1 (UDP and TCP on
// one port) for a set of zones, signed or not. It answers as an
// authoritative server that serves a parent and its children does: from
// the deepest zone it has for the name, except that DS questions for a
// child's apex are answered from the parent. It adds the DNSSEC records
// (RRSIG, and NSEC for denials) when the query has the DO bit, and
// truncates UDP answers to the size the query advertises.
type authServer struct {
	addr  string
	zones []*zone // deepest apex first

	mu        sync.Mutex
	questions []string
}

// A zone is the records of one zone, by lower-case owner name.
type zone struct {
	apex  string
	names map[string][]dns.RR
	nsecs []*dns.NSEC
}

func newZone(apex string, rrs []dns.RR) *zone {
	z := &zone{apex: apex, names: map[string][]dns.RR{}}
	for _, rr := range rrs {
		name := strings.ToLower(rr.Header().Name)
		z.names[name] = append(z.names[name], rr)
		if n, ok := rr.(*dns.NSEC); ok {
			z.nsecs = append(z.nsecs, n)
		}
	}
	return z
}

// startAuth serves the zones until the test ends.
func startAuth(t testing.TB, zones ...*zone) *authServer {
	t.Helper()
	s := &authServer{zones: slices.Clone(zones)}
	slices.SortFunc(s.zones, func(a, b *zone) int { return dns.CountLabel(b.apex) - dns.CountLabel(a.apex) })
	s.addr = dnstest.Serve(t, s)
	return s
}

// Questions returns the questions asked so far, as "name. TYPE".
func (s *authServer) Questions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.questions)
}

// ServeDNS answers one query.
func (s *authServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	do := false
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		do = opt.Do()
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(1232, do)
	}
	if len(req.Question) != 1 || req.Opcode != dns.OpcodeQuery {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	qname := strings.ToLower(q.Name)
	s.mu.Lock()
	s.questions = append(s.questions, qname+" "+dns.TypeToString[q.Qtype])
	s.mu.Unlock()

	z := s.zoneFor(qname, q.Qtype)
	if z == nil || q.Qclass != dns.ClassINET {
		m.Rcode = dns.RcodeRefused
		_ = w.WriteMsg(m)
		return
	}
	z.answer(m, qname, q.Qtype, do)
	if w.RemoteAddr().Network() == "udp" {
		m.Truncate(size)
	}
	m.Compress = true
	_ = w.WriteMsg(m)
}

// zoneFor returns the zone that answers for qname: the deepest one whose
// apex is qname or above it, but the parent for a DS question at a zone's
// apex.
func (s *authServer) zoneFor(qname string, qtype uint16) *zone {
	for i, z := range s.zones {
		if !dns.IsSubDomain(z.apex, qname) {
			continue
		}
		if qtype == dns.TypeDS && qname == z.apex {
			for _, p := range s.zones[i+1:] {
				if dns.IsSubDomain(p.apex, qname) && p.apex != qname {
					return p
				}
			}
			return z
		}
		return z
	}
	return nil
}

// answer fills m with z's answer to qname/qtype.
func (z *zone) answer(m *dns.Msg, qname string, qtype uint16, do bool) {
	m.Authoritative = true
	for range maxChase {
		if cut := z.cut(qname); cut != "" && (qname != cut || qtype != dns.TypeDS) {
			z.referral(m, cut, do)
			return
		}
		rrs, exists := z.names[qname]
		if !exists {
			if z.emptyNonTerminal(qname) {
				z.denial(m, qname, do, false)
				return
			}
			m.Rcode = dns.RcodeNameError
			z.denial(m, qname, do, true)
			return
		}
		if set := rrset(rrs, qtype); len(set) > 0 {
			m.Answer = append(m.Answer, set...)
			if do {
				m.Answer = append(m.Answer, sigs(rrs, qtype)...)
			}
			return
		}
		cname := rrset(rrs, dns.TypeCNAME)
		if len(cname) == 0 || qtype == dns.TypeCNAME {
			z.denial(m, qname, do, false)
			return
		}
		m.Answer = append(m.Answer, cname...)
		if do {
			m.Answer = append(m.Answer, sigs(rrs, dns.TypeCNAME)...)
		}
		target := strings.ToLower(cname[0].(*dns.CNAME).Target)
		if !dns.IsSubDomain(z.apex, target) {
			return
		}
		qname = target
	}
}

// cut returns the delegation point at or above qname and below the apex,
// or "".
func (z *zone) cut(qname string) string {
	labels := dns.SplitDomainName(qname)
	apexLabels := dns.CountLabel(z.apex)
	// From the top down: the highest cut wins.
	for i := len(labels) - apexLabels - 1; i >= 0; i-- {
		name := dns.Fqdn(strings.Join(labels[i:], "."))
		if len(rrset(z.names[name], dns.TypeNS)) > 0 {
			return name
		}
	}
	return ""
}

// referral sends the querier to the child zone at cut.
func (z *zone) referral(m *dns.Msg, cut string, do bool) {
	m.Authoritative = false
	rrs := z.names[cut]
	ns := rrset(rrs, dns.TypeNS)
	m.Ns = append(m.Ns, ns...)
	if do {
		if ds := rrset(rrs, dns.TypeDS); len(ds) > 0 {
			m.Ns = append(m.Ns, ds...)
			m.Ns = append(m.Ns, sigs(rrs, dns.TypeDS)...)
		} else {
			// Proof that there is no DS: the NSEC at the cut.
			m.Ns = append(m.Ns, rrset(rrs, dns.TypeNSEC)...)
			m.Ns = append(m.Ns, sigs(rrs, dns.TypeNSEC)...)
		}
	}
	for _, rr := range ns {
		host := strings.ToLower(rr.(*dns.NS).Ns)
		m.Extra = append(m.Extra, rrset(z.names[host], dns.TypeA)...)
		m.Extra = append(m.Extra, rrset(z.names[host], dns.TypeAAAA)...)
	}
}

// emptyNonTerminal reports whether qname has no records but names below it
// do.
func (z *zone) emptyNonTerminal(qname string) bool {
	for name := range z.names {
		if name != qname && dns.IsSubDomain(qname, name) {
			return true
		}
	}
	return false
}

// denial adds the SOA and, with do, the NSEC records that prove a NODATA
// (nxdomain false) or an NXDOMAIN: for NODATA the NSEC at the name (or,
// for an empty non-terminal, the one that covers it); for NXDOMAIN the NSEC
// that covers the name and the one that covers the wildcard at the closest
// encloser (RFC 4035 §3.1.3).
func (z *zone) denial(m *dns.Msg, qname string, do, nxdomain bool) {
	apex := z.names[z.apex]
	m.Ns = append(m.Ns, rrset(apex, dns.TypeSOA)...)
	if !do {
		return
	}
	m.Ns = append(m.Ns, sigs(apex, dns.TypeSOA)...)
	var proofs []*dns.NSEC
	add := func(n *dns.NSEC) {
		if n != nil && !slices.Contains(proofs, n) {
			proofs = append(proofs, n)
		}
	}
	if own := rrset(z.names[qname], dns.TypeNSEC); len(own) > 0 {
		add(own[0].(*dns.NSEC))
	} else {
		add(z.covering(qname))
	}
	if nxdomain {
		ce := qname
		for ce != z.apex {
			ce = parent(ce)
			if _, ok := z.names[ce]; ok || z.emptyNonTerminal(ce) {
				break
			}
		}
		add(z.covering("*." + ce))
	}
	for _, n := range proofs {
		owner := strings.ToLower(n.Hdr.Name)
		m.Ns = append(m.Ns, n)
		m.Ns = append(m.Ns, sigs(z.names[owner], dns.TypeNSEC)...)
	}
}

// covering returns the NSEC record whose owner sorts before name and whose
// next name sorts after it (or is the apex, for the last one), or nil.
func (z *zone) covering(name string) *dns.NSEC {
	for _, n := range z.nsecs {
		owner, next := strings.ToLower(n.Hdr.Name), strings.ToLower(n.NextDomain)
		if canonicalLess(owner, name) && (canonicalLess(name, next) || next == z.apex) {
			return n
		}
	}
	return nil
}

// canonicalLess reports whether a sorts before b in the canonical order of
// RFC 4034 §6.1: label by label from the right, each compared as lower-case
// octets, a shorter name first.
func canonicalLess(a, b string) bool {
	la, lb := dns.SplitDomainName(a), dns.SplitDomainName(b)
	for i := 1; i <= len(la) && i <= len(lb); i++ {
		x, y := strings.ToLower(la[len(la)-i]), strings.ToLower(lb[len(lb)-i])
		if x != y {
			return x < y
		}
	}
	return len(la) < len(lb)
}

func parent(name string) string {
	if i, end := dns.NextLabel(name, 0); !end {
		return name[i:]
	}
	return "."
}

// rrset returns the records of type t in rrs.
func rrset(rrs []dns.RR, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == t {
			out = append(out, rr)
		}
	}
	return out
}

// sigs returns the RRSIG records in rrs that cover type t.
func sigs(rrs []dns.RR, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if s, ok := rr.(*dns.RRSIG); ok && s.TypeCovered == t {
			out = append(out, rr)
		}
	}
	return out
}
