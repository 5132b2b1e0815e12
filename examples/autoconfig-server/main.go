// Command autoconfig-server serves Mozilla autoconfig v1.1 documents
// (https://autoconfig.DOMAIN/mail/config-v1.1.xml) for the mail domains
// given on its command line, from the built-in database of mailsettings.
//
// Usage:
//
//	go run ./examples/autoconfig-server [-addr localhost:8080] DOMAIN[=PROVIDER-ID]...
//
// A DOMAIN alone must be in the built-in database (qq.com). A custom
// domain names the provider that hosts it: example.com=exmail,
// example.org=google-workspace. Then:
//
//	curl -H 'Host: autoconfig.example.com' http://localhost:8080/mail/config-v1.1.xml
//
// Put it behind a TLS-terminating proxy: clients should fetch autoconfig
// over HTTPS only.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr, listen))
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

func run(args []string, stderr io.Writer, serve func(string, http.Handler) error) int {
	fs := flag.NewFlagSet("autoconfig-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "address to listen on")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: autoconfig-server [-addr HOST:PORT] DOMAIN[=PROVIDER-ID]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	h, err := handler(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	log.New(stderr, "", 0).Printf("serving autoconfig for %d domains on http://%s (data %s)", fs.NArg(), *addr, mailsettings.DataVersion)
	if err := serve(*addr, h); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// handler builds the autoconfig handler for arguments DOMAIN or
// DOMAIN=PROVIDER-ID.
func handler(args []string) (http.Handler, error) {
	domains := make(map[string]mailsettings.Provider, len(args))
	for _, a := range args {
		domain, id, custom := strings.Cut(a, "=")
		var p mailsettings.Provider
		if custom {
			var ok bool
			if p, ok = mailsettings.ProviderByID(id); !ok {
				return nil, fmt.Errorf("%s: no provider with id %q", domain, id)
			}
		} else {
			s, err := mailsettings.Lookup(domain)
			if err != nil {
				return nil, fmt.Errorf("%s: %w (name the hosting provider: %s=PROVIDER-ID)", a, err, a)
			}
			p = s.Provider
		}
		domains[domain] = p
	}
	return mailsettings.AutoconfigHandler(domains)
}
