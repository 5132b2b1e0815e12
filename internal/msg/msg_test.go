package msg

import (
	"regexp"
	"slices"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalog checks that the catalog parses and that every entry has
// English, Simplified Chinese, and the same placeholders in every language.
func TestCatalog(t *testing.T) {
	m, err := parse(messages)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 50 {
		t.Fatalf("catalog has %d entries", len(m))
	}
	for id, txt := range m {
		if txt[En] == "" || txt[Hans] == "" {
			t.Errorf("[%s] lacks en or zh-Hans: %q", id, txt)
		}
		want := placeholders(txt[En])
		for l, s := range txt {
			if s != "" && !slices.Equal(placeholders(s), want) {
				t.Errorf("[%s] %s has placeholders %v, en has %v", id, Tags()[l], placeholders(s), want)
			}
		}
	}
}

// TestCatalogComplete checks that every entry is translated into every
// language.
func TestCatalogComplete(t *testing.T) {
	m, _ := parse(messages)
	for id, txt := range m {
		for l, s := range txt {
			if s == "" {
				t.Errorf("[%s] has no %s text", id, Tags()[l])
			}
		}
	}
}

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"[a]\nen: x\n[a]\nen: y\n",
		"en: orphan\n",
		"[a]\nfr: bonjour\n",
		"[a]\nen: x\nen: y\n",
		"[a]\nno colon\n",
	} {
		if _, err := parse(src); err == nil {
			t.Errorf("parse(%q) succeeded", src)
		}
	}
}

func TestFillAndFallback(t *testing.T) {
	x := Text{"{a} at {b}", "{b}的{a}", ""}.Fill(Plain("a", "imap.example"), Local("b", Text{"port", "端口", "埠"}))
	if x[En] != "imap.example at port" || x[Hans] != "端口的imap.example" || x[Hant] != "" {
		t.Errorf("Fill = %q", x)
	}
	if x.In(Hant) != x[Hans] || (Text{"e", "", ""}).In(Hant) != "e" || (Text{"e", "", "t"}).In(Hans) != "t" {
		t.Errorf("fallbacks wrong")
	}
	if j := Join(Text{"A.", "甲。", ""}, Text{"B.", "乙。", ""}); j[En] != "A. B." || j[Hans] != "甲。乙。" {
		t.Errorf("Join = %q", j)
	}
	if g := Get("no.such.id"); g[En] != "no.such.id" {
		t.Errorf("Get of a missing id = %q", g)
	}
}
