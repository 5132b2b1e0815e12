package xmlwalk

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestWalk(t *testing.T) {
	var starts, ends []string
	w := Walker{Root: "a", MaxDepth: 4, MaxText: 16,
		Start: func(p string, e xml.StartElement) { starts = append(starts, p+"@"+Attr(e, "id")) },
		End:   func(p, text string) { ends = append(ends, p+"="+text) }}
	if err := w.Walk([]byte(`<a><b id=" x ">  hi </b><c/></a>`)); err != nil {
		t.Fatal(err)
	}
	if strings.Join(starts, " ") != "a@ a/b@x a/c@" || strings.Join(ends, " ") != "a/b=hi a/c= a=" {
		t.Errorf("starts %q, ends %q", starts, ends)
	}
}

func TestWalkFoldCase(t *testing.T) {
	var paths []string
	w := Walker{Root: "autodiscover", FoldCase: true, MaxDepth: 4, MaxText: 16, End: func(p, _ string) { paths = append(paths, p) }}
	if err := w.Walk([]byte(`<AutoDiscover><Response/></AutoDiscover>`)); err != nil || strings.Join(paths, " ") != "autodiscover/response autodiscover" {
		t.Errorf("paths %q, %v", paths, err)
	}
	if err := (Walker{Root: "Autodiscover", MaxDepth: 4, MaxText: 4}).Walk([]byte(`<autodiscover/>`)); err == nil {
		t.Error("case-sensitive walker accepted another root's case")
	}
}

func TestWalkRefuses(t *testing.T) {
	w := Walker{Root: "a", MaxDepth: 3, MaxText: 8}
	for name, doc := range map[string]string{
		"doctype":           `<!DOCTYPE a [<!ENTITY x "y">]><a/>`,
		"root":              `<b/>`,
		"deep":              `<a><a><a><a/></a></a></a>`,
		"text":              `<a>123456789</a>`,
		"malformed":         `<a><b></a>`,
		"entity":            `<a>&x;</a>`,
		"hostile root name": "<e\u00e9vil\u0301/>",
	} {
		err := w.Walk([]byte(doc))
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.ContainsRune(err.Error(), '\u202e') {
			t.Errorf("%s: error %q quotes a bidi character", name, err)
		}
	}
}
