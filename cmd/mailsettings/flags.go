package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// A sub is one run of a subcommand: its flags, output and language.
type sub struct {
	name     string
	synopsis string
	e        *env
	fs       *flag.FlagSet
	json     *bool
	langFlag *string
	lang     cli.Lang
	out      *output
}

// output is the buffered standard output of a subcommand, safe for the
// goroutine that reads the input (which flushes before it blocks) and the
// one that prints the results.
type output struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Write(p)
}

// Flush writes out what is buffered.
func (o *output) Flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.w.Flush()
}

// newSub starts a subcommand with the flags every one has: -json (if
// withJSON) and -lang.
func newSub(e *env, name, synopsis string, withJSON bool) *sub {
	s := &sub{name: name, synopsis: synopsis, e: e, fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	s.fs.SetOutput(io.Discard) // errors and usage are printed by parse
	s.fs.Usage = func() {}
	if withJSON {
		s.json = s.fs.Bool("json", false, "print one JSON object per line (fields: see README.md)")
	} else {
		s.json = new(bool)
	}
	s.langFlag = s.fs.String("lang", "", "`tag` of the language of headers, labels and notes: en, zh-Hans (zh, zh-CN) or zh-Hant (zh-TW, zh-HK); default from LC_ALL, LC_MESSAGES, LANG")
	return s
}

// parse parses the arguments. ok is false when the run is over: -h (exit
// 0, usage on standard output) or a usage error (exit 2, on standard
// error).
func (s *sub) parse(args []string) (rest []string, code int, ok bool) {
	rest, err := cli.Parse(s.fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		s.usage(s.e.stdout)
		return nil, cli.ExitOK, false
	case err != nil:
		s.usageError("%v", err)
		return nil, cli.ExitUsage, false
	}
	s.lang = cli.ChooseLang(*s.langFlag, s.e.getenv)
	s.out = &output{w: bufio.NewWriterSize(s.e.stdout, 64<<10)}
	return rest, 0, true
}

// needQueries reports a usage error when there are none.
func (s *sub) needQueries(rest []string) bool {
	if len(rest) == 0 {
		s.usageError("nothing to do: give arguments, or - to read them from standard input")
		return false
	}
	return true
}

func (s *sub) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: mailsettings %s %s\n", s.name, s.synopsis)
	s.fs.SetOutput(w)
	s.fs.PrintDefaults()
	s.fs.SetOutput(io.Discard)
}

// usageError prints a usage error and the usage on standard error.
func (s *sub) usageError(format string, args ...any) {
	fmt.Fprintf(s.e.stderr, "mailsettings %s: %s\n", s.name, cli.Clean(fmt.Sprintf(format, args...)))
	s.usage(s.e.stderr)
}

// fail reports a failed query: with -json as a line {"query","error"} on
// standard output, else on standard error. Both are cleaned.
func (s *sub) fail(query string, err error) {
	if *s.json {
		b := append(cli.AppendString([]byte(`{"query":`), cli.Clean(query)), `,"error":`...)
		b = append(cli.AppendString(b, cli.Clean(err.Error())), "}\n"...)
		s.out.Write(b)
		return
	}
	s.flush() // keep the order of standard output and standard error
	fmt.Fprintf(s.e.stderr, "mailsettings %s: %s: %s\n", s.name, cli.Clean(query), cli.Clean(err.Error()))
}

// flush writes out what is buffered for standard output.
func (s *sub) flush() { _ = s.out.Flush() }

// input returns the queries of rest, reading standard input for "-".
func (s *sub) input(rest []string) *cli.Input {
	return &cli.Input{Args: rest, Stdin: s.e.stdin, Flush: s.flush}
}

// finish flushes the output and returns the exit status: 1 if a query
// failed or reading the input did.
func (s *sub) finish(in *cli.Input, failed bool) int {
	if err := in.Err(); err != nil {
		fmt.Fprintf(s.e.stderr, "mailsettings %s: reading standard input: %s\n", s.name, cli.Clean(err.Error()))
		failed = true
	}
	if err := s.out.Flush(); err != nil {
		fmt.Fprintf(s.e.stderr, "mailsettings %s: %s\n", s.name, cli.Clean(err.Error()))
		failed = true
	}
	if failed {
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// netFlags are the flags of the subcommands that use the network, and
// the clients they ask for once parseNet has read them.
type netFlags struct {
	resolver *string
	ca       *string
	timeout  *time.Duration
	parallel *int

	r   mailsettings.Resolver
	d   mailsettings.Dialer
	tls *tls.Config
}

// parseNet parses args for a subcommand that uses the network and needs
// queries, and sets up nf's clients; when ok is false the subcommand
// exits with code.
func (s *sub) parseNet(args []string, nf *netFlags) (rest []string, code int, ok bool) {
	rest, code, ok = s.parse(args)
	if !ok {
		return nil, code, false
	}
	if !s.needQueries(rest) {
		return nil, cli.ExitUsage, false
	}
	var err error
	if nf.r, nf.d, nf.tls, err = nf.clients(s.e); err != nil {
		s.usageError("%v", err)
		return nil, cli.ExitUsage, false
	}
	return rest, 0, true
}

func (s *sub) netFlags(timeout time.Duration, parallel int) *netFlags {
	return &netFlags{
		resolver: s.fs.String("resolver", "", "send every DNS question to this `host:port`"),
		ca:       s.fs.String("ca", "", "also trust the CA certificates in this PEM `file`"),
		timeout:  s.fs.Duration("timeout", timeout, "time limit for each query"),
		parallel: s.fs.Int("parallel", parallel, "queries worked on at once (input order is kept)"),
	}
}

// clients returns the Resolver, Dialer and TLS configuration the flags
// and the environment ask for; an error is a usage error.
func (n *netFlags) clients(e *env) (mailsettings.Resolver, mailsettings.Dialer, *tls.Config, error) {
	r, d, cfg := e.net.resolver, e.net.dialer, e.net.tls
	if *n.resolver != "" {
		if _, _, err := net.SplitHostPort(*n.resolver); err != nil {
			return nil, nil, nil, fmt.Errorf("-resolver: %v", err)
		}
		addr := *n.resolver
		r = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var nd net.Dialer
			return nd.DialContext(ctx, network, addr)
		}}
	}
	if *n.ca != "" {
		pool, err := cli.LoadCA(*n.ca)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("-ca: %v", err)
		}
		if cfg != nil {
			cfg = cfg.Clone()
		} else {
			cfg = &tls.Config{}
		}
		cfg.RootCAs = pool
	}
	if *n.timeout <= 0 {
		return nil, nil, nil, errors.New("-timeout must be positive")
	}
	if *n.parallel < 1 || *n.parallel > 256 {
		return nil, nil, nil, errors.New("-parallel must be from 1 to 256")
	}
	return r, d, cfg, nil
}
