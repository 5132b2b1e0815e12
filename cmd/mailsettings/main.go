// Command mailsettings finds and checks IMAP, POP3 and SMTP settings for
// email addresses and domains, with package
// github.com/mailsettings/mailsettings.
//
// Usage:
//
//	mailsettings lookup   [-json] [-lang L] QUERY...          offline, from the built-in database
//	mailsettings discover [-json] [flags] QUERY...            table, autoconfig, ISPDB, SRV, MX
//	mailsettings probe    [-json] [flags] TARGET...           connect, TLS, certificate, greeting
//	mailsettings login    [-json] [flags] ADDRESS|TARGET...   check a password or token
//	mailsettings serve    [-addr HOST:PORT] [-target NAME] DOMAIN[=PROVIDER-ID]...
//	mailsettings list     [-json] [-domains] [FILTER...]
//
// A QUERY is an address or a domain, as typed or pasted: alice@qq.com,
// QQ.COM., 例子.中国, mailto:alice@qq.com, "Alice <alice@qq.com>". The
// argument "-" reads one per line from standard input, streaming; the
// network subcommands work on several at once (-parallel) and print in
// input order. Flags may come before or after the arguments; "--" ends
// them.
//
// With -json every subcommand prints one JSON object per line, with the
// fields listed in README.md; without it, aligned tables. Headers, labels
// and notes are in English, Simplified or Traditional Chinese, after -lang
// or else LC_ALL, LC_MESSAGES or LANG (zh_CN.UTF-8, zh_TW.UTF-8). Every
// string that came from the network, a document or the input is
// sanitized before it is printed: no control characters, no escape
// sequences, no bidi overrides.
//
// Errors go to standard error (with -json, a failed query is also a line
// {"query":...,"error":...} on standard output). The exit status is 0 when
// every query succeeded, 1 when some failed, 2 for bad usage; -h prints
// the usage and exits 0.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
	"golang.org/x/term"
)

// env is what a run of the command reads and writes: the process's in
// main, buffers and fakes in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stderrTTY says standard error is a terminal (for the progress
	// line).
	stderrTTY bool
	// readPassword reads a password without echo after printing prompt
	// on standard error; nil when standard input is not a terminal.
	readPassword func(prompt string) (string, error)
	// net holds the Resolver, Dialer and TLS configuration that the
	// network subcommands start from; flags override them. The zero
	// value means the system's.
	net netBase
	// serve runs an HTTP server until ctx ends.
	serve func(ctx context.Context, srv *http.Server) error
}

// netBase is where the network subcommands' clients start from.
type netBase struct {
	resolver mailsettings.Resolver
	dialer   mailsettings.Dialer
	tls      *tls.Config
}

// A command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands lists the subcommands in the order the usage shows them.
var commands = []command{
	{"lookup", "settings from the built-in database, offline", runLookup},
	{"discover", "find settings for any domain (autoconfig, ISPDB, SRV, MX, guessing)", runDiscover},
	{"probe", "check that endpoints work: connect, TLS, certificate, greeting", runProbe},
	{"login", "check a password or OAuth2 token against the endpoints", runLogin},
	{"serve", "serve autoconfig, Autodiscover, PACC and Apple profiles for your domains", runServe},
	{"list", "list the built-in providers and domains", runList},
	// recheck, the data issue's tool (internal/recheck and
	// internal/cmd/recheck), belongs here as {"recheck", ..., runRecheck}
	// when it moves into the command.
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	e := &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		serve:     serveHTTP,
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		e.readPassword = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the command line args (without the program name).
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return cli.ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := find(args[1]); ok {
				return c.run(ctx, e, []string{"-h"})
			}
		}
		usage(e.stdout)
		return cli.ExitOK
	}
	c, ok := find(args[0])
	if !ok {
		fmt.Fprintf(e.stderr, "mailsettings: unknown command %q\n", cli.Clean(args[0]))
		usage(e.stderr)
		return cli.ExitUsage
	}
	return c.run(ctx, e, args[1:])
}

func find(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mailsettings COMMAND [flags] [QUERY... | -]")
	fmt.Fprintln(w)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `"-" reads queries from standard input, one per line. Flags may follow queries; "--" ends them.`)
	fmt.Fprintln(w, "Run 'mailsettings COMMAND -h' for a command's flags. Exit status: 0 ok, 1 some query failed, 2 usage.")
}

// serveHTTP runs srv until ctx ends, then shuts it down.
func serveHTTP(ctx context.Context, srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
