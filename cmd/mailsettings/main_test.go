package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// outcome is what a run of the command printed and returned.
type outcome struct {
	code           int
	stdout, stderr string
}

// opts change the environment of a test run.
type opts struct {
	stdin string
	env   map[string]string
	net   netBase
	tty   bool // standard error is a terminal
	// password, if not nil, is what the terminal prompt reads.
	password *string
	prompts  *[]string
}

// run runs the command line args in a test environment.
func (o opts) run(t testing.TB, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{
		stdin: strings.NewReader(o.stdin), stdout: &stdout, stderr: &stderr,
		getenv:    func(k string) string { return o.env[k] },
		stderrTTY: o.tty, net: o.net,
	}
	if o.password != nil {
		e.readPassword = func(prompt string) (string, error) {
			if o.prompts != nil {
				*o.prompts = append(*o.prompts, prompt)
			}
			return *o.password, nil
		}
	}
	code := run(context.Background(), e, args)
	return outcome{code, stdout.String(), stderr.String()}
}

// runCmd runs args with no standard input and an empty environment.
func runCmd(t testing.TB, args ...string) outcome {
	t.Helper()
	return opts{}.run(t, args...)
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// jsonLines decodes every line of s as a JSON object.
func jsonLines(t testing.TB, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range lines(s) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON object: %v\n%s", err, l)
		}
		out = append(out, m)
	}
	return out
}

// TestUsage: no command or an unknown one is a usage error (2, on
// standard error); -h and help print the usage on standard output and exit
// 0, for the command and for every subcommand.
func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout bool
	}{
		{nil, 2, false},
		{[]string{"frobnicate"}, 2, false},
		{[]string{"-h"}, 0, true},
		{[]string{"--help"}, 0, true},
		{[]string{"help"}, 0, true},
		{[]string{"help", "probe"}, 0, true},
	} {
		o := runCmd(t, c.args...)
		where := o.stderr
		if c.stdout {
			where = o.stdout
		}
		if o.code != c.code || !strings.Contains(where, "usage: mailsettings") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", c.args, o.code, o.stdout, o.stderr)
		}
	}
	for _, c := range commands {
		for _, h := range []string{"-h", "-help", "--help"} {
			o := runCmd(t, c.name, "x.example", h)
			if o.code != 0 || !strings.HasPrefix(o.stdout, "usage: mailsettings "+c.name) || o.stderr != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", c.name, h, o.code, o.stdout, o.stderr)
			}
		}
		o := runCmd(t, c.name, "-no-such-flag", "x.example")
		if o.code != 2 || !strings.Contains(o.stderr, "-no-such-flag") || o.stdout != "" {
			t.Errorf("%s with a bad flag: exit %d, stdout %q, stderr %q", c.name, o.code, o.stdout, o.stderr)
		}
		if c.name == "list" {
			continue // lists everything without arguments
		}
		if o := runCmd(t, c.name); o.code != 2 || !strings.Contains(o.stderr, "usage:") {
			t.Errorf("%s without arguments: exit %d, stderr %q", c.name, o.code, o.stderr)
		}
	}
}

// TestNetworkFlagErrors: bad -ca, -resolver, -timeout or -parallel values
// are usage errors.
func TestNetworkFlagErrors(t *testing.T) {
	for _, cmd := range []string{"discover", "probe", "login"} {
		for _, bad := range [][]string{{"-ca", "/nonexistent"}, {"-resolver", "nonsense"}, {"-timeout", "0s"}, {"-parallel", "0"}} {
			o := opts{env: map[string]string{defaultPasswordEnv: "pw"}}.run(t, append(append([]string{cmd}, bad...), "alice@x.example")...)
			if o.code != 2 || !strings.Contains(o.stderr, bad[0]) || o.stdout != "" {
				t.Errorf("%s %q: exit %d, stdout %q, stderr %q", cmd, bad, o.code, o.stdout, o.stderr)
			}
		}
	}
}
