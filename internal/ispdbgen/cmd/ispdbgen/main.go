// Command ispdbgen writes the ISPDB data layer of mailsettings from a
// folder of Thunderbird ISPDB autoconfig files.
//
// Usage:
//
//	go run ./internal/ispdbgen/cmd/ispdbgen [-o ispdb_gen.go] ISPDB-DIR
//
// It prints every entry it left out, and why, to standard error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mailsettings/mailsettings/internal/ispdbgen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ispdbgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the source to this file instead of standard output")
	quiet := fs.Bool("q", false, "do not list the entries left out")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: ispdbgen [-o FILE] [-q] ISPDB-DIR")
		return 2
	}
	res, err := ispdbgen.Generate(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if !*quiet {
		for _, f := range res.Fixed {
			fmt.Fprintf(stderr, "fixed: %s: %s\n", f.File, f.Why)
		}
		for _, d := range res.Dropped {
			fmt.Fprintf(stderr, "dropped: %s\n", d)
		}
	}
	fmt.Fprintf(stderr, "ispdbgen: %d files, %d providers, %d domains, %d entries dropped, ISPDB commit %s\n",
		res.Files, res.Providers, res.Domains, len(res.Dropped), res.Commit)
	if *out == "" {
		_, err = stdout.Write(res.Source)
	} else {
		err = os.WriteFile(*out, res.Source, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
