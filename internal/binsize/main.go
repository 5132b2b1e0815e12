// Command binsize measures how much mailsettings adds to the size of a
// program's binary. It builds four small programs with
// go build -trimpath -ldflags="-s -w" into a temporary folder:
//
//	empty          package main with an empty func main
//	empty+lookup   the same, calling mailsettings.Lookup
//	http+tls       an HTTPS client using net/http and crypto/tls
//	http+tls+lookup the same, calling mailsettings.Lookup
//
// and prints their sizes and the growth that mailsettings causes in each
// pair. Run it from the module root:
//
//	go run ./internal/binsize
//
// The goal of issue 3 is a growth under 600 KiB for a program that already
// uses net/http and crypto/tls. Against an empty program the growth is
// larger, since the package itself imports net/http and crypto/tls (for
// Discover and Probe). The -check flag makes the command fail when the
// first growth is at or above the goal.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// GoalKiB is the growth goal for a program that already uses net/http and
// crypto/tls.
const GoalKiB = 600

// The programs, built as single files from the module root so that the
// mailsettings import resolves to the working copy.
const (
	emptyProg = `package main

func main() {}
`
	emptyLookupProg = `package main

import (
	"os"

	"github.com/mailsettings/mailsettings"
)

func main() {
	if _, err := mailsettings.Lookup(os.Args[len(os.Args)-1]); err != nil {
		os.Exit(1)
	}
}
`
	httpProg = `package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
)

func main() {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
	resp, err := c.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
}
`
	httpLookupProg = `package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"

	"github.com/mailsettings/mailsettings"
)

func main() {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
	resp, err := c.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	s, err := mailsettings.Lookup(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(s.Provider)
}
`
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("binsize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, fmt.Sprintf("fail if the growth of the net/http+crypto/tls program is %d KiB or more", GoalKiB))
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: go run ./internal/binsize [-check]")
		return 2
	}
	r, err := Measure()
	if err != nil {
		fmt.Fprintln(stderr, "binsize:", err)
		return 1
	}
	r.Print(stdout)
	if *check && r.HTTPGrowth() >= GoalKiB*1024 {
		fmt.Fprintf(stderr, "binsize: growth %d bytes is not under the %d KiB goal\n", r.HTTPGrowth(), GoalKiB)
		return 1
	}
	return 0
}

// Result holds the sizes in bytes of the four programs.
type Result struct {
	Empty, EmptyLookup, HTTP, HTTPLookup int64
}

// EmptyGrowth is what mailsettings adds to an empty program.
func (r Result) EmptyGrowth() int64 { return r.EmptyLookup - r.Empty }

// HTTPGrowth is what mailsettings adds to a program that uses net/http and
// crypto/tls.
func (r Result) HTTPGrowth() int64 { return r.HTTPLookup - r.HTTP }

// Print writes a table of the sizes and differences.
func (r Result) Print(w io.Writer) {
	kib := func(n int64) string { return fmt.Sprintf("%8.1f KiB", float64(n)/1024) }
	fmt.Fprintf(w, "%-18s %10d bytes %s\n", "empty", r.Empty, kib(r.Empty))
	fmt.Fprintf(w, "%-18s %10d bytes %s\n", "empty+lookup", r.EmptyLookup, kib(r.EmptyLookup))
	fmt.Fprintf(w, "%-18s %10d bytes %s\n", "http+tls", r.HTTP, kib(r.HTTP))
	fmt.Fprintf(w, "%-18s %10d bytes %s\n", "http+tls+lookup", r.HTTPLookup, kib(r.HTTPLookup))
	fmt.Fprintf(w, "growth vs empty:    %10d bytes %s\n", r.EmptyGrowth(), kib(r.EmptyGrowth()))
	fmt.Fprintf(w, "growth vs http+tls: %10d bytes %s (goal < %d KiB)\n", r.HTTPGrowth(), kib(r.HTTPGrowth()), GoalKiB)
}

// Measure builds the four programs in a temporary folder and returns their
// sizes. It must run inside the mailsettings module.
func Measure() (Result, error) {
	dir, err := os.MkdirTemp("", "binsize")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	var r Result
	for _, p := range []struct {
		name, src string
		size      *int64
	}{
		{"empty", emptyProg, &r.Empty},
		{"emptylookup", emptyLookupProg, &r.EmptyLookup},
		{"http", httpProg, &r.HTTP},
		{"httplookup", httpLookupProg, &r.HTTPLookup},
	} {
		src := filepath.Join(dir, p.name+".go")
		if err := os.WriteFile(src, []byte(p.src), 0o644); err != nil {
			return Result{}, err
		}
		bin := filepath.Join(dir, p.name)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			return Result{}, fmt.Errorf("building %s: %v\n%s", p.name, err, out)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return Result{}, err
		}
		*p.size = fi.Size()
	}
	return r, nil
}
