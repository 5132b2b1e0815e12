// Command autoconfig-server serves every mail configuration format that
// mailsettings writes (Mozilla autoconfig, Exchange Autodiscover, PACC and
// an Apple profile) for the mail domains given on its command line, from
// the built-in database, and prints the DNS records to publish for them.
//
// Usage:
//
//	go run ./examples/autoconfig-server [-addr localhost:8080] [-target NAME] DOMAIN[=PROVIDER-ID]...
//
// A DOMAIN alone must be in the built-in database (qq.com). A custom
// domain names the provider that hosts it: example.com=exmail,
// example.org=google-workspace. Then, for example:
//
//	curl -H 'Host: autoconfig.example.com' http://localhost:8080/mail/config-v1.1.xml
//	curl -H 'Host: ua-auto-config.example.com' http://localhost:8080/.well-known/user-agent-configuration.json
//	curl -H 'Host: autoconfig.example.com' http://localhost:8080/mail/config.mobileconfig
//
// The DNS records go to standard output: SRV records (RFC 6186), the PACC
// digest TXT record, and CNAME records that point autoconfig.,
// autodiscover. and ua-auto-config. at -target, the DNS name of this
// server (commented out without -target). Put the server behind a
// TLS-terminating proxy with a certificate for each of those names:
// clients fetch all of these over HTTPS only.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, listen))
}

func listen(addr string, h http.Handler) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	return srv.ListenAndServe()
}

func run(args []string, stdout, stderr io.Writer, serve func(string, http.Handler) error) int {
	fs := flag.NewFlagSet("autoconfig-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "address to listen on")
	target := fs.String("target", "", "DNS name of this server, for the CNAME records")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: autoconfig-server [-addr HOST:PORT] [-target NAME] DOMAIN[=PROVIDER-ID]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	domains, err := providers(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	h, err := mailsettings.PublishHandler(domains, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	printRecords(stdout, domains, *target)
	log.New(stderr, "", 0).Printf("serving autoconfig, Autodiscover, PACC and Apple profiles for %d domains on http://%s (data %s)", len(domains), *addr, mailsettings.DataVersion)
	if err := serve(*addr, h); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// providers maps the normalized domain of each argument, DOMAIN or
// DOMAIN=PROVIDER-ID, to its provider.
func providers(args []string) (map[string]mailsettings.Provider, error) {
	domains := make(map[string]mailsettings.Provider, len(args))
	for _, a := range args {
		domain, id, custom := strings.Cut(a, "=")
		s, err := mailsettings.Lookup(domain)
		switch {
		case errors.Is(err, mailsettings.ErrInvalidInput) || s.LocalPart != "":
			return nil, fmt.Errorf("%s: not a mail domain", a)
		case custom:
			var ok bool
			if s.Provider, ok = mailsettings.ProviderByID(id); !ok {
				return nil, fmt.Errorf("%s: no provider with id %q", domain, id)
			}
		case err != nil:
			return nil, fmt.Errorf("%s: %w (name the hosting provider: %s=PROVIDER-ID)", a, err, a)
		}
		domains[s.Domain] = s.Provider
	}
	return domains, nil
}

// printRecords writes the DNS records to publish for each domain, and a
// comment for each format that cannot express the domain's provider.
func printRecords(w io.Writer, domains map[string]mailsettings.Provider, target string) {
	cname := func(name string) {
		if target == "" {
			fmt.Fprintf(w, "; %s. 3600 IN CNAME <this server>. (or its A/AAAA records; see -target)\n", name)
			return
		}
		fmt.Fprintf(w, "%s. 3600 IN CNAME %s.\n", name, strings.TrimSuffix(target, "."))
	}
	for _, d := range slices.Sorted(maps.Keys(domains)) {
		p := domains[d]
		fmt.Fprintf(w, "; %s, served with the settings of %s\n", d, p.Name())
		cname("autoconfig." + d)
		if _, err := p.MarshalAutodiscover("postmaster@" + d); err != nil {
			fmt.Fprintf(w, "; not served: %v\n", err)
		} else {
			cname("autodiscover." + d)
		}
		if _, txt, err := p.MarshalPACC(); err != nil {
			fmt.Fprintf(w, "; not served: %v\n", err)
		} else {
			cname("ua-auto-config." + d)
			fmt.Fprintf(w, "_ua-auto-config.%s. 3600 IN TXT %q\n", d, txt)
		}
		if _, err := p.MarshalMobileconfig(d, nil); err != nil {
			fmt.Fprintf(w, "; not served: %v\n", err)
		}
		if srv, err := p.SRVRecords(d); err != nil {
			fmt.Fprintf(w, "; not published: %v\n", err)
		} else {
			fmt.Fprintln(w, strings.Join(srv, "\n"))
		}
	}
}
