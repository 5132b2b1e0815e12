package mailsettings

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// A run is one discovery: the query, the clients it uses, and the options
// of the Discoverer that the sources need, copied when it starts.
type run struct {
	input     string // the query as given
	q         query
	reg       string // registrable domain of q.Domain
	resolver  Resolver
	dialer    Dialer
	client    *http.Client    // never the caller's: a copy or our own
	transport *http.Transport // our own transport, closed at the end, or nil
	srvRand   func(n int) int // weighted SRV choice; nil means math/rand

	sourceTimeout         time.Duration
	ispdb                 string      // the ISP database's base URL
	tlsConfig             *tls.Config // the caller's, never changed
	providers             []Provider  // the caller's Providers
	noISPDB               bool
	sendAddress           bool
	allowPlaintext        bool
	autodiscoverRedirects bool
}

// A job is one request of one source.
type job struct {
	source Source
	url    string
	// best is the highest trust the job's answer could have, so that
	// discovery waits for it while the best candidate so far is lower.
	best Trust
	run  func(ctx context.Context) jobResult
}

type jobResult struct {
	job   *job
	cands []Candidate
	errs  []*SourceError
	spawn []*job // further jobs, such as autoconfig for the MX domain
}

// ispdbURL returns the ISP database's URL for domain.
func (r *run) ispdbURL(domain string) string { return r.ispdb + domain }

// newCandidate builds a candidate from endpoints found by a source. It
// drops plaintext endpoints unless they are allowed, and reports false if
// nothing is left.
func (r *run) newCandidate(info ProviderInfo, s Source, url string, trust Trust, reasons ...Reason) (Candidate, error) {
	if !r.allowPlaintext {
		info.Endpoints = slices.DeleteFunc(slices.Clone(info.Endpoints), func(e ServerEndpoint) bool { return e.Encryption == Plaintext })
		if len(info.Endpoints) == 0 {
			return Candidate{}, errors.New("only plaintext endpoints, and AllowPlaintext is off")
		}
		info.Notes = slices.DeleteFunc(slices.Clone(info.Notes), func(n Note) bool { return n.Kind == NotePlaintext })
	} else if hasPlaintext(info.Endpoints) {
		reasons = append(reasons, reasonPlaintext)
	}
	if info.ID == "" {
		info.ID = r.q.Domain
	}
	if info.Name == "" {
		info.Name = info.ID
	}
	// A discovered provider speaks only for the domain it was discovered
	// for, whatever domains the answer listed.
	info.Domains = []string{r.q.Domain}
	p, err := newProvider(info, &origin{domain: r.q.Domain, source: s, trust: trust, reasons: reasons})
	if err != nil {
		return Candidate{}, err
	}
	disc := Discovery{Query: r.input, LocalPart: r.q.Local, Domain: r.q.Domain, UnicodeDomain: r.q.Unicode}
	return Candidate{Settings: disc.settings(p), Source: s, Trust: trust, Reasons: slices.Clone(reasons), URL: url}, nil
}

func hasPlaintext(es []ServerEndpoint) bool {
	return slices.ContainsFunc(es, func(e ServerEndpoint) bool { return e.Encryption == Plaintext })
}

// addressQuery returns "?emailaddress=..." if the caller opted in and the
// query is an address, else "".
func (r *run) addressQuery() string {
	if !r.sendAddress || r.q.Local == "" {
		return ""
	}
	return "?emailaddress=" + url.QueryEscape(r.q.Local+"@"+r.q.Domain)
}

// sentAddress returns the address if rawURL carries it (see
// addressQuery), else "".
func (r *run) sentAddress(rawURL string) string {
	if q := r.addressQuery(); q != "" && strings.HasSuffix(rawURL, q) {
		return r.q.Address()
	}
	return ""
}

// close releases the run's own connections.
func (r *run) close() {
	if r.transport != nil {
		r.transport.CloseIdleConnections()
	}
}
