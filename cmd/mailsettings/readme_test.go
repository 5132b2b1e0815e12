package main

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// readmeTables returns the field tables of README.md's "JSON fields"
// section, keyed by the text before each table up to its first colon
// ("`mailsettings lookup -json` (and ...)" → "`mailsettings lookup -json`
// (and a failed query of any subcommand"), each as the backticked names of
// its first column.
func readmeTables(t *testing.T) map[string][]string {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "### JSON fields")
	if start < 0 {
		t.Fatal(`README.md has no "### JSON fields" section`)
	}
	text = text[start:]
	if end := strings.Index(text, "\n## "); end >= 0 {
		text = text[:end]
	}
	name := regexp.MustCompile("`([^`]+)`")
	tables := map[string][]string{}
	title := ""
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "| field") || strings.HasPrefix(line, "|---"):
		case strings.HasPrefix(line, "|"):
			cell := strings.Split(line, "|")[1]
			for _, m := range name.FindAllStringSubmatch(cell, -1) {
				tables[title] = append(tables[title], m[1])
			}
		case strings.TrimSpace(line) != "":
			title = line
		}
	}
	return tables
}

// table returns the fields of the README table whose title starts with
// prefix.
func table(t *testing.T, tables map[string][]string, prefix string) []string {
	t.Helper()
	var found []string
	for title, fields := range tables {
		if strings.HasPrefix(title, prefix) {
			if found != nil {
				t.Fatalf("two README tables start with %q", prefix)
			}
			found = fields
		}
	}
	if found == nil {
		t.Fatalf("README.md has no JSON field table after a line starting %q", prefix)
	}
	return found
}

// paths adds to set every path of v: "a", "a.b", "a[]", "a[].c". The
// values of "text" (a map of language tags) are not looked into.
func paths(set map[string]bool, prefix string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			set[p] = true
			if k != "text" {
				paths(set, p, e)
			}
		}
	case []any:
		for _, e := range v {
			if _, ok := e.(map[string]any); ok {
				set[prefix+"[]"] = true
				paths(set, prefix+"[]", e)
			}
		}
	}
}

// withPrefixes returns fields and every prefix of each: "a[].b" gives
// "a[]" and "a".
func withPrefixes(fields []string) map[string]bool {
	set := map[string]bool{}
	for _, f := range fields {
		set[f] = true
		for i := range len(f) {
			switch {
			case f[i] == '.':
				set[f[:i]] = true
			case strings.HasPrefix(f[i:], "[]"):
				set[f[:i]] = true
				set[f[:i+2]] = true
			}
		}
	}
	return set
}

// TestREADMEJSONFields: for each subcommand, every key its -json output
// has is in README.md's field reference, and every field the reference
// lists for it appears in the output of the samples. Table-driven: each
// case runs the subcommand on inputs that bring out its optional fields.
func TestREADMEJSONFields(t *testing.T) {
	tables := readmeTables(t)
	lookup := table(t, tables, "`mailsettings lookup -json`")
	var inCandidates []string // a candidate has lookup's fields, but not "error"
	for _, f := range lookup {
		if f != "error" {
			inCandidates = append(inCandidates, "candidates[]."+f)
		}
	}
	common := table(t, tables, "`mailsettings probe -json`")
	failed := []string{"query", "error"}

	dw := newDiscoverWorld(t, "ISPDB Example")
	dw.dns.SetRcode("_pop3._tcp.example.test.", dns.RcodeServerFailure) // an unreachable source
	targets, caFile, probeBase := probeServers(t)
	loginBase := loginWorld(t)

	for _, c := range []struct {
		name      string
		runs      []func() outcome
		own       []string // fields the output must show
		inherited []string // fields it may show
		offline   []string // fields of own that only the network brings out
	}{
		{"lookup", []func() outcome{
			func() outcome { return runCmd(t, "lookup", "-json", "alice@gmail.com", "bob@163.com", "alice@") },
		}, lookup, nil, nil},
		{"discover", []func() outcome{
			func() outcome {
				return runCmd(t, append([]string{"discover", "-json", "alice@example.test", "bob@ispdb-example.test", "nothing.test", "al..ice@x.test"}, dw.flags...)...)
			},
		}, table(t, tables, "`mailsettings discover -json`"), append(inCandidates, failed...),
			[]string{"candidates[].verified"}}, // probes of real providers' servers
		{"probe", []func() outcome{
			func() outcome {
				return opts{net: probeBase}.run(t, append([]string{"probe", "-json", "-ca", caFile}, append(targets, "ftp://x.example.test")...)...)
			},
		}, append(slices.Clone(common), table(t, tables, "`probe` adds")...), nil, nil},
		{"login", []func() outcome{
			func() outcome {
				return opts{net: loginBase, env: map[string]string{defaultPasswordEnv: "right"}}.run(t, "login", "-json", "alice@example.test")
			},
			func() outcome {
				return opts{net: loginBase, env: map[string]string{defaultPasswordEnv: "wrong"}}.run(t, "login", "-json", "alice@example.test", "imaps://imap.example.test")
			},
		}, append(slices.Clone(common), table(t, tables, "`login` adds")...), nil, nil},
		{"list", []func() outcome{
			func() outcome { return runCmd(t, "list", "-json", "gmail", "exmail") },
		}, table(t, tables, "`mailsettings list -json` "), nil, nil},
		{"list -domains", []func() outcome{
			func() outcome { return runCmd(t, "list", "-json", "-domains", "qq") },
		}, table(t, tables, "`mailsettings list -json -domains`"), nil, nil},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			got := map[string]bool{}
			for _, run := range c.runs {
				o := run()
				if o.stdout == "" {
					t.Fatalf("no output; exit %d, stderr %s", o.code, o.stderr)
				}
				for _, m := range jsonLines(t, o.stdout) {
					paths(got, "", m)
				}
			}
			documented := withPrefixes(append(slices.Clone(c.own), c.inherited...))
			for _, p := range slices.Sorted(maps.Keys(got)) {
				if !documented[p] {
					t.Errorf("%s -json prints %q, which README.md's JSON fields do not list", c.name, p)
				}
			}
			for _, f := range c.own {
				if !got[f] && !slices.Contains(c.offline, f) {
					t.Errorf("README.md lists %q for %s -json, which the samples never print", f, c.name)
				}
			}
		})
	}
}
