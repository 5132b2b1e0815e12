package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hostile are strings a hostile server or document might carry.
var hostile = []string{
	"evil\x1b[2J\x1b[31mred", "line\r\nsource builtin, trust curated", "bidi \u202egnp.exe", "zero\u200bwidth",
	"c1 \u0085 \u009b31m", "nul\x00", "bell\a", "\u2028sep\u2029", "tab\there", "\xff\xfe", "del\x7f",
}

func unsafeRune(r rune) bool {
	return r < ' ' || r >= 0x7f && r <= 0x9f || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069 || r == 0x2028 || r == 0x2029 || r == 0xfeff
}

func TestClean(t *testing.T) {
	for _, s := range hostile {
		for _, r := range Clean(s) {
			if unsafeRune(r) {
				t.Errorf("Clean(%q) keeps %U", s, r)
			}
		}
	}
	if len(Clean(strings.Repeat("x", 10000))) > MaxField {
		t.Error("Clean does not bound the length")
	}
	if Clean("imap.qq.com") != "imap.qq.com" || Clean("提示：开启IMAP") != "提示：开启IMAP" {
		t.Error("Clean changes clean text")
	}
}

// TestCleanJSON: after CleanJSON, no string holds an unsafe character,
// not even escaped; the structure and the clean strings are unchanged.
func TestCleanJSON(t *testing.T) {
	v := map[string]any{"plain": "imap.qq.com", "n": 993, "ok": true, "zh": "服务商", "list": hostile,
		"nested": map[string]any{"greeting": "* OK \x1b]0;title\x07ready", "key \u202e": "v"}}
	b, _ := json.Marshal(v)
	out := CleanJSON(b)
	var back map[string]any
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("CleanJSON broke the JSON: %v\n%s", err, out)
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			for _, r := range x {
				if unsafeRune(r) {
					t.Errorf("string %q keeps %U", x, r)
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				walk(k)
				walk(e)
			}
		}
	}
	walk(back)
	if back["plain"] != "imap.qq.com" || back["zh"] != "服务商" || back["n"] != 993.0 || back["ok"] != true {
		t.Errorf("clean values changed: %s", out)
	}
	clean := []byte(`{"a":"b","c":[1,2,"d e"]}`)
	if got := CleanJSON(clean); &got[0] != &clean[0] {
		t.Error("CleanJSON copied a clean document")
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "abc", `q"uote\back`, "服务商", "a\x01b\nc", "bad\xffutf8"} {
		b := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("AppendString(%q) = %s: %v", s, b, err)
		}
		if strings.ToValidUTF8(s, "\ufffd") != back {
			t.Errorf("AppendString(%q) reads back as %q", s, back)
		}
	}
}

func TestJSONLines(t *testing.T) {
	var buf bytes.Buffer
	j := &JSONLines{W: &buf}
	if err := j.Write(map[string]string{"a": "x<y&z", "b": "\x1b[31m"}); err != nil {
		t.Fatal(err)
	}
	if err := j.WriteRaw([]byte(`{"c":"\u202eok"}` + "\n")); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != `{"a":"x<y&z","b":"[31m"}`+"\n"+`{"c":"ok"}`+"\n" {
		t.Errorf("lines = %q", got)
	}
}
