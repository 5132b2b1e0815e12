package mailsettings

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// ErrNotFound is wrapped by the error of [Discoverer.Discover] when every
// source was asked and none had settings for the domain.
var ErrNotFound = errors.New("mailsettings: no settings found for the domain")

// ErrLookupFailed is wrapped by the error of [Discoverer.Discover] when no
// source could be asked at all: every one failed with a network, resolver
// or timeout error. It means "could not look", not "nothing there".
var ErrLookupFailed = errors.New("mailsettings: discovery could not reach any source")

// A Candidate is one configuration found by discovery, with where it came
// from and how far to trust it. Its Settings hold the endpoints through a
// Provider built from the source's answer.
type Candidate struct {
	Settings
	// Source is where the candidate came from.
	Source Source
	// Trust is how far the candidate can be relied on.
	Trust Trust
	// Reasons explain Trust, most important first.
	Reasons []Reason
	// URL is where the answer came from: the URL fetched (after
	// redirects), an RFC 4501 DNS URI such as "dns:example.com?type=SRV",
	// or "guess:DOMAIN" for guessed endpoints.
	URL string
	// Verified is when a probe last completed a TLS handshake with a
	// verified certificate on each endpoint the built-in database knows
	// only from one source (see [Discoverer.VerifyReported]), or zero.
	Verified time.Time
}

// A Discovery is the result of [Discoverer.Discover].
type Discovery struct {
	// Query, LocalPart, Domain and UnicodeDomain are as in [Settings].
	Query, LocalPart, Domain, UnicodeDomain string
	// Candidates are every configuration found, best first: by Trust,
	// then by Source.
	Candidates []Candidate
	// Errors holds one *SourceError for each source, URL or DNS name that
	// failed or had nothing, and for each autoconfig server entry dropped.
	Errors []error
	// Unfinished lists the sources that were stopped because a better
	// source had answered, or because the context ended.
	Unfinished []Source
}

// Best returns the best candidate, if any.
func (d Discovery) Best() (Candidate, bool) {
	if len(d.Candidates) == 0 {
		return Candidate{}, false
	}
	return d.Candidates[0], true
}

// A SourceError reports why a source gave no answer, or what it dropped.
type SourceError struct {
	Source Source
	// URL is the URL fetched or an RFC 4501 DNS URI for the name asked.
	URL string
	Err error
	// Unreachable is set when the source could not be asked: a network,
	// resolver or timeout error, as opposed to an answer that had nothing
	// usable (HTTP 404, NXDOMAIN, a bad document).
	Unreachable bool
}

// Error returns "mailsettings: SOURCE URL: CAUSE", sanitized.
func (e *SourceError) Error() string {
	return sanitize.Text(fmt.Sprintf("mailsettings: %s %s: %v", e.Source, e.URL, e.Err), maxURLText+sanitize.MaxError)
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// discoveryError is returned when no candidate was found. It matches its
// sentinel and every source error.
type discoveryError struct {
	sentinel error
	domain   string
	errs     []error
}

func (e *discoveryError) Error() string {
	msg := fmt.Sprintf("%v: %s", e.sentinel, e.domain)
	if len(e.errs) > 0 {
		msg += fmt.Sprintf(" (%d source errors; first: %v)", len(e.errs), e.errs[0])
	}
	return msg
}

func (e *discoveryError) Unwrap() []error { return append([]error{e.sentinel}, e.errs...) }

func (disc *Discovery) settings(p Provider) Settings {
	return Settings{Query: disc.Query, LocalPart: disc.LocalPart, Domain: disc.Domain, UnicodeDomain: disc.UnicodeDomain, Provider: p}
}

// compareCandidates orders candidates best first: by trust, then by
// source.
func compareCandidates(a, b Candidate) int {
	return cmp.Or(cmp.Compare(b.Trust, a.Trust), cmp.Compare(a.Source.rank(), b.Source.rank()))
}

// bestOf returns the best candidate of cs.
func bestOf(cs []Candidate) (Candidate, bool) {
	if len(cs) == 0 {
		return Candidate{}, false
	}
	return slices.MinFunc(cs, compareCandidates), true
}

// newSourceError returns a SourceError whose URL and error text are
// sanitized, since both can carry text from the network.
func newSourceError(s Source, url string, err error) *SourceError {
	return &SourceError{Source: s, URL: sanitize.Text(url, maxURLText), Err: sanitize.Error(err), Unreachable: isUnreachable(err)}
}

// maxURLText bounds the URL of a SourceError.
const maxURLText = 2048

// isUnreachable reports whether err means the source could not be asked.
func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return false
}
