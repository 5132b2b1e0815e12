// Command recheck re-checks the built-in database of mailsettings against
// the live providers, on a machine with internet access: it probes every
// endpoint with the library's Prober (a few at a time, at most one
// connection per host per interval, within an overall deadline), fetches
// each provider's own autoconfig and SRV records, and writes a drift
// report: a readable summary on standard output and, with -o, the report
// as JSON.
//
// Usage, from the module root:
//
//	go run ./internal/cmd/recheck [-provider ID,...] [-o report.json] [-baseline old.json] [-update internal/db/curated/checked.json]
//
// -baseline compares certificates with an earlier JSON report. -update
// records the date for every endpoint that passed in the overlay file
// given; run go generate ./internal/db afterwards. The exit status is 1
// when there is drift, 2 for a usage error.
//
// It is a maintainer's tool: nothing in the library runs it, and the
// tests run it only against loopback fakes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings/internal/recheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, recheck.Checker{}, recheck.Targets)
	stop()
	os.Exit(code)
}

// run is the command; checker and targets are what main passes, and what
// tests replace with fakes.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, checker recheck.Checker, targets func() []recheck.Target) int {
	fs := flag.NewFlagSet("recheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	providers := fs.String("provider", "", "re-check only these providers (`IDs`, comma-separated)")
	out := fs.String("o", "", "write the report as JSON to this `file` (\"-\": standard output, instead of the summary)")
	baseline := fs.String("baseline", "", "compare certificates with this earlier JSON report (`file`)")
	update := fs.String("update", "", "record the date of every endpoint that passed in this overlay `file`")
	timeout := fs.Duration("timeout", 30*time.Minute, "deadline for the whole run")
	probeTimeout := fs.Duration("probe-timeout", 15*time.Second, "deadline for each probe and request")
	parallel := fs.Int("parallel", 4, "probes and requests at once")
	interval := fs.Duration("interval", time.Second, "least time between two connections to one host")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *parallel < 1 || *interval < 0 {
		fmt.Fprintln(stderr, "usage: recheck [-provider IDs] [-o FILE] [-baseline FILE] [-update FILE] [-timeout D] [-probe-timeout D] [-parallel N] [-interval D]")
		return 2
	}
	ts := targets()
	if *providers != "" {
		want := strings.Split(*providers, ",")
		ts = slices.DeleteFunc(ts, func(t recheck.Target) bool { return !slices.Contains(want, t.Provider) })
		if len(ts) != len(want) {
			fmt.Fprintf(stderr, "recheck: -provider %s: %d of them are built-in providers with endpoints\n", *providers, len(ts))
			return 2
		}
	}
	if *baseline != "" {
		data, err := os.ReadFile(*baseline)
		var b recheck.Report
		if err == nil {
			err = json.Unmarshal(data, &b)
		}
		if err != nil {
			fmt.Fprintln(stderr, "recheck: baseline:", err)
			return 1
		}
		checker.Baseline = &b
	}
	checker.Timeout, checker.Parallel, checker.HostInterval = *probeTimeout, *parallel, *interval
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rep, err := checker.Run(ctx, ts)
	if err != nil {
		fmt.Fprintln(stderr, "recheck: stopped early:", err)
	}
	if *out != "" {
		w := stdout
		if *out != "-" {
			f, err := os.Create(*out)
			if err != nil {
				fmt.Fprintln(stderr, "recheck:", err)
				return 1
			}
			defer f.Close()
			w = f
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "recheck:", err)
			return 1
		}
	}
	if *out != "-" {
		rep.WriteSummary(stdout)
	}
	if *update != "" {
		n, err := recheck.UpdateChecked(*update, rep)
		if err != nil {
			fmt.Fprintln(stderr, "recheck:", err)
			return 1
		}
		fmt.Fprintf(stderr, "recheck: %d dates updated in %s; run go generate ./internal/db\n", n, *update)
	}
	for _, p := range rep.Providers {
		if len(p.Drift) > 0 {
			return 1
		}
	}
	if err != nil {
		return 1
	}
	return 0
}
