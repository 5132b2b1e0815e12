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

// runServe is "mailsettings serve": Mozilla autoconfig documents for the
// given domains, over HTTP on -addr, until interrupted. Put it behind a
// TLS-terminating proxy: clients should fetch autoconfig over HTTPS only.
func runServe(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "serve", "[-addr HOST:PORT] DOMAIN[=PROVIDER-ID]... | -\n"+
		"A DOMAIN alone must be in the built-in database (qq.com); a custom domain names its host: example.com=exmail.", false)
	addr := s.fs.String("addr", "localhost:8080", "address to listen on")
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
	h, err := autoconfigHandler(domains)
	if err != nil {
		fmt.Fprintf(e.stderr, "mailsettings serve: %s\n", cli.Clean(err.Error()))
		return cli.ExitFailed
	}
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

// autoconfigHandler is the one place serve builds its handler, so that
// the handler for every format can replace it here.
func autoconfigHandler(domains map[string]mailsettings.Provider) (http.Handler, error) {
	return mailsettings.AutoconfigHandler(domains)
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
