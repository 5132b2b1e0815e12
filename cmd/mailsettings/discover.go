package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// runDiscover is "mailsettings discover": every source of
// mailsettings.Discoverer, with a cache shared by the run, so that a bulk
// input with many addresses of one domain asks about it once.
func runDiscover(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "discover", "[-json] [flags] QUERY... | -", true)
	nf := s.netFlags(20*time.Second, 8)
	noISPDB := s.fs.Bool("no-ispdb", false, "do not ask the Thunderbird ISP database")
	ispdb := s.fs.String("ispdb", "", "ISP database `URL` prefix (default https://autoconfig.thunderbird.net/v1.1/)")
	allowHTTP := s.fs.Bool("allow-http", false, "also fetch autoconfig over plain HTTP (results are unauthenticated)")
	sendAddress := s.fs.Bool("send-address", false, "send the address to the domain's autoconfig servers")
	allowPlain := s.fs.Bool("allow-plaintext", false, "keep endpoints without encryption")
	guess := s.fs.Bool("guess", false, "also guess imap./pop./smtp./mail. hosts, kept only after a verified TLS handshake")
	adRedirects := s.fs.Bool("autodiscover-redirects", false, "follow Exchange Autodiscover's HTTP-redirect method and SRV record")
	verify := s.fs.Bool("verify-reported", false, "probe the built-in endpoints known from one source only before answering")
	rest, code, ok := s.parseNet(args, nf)
	if !ok {
		return code
	}
	r, dialer, tlsConfig := nf.r, nf.d, nf.tls
	d := &mailsettings.Discoverer{
		Resolver: r, Dialer: dialer, TLSConfig: tlsConfig,
		NoISPDB: *noISPDB, ISPDBURL: *ispdb, AllowHTTP: *allowHTTP,
		SendAddress: *sendAddress, AllowPlaintext: *allowPlain, Guess: *guess,
		AutodiscoverRedirects: *adRedirects, VerifyReported: *verify,
		Cache: mailsettings.NewCache(0, nil),
	}
	type result struct {
		disc mailsettings.Discovery
		err  error
	}
	in := s.input(rest)
	return runQueries(ctx, s, in, *nf.parallel, func(ctx context.Context, q string) result {
		qctx, cancel := context.WithTimeout(ctx, *nf.timeout)
		defer cancel()
		disc, err := d.Discover(qctx, q)
		return result{disc, err}
	}, func(res result) bool {
		return res.err != nil && len(res.disc.Candidates) == 0
	}, func(res result) {
		s.discovery(res.disc, res.err)
	})
}

// discovery prints one discovery: one JSON line (the library's fields,
// cleaned, plus "error" when nothing was found), or a block of text.
func (s *sub) discovery(disc mailsettings.Discovery, err error) {
	if _, bad := errors.AsType[*mailsettings.InputError](err); bad {
		s.fail(disc.Query, err)
		return
	}
	if *s.json {
		b, merr := disc.MarshalJSON()
		if merr != nil {
			s.fail(disc.Query, merr)
			return
		}
		if err != nil {
			b = append(b[:len(b)-1], `,"error":`...)
			b = append(cli.AppendString(b, cli.Clean(err.Error())), '}')
		}
		(&cli.JSONLines{W: s.out}).WriteRaw(b)
		return
	}
	l := s.lang
	fmt.Fprintln(s.out, l.T("discover.title", "query", cli.Clean(disc.Query), "domain", domainText(disc.Domain, disc.UnicodeDomain), "n", strconv.Itoa(len(disc.Candidates))))
	for i, c := range disc.Candidates {
		fmt.Fprintln(s.out, l.T("discover.candidate", "i", strconv.Itoa(i+1), "source", string(c.Source), "trust", c.Trust.String(), "url", cli.Clean(c.URL)))
		if !c.Provider.IsZero() {
			fmt.Fprintln(s.out, "   "+l.T("provider", "name", cli.Clean(c.Provider.NameIn(l.Tag()))))
		}
		for _, r := range c.Reasons {
			fmt.Fprintln(s.out, "   "+l.T("why", "text", cli.Clean(r.Text().In(l.Tag()))))
		}
		if !c.Verified.IsZero() {
			fmt.Fprintln(s.out, "   "+l.T("verified", "time", c.Verified.UTC().Format(time.RFC3339)))
		}
		s.endpointTable("   ", c.Settings)
		for _, n := range c.Notes() {
			s.note("   ", n)
		}
	}
	if len(disc.Unfinished) > 0 {
		var names []string
		for _, src := range disc.Unfinished {
			names = append(names, string(src))
		}
		fmt.Fprintln(s.out, l.T("unfinished", "sources", strings.Join(names, ", ")))
	}
	for _, e := range disc.Errors {
		if se, ok := errors.AsType[*mailsettings.SourceError](e); ok && se.Err != nil {
			fmt.Fprintln(s.out, "   "+l.T("source_error", "source", string(se.Source), "url", cli.Clean(se.URL), "text", cli.Clean(se.Err.Error())))
		}
	}
	fmt.Fprintln(s.out)
	if err != nil {
		s.flush()
		fmt.Fprintf(s.e.stderr, "mailsettings %s: %s: %s\n", s.name, cli.Clean(disc.Query), cli.Clean(err.Error()))
	}
}
