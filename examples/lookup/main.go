// Command lookup prints the mail settings for addresses and domains from
// the built-in database of mailsettings. It does no network I/O.
//
// Usage:
//
//	go run ./examples/lookup [-json] [-lang zh] QUERY...
//	go run ./examples/lookup -version
//
// Each QUERY is an address (alice@qq.com) or a domain (qq.com, 例子.中国).
// With -json it prints one JSON object per line; a failed query prints
// {"query":...,"error":...}. The exit status is 1 if any query failed.
// With -version it prints the version of the built-in data and the number
// of domains it knows.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/mailsettings/mailsettings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	lang := fs.String("lang", "en", "language of the notes: en or zh")
	version := fs.Bool("version", false, "print the data version and domain count and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lookup [-json] [-lang zh] QUERY... | lookup -version")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *version {
		fmt.Fprintf(stdout, "mailsettings data %s, %d domains\n", mailsettings.DataVersion, mailsettings.DomainCount())
		return 0
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, q := range fs.Args() {
		s, err := mailsettings.Lookup(q)
		if err != nil {
			status = 1
			if *asJSON {
				_ = enc.Encode(struct {
					Query string `json:"query"`
					Error string `json:"error"`
				}{q, err.Error()})
			} else {
				fmt.Fprintf(stdout, "%s: %v\n\n", q, err)
			}
			continue
		}
		if *asJSON {
			if err := enc.Encode(s); err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			continue
		}
		printTable(stdout, s, *lang)
	}
	return status
}

func printTable(w io.Writer, s mailsettings.Settings, lang string) {
	domain := s.Domain
	if s.UnicodeDomain != s.Domain {
		domain = s.UnicodeDomain + " (" + s.Domain + ")"
	}
	fmt.Fprintf(w, "%s: %s, provider %s\n", s.Query, domain, s.Provider.Name())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROTOCOL\tHOST\tPORT\tENCRYPTION\tUSERNAME")
	for _, e := range s.Endpoints() {
		user := s.Username(e)
		if user == "" {
			user = e.Username.String()
		}
		fmt.Fprintf(tw, "%v\t%s\t%d\t%v\t%s\n", e.Protocol, e.Host, e.Port, e.Encryption, user)
	}
	tw.Flush()
	for _, n := range s.Notes() {
		fmt.Fprintf(w, "note (%v): %s\n", n.Kind, n.Text.In(lang))
		if n.URL != "" {
			fmt.Fprintf(w, "  see %s\n", n.URL)
		}
	}
	if doc := s.Provider.DocURL(); doc != "" {
		fmt.Fprintf(w, "help: %s\n", doc)
	}
	fmt.Fprintln(w)
}
