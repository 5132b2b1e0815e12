package main

import (
	"context"
	"fmt"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// writeJSON writes outs as JSON lines; a value that cannot be written is
// reported on standard error.
func writeJSON[T any](s *sub, outs []T) {
	j := &cli.JSONLines{W: s.out}
	for _, o := range outs {
		if err := j.Write(o); err != nil {
			fmt.Fprintf(s.e.stderr, "mailsettings %s: %s\n", s.name, cli.Clean(err.Error()))
		}
	}
}

// failureBlock is the explanation of one failed endpoint printed after a
// table: "TARGET ENDPOINT: KIND", then the explanation and the fix.
func failureBlock(target, endpoint string, kind mailsettings.ErrorKind, explanation, fix string) string {
	return cli.Clean(target) + " " + cli.Clean(endpoint) + ": " + string(kind) + "\n  " + cli.Clean(explanation) + "\n  " + cli.Clean(fix)
}

// report prints t, then each failure block after an empty line, then an
// empty line.
func (s *sub) report(t *cli.Table, failures []string) {
	t.WriteTo(s.out)
	for _, f := range failures {
		fmt.Fprintln(s.out)
		fmt.Fprintln(s.out, f)
	}
	fmt.Fprintln(s.out)
}

// runQueries works on the queries of in, at most parallel at once, with
// work, and shows each result in input order with show, with a progress
// line on a terminal. bad says whether a result is a failure. It returns
// the exit status.
func runQueries[R any](ctx context.Context, s *sub, in *cli.Input, parallel int,
	work func(ctx context.Context, query string) R, bad func(R) bool, show func(R)) int {
	progress := cli.StartProgress(s.e.stderr, s.e.stderrTTY && in.UsesStdin(), s.lang)
	failed := false
	cli.Ordered(ctx, in.All(), parallel, work, func(res R) {
		b := bad(res)
		failed = failed || b
		progress.Add(b)
		progress.Clear()
		show(res)
		s.flush()
	})
	progress.Stop()
	return s.finish(in, failed || ctx.Err() != nil)
}

// anyFailed reports whether some output is not OK.
func anyFailed[T any](outs []T, ok func(T) bool) bool {
	for _, o := range outs {
		if !ok(o) {
			return true
		}
	}
	return false
}
