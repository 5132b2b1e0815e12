// Command discover finds mail settings for addresses and domains with
// mailsettings.Discoverer: the built-in table, HTTPS autoconfig, the
// Thunderbird ISP database, DNS SRV and MX records, all at once, and with
// -guess probed guesses such as imap.DOMAIN. It prints
// every candidate configuration with its source and trust.
//
// Usage:
//
//	go run ./examples/discover [flags] QUERY...
//
// With -json it prints one JSON object per query: query, address, domain,
// unicode_domain, candidates (each with the fields of examples/lookup's
// JSON — provider, endpoints, notes — plus source, trust, reasons and url),
// errors, unfinished, and error when nothing was found. With -resolver
// 127.0.0.1:5353 every DNS question goes to that server, including the ones
// behind HTTP requests and probes; -ca FILE trusts an extra PEM CA bundle. Together
// they show discovery end to end against local servers. The exit status is
// 1 if any query found nothing.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cliutil"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("discover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per query")
	lang := fs.String("lang", "en", "language of reasons and notes: en or zh")
	resolver := fs.String("resolver", "", "send every DNS question to this `host:port`")
	caFile := fs.String("ca", "", "also trust the CA certificates in this PEM `file`")
	timeout := fs.Duration("timeout", 20*time.Second, "give up on a query after this long")
	noISPDB := fs.Bool("no-ispdb", false, "do not ask the Thunderbird ISP database")
	ispdb := fs.String("ispdb", "", "ISP database `URL` prefix (default "+mailsettings.DefaultISPDBURL+")")
	allowHTTP := fs.Bool("allow-http", false, "also fetch autoconfig over plain HTTP (results are unauthenticated)")
	sendAddress := fs.Bool("send-address", false, "send the address to the domain's autoconfig servers")
	allowPlain := fs.Bool("allow-plaintext", false, "keep endpoints without encryption")
	guess := fs.Bool("guess", false, "also guess imap./pop./smtp./mail. hosts, kept only after a verified TLS handshake")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: discover [flags] QUERY...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	d := &mailsettings.Discoverer{
		NoISPDB: *noISPDB, ISPDBURL: *ispdb, AllowHTTP: *allowHTTP,
		SendAddress: *sendAddress, AllowPlaintext: *allowPlain, Guess: *guess,
	}
	if *resolver != "" {
		if _, _, err := net.SplitHostPort(*resolver); err != nil {
			fmt.Fprintf(stderr, "discover: -resolver: %v\n", err)
			return 2
		}
		addr := *resolver
		d.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var nd net.Dialer
			return nd.DialContext(ctx, network, addr)
		}}
	}
	if *caFile != "" {
		pool, err := cliutil.LoadCA(*caFile)
		if err != nil {
			fmt.Fprintf(stderr, "discover: -ca: %v\n", err)
			return 2
		}
		d.TLSConfig = &tls.Config{RootCAs: pool}
	}
	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, q := range fs.Args() {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		disc, err := d.Discover(ctx, q)
		cancel()
		if err != nil && len(disc.Candidates) == 0 {
			status = 1
		}
		if *asJSON {
			if e := enc.Encode(jsonResult{disc, err}); e != nil {
				fmt.Fprintln(stderr, e)
				return 1
			}
			continue
		}
		printText(stdout, disc, err, *lang)
	}
	return status
}

// jsonResult is a discovery with an "error" field when it failed.
type jsonResult struct {
	disc mailsettings.Discovery
	err  error
}

func (r jsonResult) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.disc)
	if err != nil || r.err == nil {
		return b, err
	}
	e, err := json.Marshal(r.err.Error())
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1:len(b)-1], `,"error":`...), append(e, '}')...), nil
}

func printText(w io.Writer, disc mailsettings.Discovery, err error, lang string) {
	domain := disc.Domain
	if disc.UnicodeDomain != disc.Domain {
		domain = disc.UnicodeDomain + " (" + disc.Domain + ")"
	}
	fmt.Fprintf(w, "%s: %s, %d candidates\n", disc.Query, domain, len(disc.Candidates))
	for i, c := range disc.Candidates {
		fmt.Fprintf(w, "%d. source %v, trust %v, from %s\n", i+1, c.Source, c.Trust, c.URL)
		if !c.Provider.IsZero() {
			fmt.Fprintf(w, "   provider %s\n", c.Provider.Name())
		}
		for _, r := range c.Reasons {
			fmt.Fprintf(w, "   why: %s\n", r.Text().In(lang))
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "   PROTOCOL\tHOST\tPORT\tENCRYPTION\tUSERNAME")
		for _, e := range c.Endpoints() {
			user := c.Username(e)
			if user == "" {
				user = e.Username.String()
			}
			fmt.Fprintf(tw, "   %v\t%s\t%d\t%v\t%s\n", e.Protocol, e.Host, e.Port, e.Encryption, user)
		}
		tw.Flush()
		for _, n := range c.Notes() {
			fmt.Fprintf(w, "   note (%v): %s\n", n.Kind, n.Text.In(lang))
		}
	}
	if len(disc.Unfinished) > 0 {
		var names []string
		for _, s := range disc.Unfinished {
			names = append(names, s.String())
		}
		fmt.Fprintf(w, "not waited for: %s\n", strings.Join(names, ", "))
	}
	for _, e := range disc.Errors {
		var se *mailsettings.SourceError
		if errors.As(e, &se) {
			fmt.Fprintf(w, "   %v %s: %v\n", se.Source, se.URL, se.Err)
		}
	}
	if err != nil {
		fmt.Fprintf(w, "error: %v\n", err)
	}
	fmt.Fprintln(w)
}
