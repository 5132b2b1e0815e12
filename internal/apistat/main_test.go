package main

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
)

// TestRootShape checks the root package's file graph: no cycle among its
// files, and no helper that lives in the wrong file.
func TestRootShape(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, "../..", true, true, false, false); err != nil {
		t.Fatal(err)
	}
	count := func(pattern string) int {
		m := regexp.MustCompile(`(?m)^` + pattern + `: (\d+)$`).FindSubmatch(out.Bytes())
		if m == nil {
			t.Fatalf("no line %q in the report:\n%s", pattern, out.Bytes())
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	if n := count(`exported identifiers`); n == 0 {
		t.Error("no exported identifier counted in the root package")
	}
	if n := count(`cycles`); n != 0 {
		t.Errorf("%d cycles among the root files:\n%s", n, out.Bytes())
	}
	if n := count(`helpers used mainly elsewhere \(using nothing of their own file\)`); n != 0 {
		t.Errorf("%d helpers in the wrong file:\n%s", n, out.Bytes())
	}
}

// TestSCCs checks the cycle finder on a small graph.
func TestSCCs(t *testing.T) {
	edges := map[string]map[string]int{
		"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1, "d": 1}, "d": {}, "e": {"d": 1},
	}
	got := sccs([]string{"a", "b", "c", "d", "e"}, edges)
	if len(got) != 1 || len(got[0]) != 3 || got[0][0] != "a" || got[0][2] != "c" {
		t.Errorf("sccs = %v, want [[a b c]]", got)
	}
	delete(edges["c"], "a")
	if got := sccs([]string{"a", "b", "c", "d", "e"}, edges); len(got) != 0 {
		t.Errorf("sccs of an acyclic graph = %v", got)
	}
}
