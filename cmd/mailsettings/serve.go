package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// runServe is "mailsettings serve": every configuration format the
// library writes (Mozilla autoconfig, Exchange Autodiscover, PACC, Apple
// profiles) for the given domains, over HTTP on -addr, until interrupted,
// after printing the DNS records to publish. Put it behind a
// TLS-terminating proxy: clients fetch all of these over HTTPS only.
func runServe(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "serve", "[-addr HOST:PORT] [-target NAME] DOMAIN[=PROVIDER-ID]... | -\n"+
		"A DOMAIN alone must be in the built-in database (qq.com); a custom domain names its host: example.com=exmail.\n"+
		"The DNS records to publish (SRV, the PACC TXT digest, CNAMEs to -target) go to standard output.", false)
	addr := s.fs.String("addr", "localhost:8080", "address to listen on")
	target := s.fs.String("target", "", "DNS `name` of this server, for the CNAME records (commented out without it)")
	rest, code, ok := s.parse(args)
	if !ok {
		return code
	}
	if !s.needQueries(rest) {
		return cli.ExitUsage
	}
	in := s.input(rest)
	domains := map[string]mailsettings.Provider{}
	failed := false
	for a := range in.All() {
		domain, p, err := serveDomain(a)
		if err != nil {
			s.fail(a, err)
			failed = true
			continue
		}
		domains[domain] = p
	}
	if failed || in.Err() != nil {
		return s.finish(in, true)
	}
	h, err := publishHandler(domains)
	if err != nil {
		fmt.Fprintf(e.stderr, "mailsettings serve: %s\n", cli.Clean(err.Error()))
		return cli.ExitFailed
	}
	printRecords(s.out, domains, *target)
	s.flush()
	fmt.Fprintln(e.stderr, s.lang.T("serve.listening", "n", strconv.Itoa(len(domains)), "addr", cli.Clean(*addr), "version", mailsettings.DataVersion))
	srv := &http.Server{
		Addr: *addr, Handler: h,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second,
	}
	if err := e.serve(ctx, srv); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "mailsettings serve: %s\n", cli.Clean(err.Error()))
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// publishHandler is the one place serve builds its handler.
func publishHandler(domains map[string]mailsettings.Provider) (http.Handler, error) {
	return mailsettings.PublishHandler(domains, nil)
}

// serveDomain reads DOMAIN or DOMAIN=PROVIDER-ID.
func serveDomain(arg string) (string, mailsettings.Provider, error) {
	domain, id, custom := strings.Cut(arg, "=")
	if !custom {
		st, err := mailsettings.Lookup(domain)
		if err != nil {
			return "", mailsettings.Provider{}, fmt.Errorf("%w (name the hosting provider: %s=PROVIDER-ID; see mailsettings list)", err, domain)
		}
		if st.LocalPart != "" {
			return "", mailsettings.Provider{}, fmt.Errorf("%q is an address, not a domain", domain)
		}
		return st.Domain, st.Provider, nil
	}
	p, ok := mailsettings.ProviderByID(strings.TrimSpace(id))
	if !ok {
		return "", mailsettings.Provider{}, fmt.Errorf("no provider with id %q (see mailsettings list)", id)
	}
	st, err := mailsettings.Lookup(domain)
	if err != nil && !errors.Is(err, mailsettings.ErrUnknownDomain) {
		return "", mailsettings.Provider{}, err
	}
	if st.LocalPart != "" {
		return "", mailsettings.Provider{}, fmt.Errorf("%q is an address, not a domain", domain)
	}
	return st.Domain, p, nil
}
