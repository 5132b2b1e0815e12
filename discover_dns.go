package mailsettings

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
	"golang.org/x/net/publicsuffix"
)

// errNotOffered is wrapped by the error of the SRV source when the domain's
// SRV records all have the target "." (RFC 2782, RFC 6186 §3.4): the
// domain says it offers none of the services.
var errNotOffered = errors.New("mailsettings: SRV records say the service is not offered")

// Limits on DNS answers.
const (
	maxSRVIn  = 64 // records considered per name
	maxSRVOut = 16 // records kept per name
	maxMX     = 16
)

// dnsURI returns the RFC 4501 URI for a DNS question.
func dnsURI(name, typ string) string { return "dns:" + name + "?type=" + typ }

// validDNSHost returns the normalized form of a host name from a DNS
// answer, or false if it is not a usable host name: DNS answers are
// validated like user input.
func validDNSHost(h string) (string, bool) {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if hostname.Check(h, hostname.Server) != nil {
		return "", false
	}
	return h, true
}

// selectSRV orders the records of one SRV name as RFC 2782 says: by
// priority, lowest first, and within a priority in a random order weighted
// by weight (intn(n) returns a number in [0, n); nil means math/rand). It
// drops records with target "." (reporting notOffered if every record has
// it), an invalid target or port 0, and repeats; dropped counts the invalid
// ones. It returns new records with normalized targets and never changes
// recs.
func selectSRV(recs []*net.SRV, intn func(int) int) (out []*net.SRV, notOffered bool, dropped int) {
	if intn == nil {
		intn = rand.IntN
	}
	if len(recs) > maxSRVIn {
		dropped += len(recs) - maxSRVIn
		recs = recs[:maxSRVIn]
	}
	dots := 0
	var valid []*net.SRV
	for _, rec := range recs {
		if rec == nil {
			dropped++
			continue
		}
		if rec.Target == "." || rec.Target == "" {
			dots++
			continue
		}
		host, ok := validDNSHost(rec.Target)
		if !ok || rec.Port == 0 {
			dropped++
			continue
		}
		if slices.ContainsFunc(valid, func(v *net.SRV) bool { return v.Target == host && v.Port == rec.Port }) {
			continue
		}
		valid = append(valid, &net.SRV{Target: host, Port: rec.Port, Priority: rec.Priority, Weight: rec.Weight})
	}
	if len(valid) == 0 {
		return nil, dots > 0 && dots == len(recs), dropped
	}
	// Zero weights first within each priority, as RFC 2782 asks before
	// the weighted selection.
	slices.SortStableFunc(valid, func(a, b *net.SRV) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(min(a.Weight, 1), min(b.Weight, 1)))
	})
	for i := 0; i < len(valid); {
		j := i
		for j < len(valid) && valid[j].Priority == valid[i].Priority {
			j++
		}
		weighted(valid[i:j], intn)
		i = j
	}
	if len(valid) > maxSRVOut {
		valid = valid[:maxSRVOut]
	}
	return valid, false, dropped
}

// weighted reorders recs of one priority by RFC 2782's weighted selection.
func weighted(recs []*net.SRV, intn func(int) int) {
	for k := range recs {
		sum := 0
		for _, r := range recs[k:] {
			sum += int(r.Weight)
		}
		pick := k
		if sum > 0 {
			n := intn(sum + 1)
			run := 0
			for i, r := range recs[k:] {
				run += int(r.Weight)
				if run >= n {
					pick = k + i
					break
				}
			}
		}
		// Move the chosen record to position k, keeping the others' order.
		chosen := recs[pick]
		copy(recs[k+1:pick+1], recs[k:pick])
		recs[k] = chosen
	}
}

// srvJob asks the six SRV names at once and builds one candidate.
func (r *run) srvJob() *job {
	dom := r.q.Domain
	return &job{source: sourceSRV, url: dnsURI(dom, "SRV"), best: r.dnsBest(TrustInDomain), run: func(ctx context.Context) jobResult {
		svcs := srvServices()
		type answer struct {
			recs          []*net.SRV
			authenticated bool
			err           error
		}
		answers := make([]answer, len(svcs))
		var wg sync.WaitGroup
		for i, s := range svcs {
			wg.Go(func() {
				recs, auth, err := r.lookupSRV(ctx, s.label, fqdn(dom))
				answers[i] = answer{recs, auth, err}
			})
		}
		wg.Wait()
		var res jobResult
		var eps []ServerEndpoint
		authenticated := true // every answer that gave an endpoint was validated
		for i, s := range svcs {
			a := answers[i]
			uri := dnsURI("_"+s.label+"._tcp."+dom, "SRV")
			// Records that come with an error (Go drops invalid names and
			// reports them) are kept; the error is recorded.
			if a.err != nil {
				se := newSourceError(sourceSRV, uri, a.err)
				se.Unreachable = se.Unreachable && len(a.recs) == 0 // an answer came
				res.errs = append(res.errs, se)
			}
			recs, notOffered, dropped := r.selectSRV(a.recs)
			if notOffered {
				res.errs = append(res.errs, newSourceError(sourceSRV, uri, errNotOffered))
			}
			if dropped > 0 {
				res.errs = append(res.errs, newSourceError(sourceSRV, uri,
					fmt.Errorf("dropped %d records with an invalid target or port 0", dropped)))
			}
			if a.err == nil && len(a.recs) == 0 {
				res.errs = append(res.errs, newSourceError(sourceSRV, uri, errors.New("no records")))
			}
			for _, rec := range recs {
				e := ServerEndpoint{Protocol: s.proto, Host: rec.Target, Port: rec.Port, Encryption: s.enc, Username: UsernameAddress}
				if !slices.Contains(eps, e) && e.Validate() == nil {
					eps = append(eps, e)
					authenticated = authenticated && a.authenticated
				}
			}
		}
		if len(eps) == 0 {
			return res
		}
		trust, reason := hostsTrust(eps, r.reg)
		dnsReason := reasonDNSUnauthenticated
		if authenticated {
			// RFC 6186 §6, RFC 8314 §5.1: SRV records validated with
			// DNSSEC were written by the domain's operator.
			trust, dnsReason = TrustAuthenticated, reasonDNSSEC
		}
		info := ProviderInfo{
			ID: "srv:" + dom, Name: r.q.Unicode + " (DNS SRV)", Domains: []string{dom}, Endpoints: eps,
			Source: "DNS SRV records (RFC 6186) of " + dom,
		}
		c, err := r.newCandidate(info, sourceSRV, dnsURI(dom, "SRV"), trust, dnsReason, reason)
		if err != nil {
			res.errs = append(res.errs, newSourceError(sourceSRV, dnsURI(dom, "SRV"), err))
			return res
		}
		res.cands = []Candidate{c}
		return res
	}}
}

func (r *run) selectSRV(recs []*net.SRV) ([]*net.SRV, bool, int) {
	return selectSRV(recs, r.srvRand)
}

// mxJob looks up the domain's MX hosts and matches them against the hosting
// services of the built-in table. Without a match it starts HTTPS
// autoconfig for the registrable domain of the most preferred MX host,
// unless that is the email's own registrable domain or a mail domain of
// the built-in table (whose MX patterns are deliberately specific: the
// registrable domain of mxbiz1.qq.com is qq.com, yet its customers are not
// QQ Mail users).
func (r *run) mxJob() *job {
	dom := r.q.Domain
	uri := dnsURI(dom, "MX")
	return &job{source: sourceMX, url: uri, best: r.dnsBest(TrustUnauthenticated), run: func(ctx context.Context) jobResult {
		var res jobResult
		fail := func(err error) jobResult {
			res.errs = append(res.errs, newSourceError(sourceMX, uri, err))
			return res
		}
		recs, authenticated, err := r.lookupMX(ctx, fqdn(dom))
		if err != nil {
			se := newSourceError(sourceMX, uri, err)
			se.Unreachable = se.Unreachable && len(recs) == 0 // an answer came
			res.errs = append(res.errs, se)
		}
		if len(recs) == 0 {
			if err != nil {
				return res
			}
			return fail(errors.New("no MX records"))
		}
		if len(recs) == 1 && recs[0] != nil && (recs[0].Host == "." || recs[0].Host == "") {
			return fail(errors.New("null MX: the domain accepts no mail (RFC 7505)"))
		}
		recs = slices.DeleteFunc(slices.Clone(recs), func(m *net.MX) bool { return m == nil })
		slices.SortStableFunc(recs, func(a, b *net.MX) int { return cmp.Compare(a.Pref, b.Pref) })
		var hosts []string
		for _, m := range recs[:min(len(recs), maxMX)] {
			if h, ok := validDNSHost(m.Host); ok {
				hosts = append(hosts, h)
			} else {
				res.errs = append(res.errs, newSourceError(sourceMX, uri, fmt.Errorf("dropped MX host %q: not a valid host name", sanitize.Clip(m.Host, 80))))
			}
		}
		// An MX answer validated with DNSSEC was written by the domain's
		// operator: the hosting service it names is the one the operator
		// chose.
		trust, dnsReason := TrustUnauthenticated, reasonDNSUnauthenticated
		if authenticated {
			trust, dnsReason = TrustAuthenticated, reasonDNSSEC
		}
		for _, h := range hosts {
			p, ok := ProviderForMX(h)
			if !ok || slices.ContainsFunc(res.cands, func(c Candidate) bool { return c.Provider == p }) {
				continue
			}
			res.cands = append(res.cands, Candidate{
				Settings: Settings{Query: r.input, LocalPart: r.q.Local, Domain: dom, UnicodeDomain: r.q.Unicode, Provider: p},
				Source:   sourceMX, Trust: trust, URL: uri,
				Reasons: []Reason{reasonMXHostedProvider, dnsReason, reasonHostOutsideDomain},
			})
		}
		if len(res.cands) > 0 {
			return res
		}
		if len(hosts) == 0 {
			return fail(errors.New("no valid MX host"))
		}
		res.errs = append(res.errs, newSourceError(sourceMX, uri, fmt.Errorf("MX host %s is not a known hosting service", hosts[0])))
		base, err := publicsuffix.EffectiveTLDPlusOne(hosts[0])
		switch {
		case err != nil:
			return fail(fmt.Errorf("MX host %s has no registrable domain", hosts[0]))
		case base == r.reg:
			return res // the domain runs its own mail: nothing to learn
		case !findProvider(r.providers, base).IsZero():
			return fail(fmt.Errorf("MX domain %s is a mail domain of the built-in table; only its specific MX patterns are used", base))
		}
		res.spawn = append(res.spawn, r.autoconfigJobBase(sourceMXAutoconfig, "https://autoconfig."+base+"/mail/config-v1.1.xml", base, authenticated))
		if !r.noISPDB {
			res.spawn = append(res.spawn, r.autoconfigJobBase(sourceMXAutoconfig, r.ispdbURL(base), base, authenticated))
		}
		return res
	}}
}

// dnsBest is the best trust a DNS source can give: TrustAuthenticated when
// the Resolver can say that an answer was validated with DNSSEC, without
// otherwise.
func (r *run) dnsBest(without Trust) Trust {
	if _, ok := r.resolver.(AuthenticatingResolver); ok {
		return TrustAuthenticated
	}
	return without
}

// lookupSRV asks for the SRV records of _service._tcp.name, and whether
// the answer was validated with DNSSEC.
func (r *run) lookupSRV(ctx context.Context, service, name string) ([]*net.SRV, bool, error) {
	if ar, ok := r.resolver.(AuthenticatingResolver); ok {
		_, recs, auth, err := ar.LookupSRVAuthenticated(ctx, service, "tcp", name)
		return recs, auth, err
	}
	_, recs, err := r.resolver.LookupSRV(ctx, service, "tcp", name)
	return recs, false, err
}

// lookupMX asks for the MX records of name, and whether the answer was
// validated with DNSSEC.
func (r *run) lookupMX(ctx context.Context, name string) ([]*net.MX, bool, error) {
	if ar, ok := r.resolver.(AuthenticatingResolver); ok {
		return ar.LookupMXAuthenticated(ctx, name)
	}
	recs, err := r.resolver.LookupMX(ctx, name)
	return recs, false, err
}
