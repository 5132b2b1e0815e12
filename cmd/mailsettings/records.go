package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// printRecords writes the DNS records to publish for each domain served,
// in zone-file syntax: CNAME records that point the names clients ask at
// target (comments without it), the PACC digest TXT record, the SRV
// records, and a comment for each format that cannot express the domain's
// provider.
func printRecords(w io.Writer, domains map[string]mailsettings.Provider, target string) {
	cname := func(name string) {
		if target == "" {
			fmt.Fprintf(w, "; %s. 3600 IN CNAME <this server>. (or its A/AAAA records; see -target)\n", name)
			return
		}
		fmt.Fprintf(w, "%s. 3600 IN CNAME %s.\n", name, cli.Clean(strings.TrimSuffix(target, ".")))
	}
	notServed := func(err error) { fmt.Fprintf(w, "; not served: %s\n", cli.Clean(err.Error())) }
	for _, d := range slices.Sorted(maps.Keys(domains)) {
		p := domains[d]
		fmt.Fprintf(w, "; %s, served with the settings of %s\n", d, cli.Clean(p.Info().Name))
		cname("autoconfig." + d)
		if _, err := p.MarshalAutodiscover("postmaster@" + d); err != nil {
			notServed(err)
		} else {
			cname("autodiscover." + d)
		}
		if _, txt, err := p.MarshalPACC(); err != nil {
			notServed(err)
		} else {
			cname("ua-auto-config." + d)
			fmt.Fprintf(w, "_ua-auto-config.%s. 3600 IN TXT %q\n", d, txt)
		}
		if _, err := p.MarshalMobileconfig(d, nil); err != nil {
			notServed(err)
		}
		if srv, err := p.SRVRecords(d); err != nil {
			fmt.Fprintf(w, "; not published: %s\n", cli.Clean(err.Error()))
		} else {
			fmt.Fprintln(w, strings.Join(srv, "\n"))
		}
	}
}
