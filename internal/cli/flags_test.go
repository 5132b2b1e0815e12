package cli

import (
	"errors"
	"flag"
	"io"
	"slices"
	"testing"
)

func newFlags() (*flag.FlagSet, *bool, *string) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs, fs.Bool("json", false, ""), fs.String("lang", "", "")
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		rest []string
		json bool
		lang string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, false, ""},
		{[]string{"-json", "a"}, []string{"a"}, true, ""},
		{[]string{"a", "-json"}, []string{"a"}, true, ""},
		{[]string{"a", "-lang", "zh", "b"}, []string{"a", "b"}, false, "zh"},
		{[]string{"a", "--lang=zh-TW", "b", "--json"}, []string{"a", "b"}, true, "zh-TW"},
		{[]string{"-json=false", "a"}, []string{"a"}, false, ""},
		{[]string{"a", "--", "-json", "--"}, []string{"a", "-json", "--"}, false, ""},
		{[]string{"-", "-json"}, []string{"-"}, true, ""},
		{[]string{"-lang", "-json", "a"}, []string{"a"}, false, "-json"}, // a value may start with "-"
		{nil, nil, false, ""},
	} {
		fs, j, l := newFlags()
		rest, err := Parse(fs, c.args)
		if err != nil || !slices.Equal(rest, c.rest) || *j != c.json || *l != c.lang {
			t.Errorf("Parse(%q) = %q, %v, json %v lang %q; want %q json %v lang %q", c.args, rest, err, *j, *l, c.rest, c.json, c.lang)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, args := range [][]string{{"a", "-nope"}, {"-lang"}, {"-json=maybe"}} {
		fs, _, _ := newFlags()
		if _, err := Parse(fs, args); err == nil || errors.Is(err, flag.ErrHelp) {
			t.Errorf("Parse(%q) error = %v, want a usage error", args, err)
		}
	}
	for _, h := range []string{"-h", "-help", "--help"} {
		fs, _, _ := newFlags()
		if _, err := Parse(fs, []string{"a", h}); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("Parse(%s) error = %v, want flag.ErrHelp", h, err)
		}
	}
}
