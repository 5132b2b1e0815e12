package mailsettings_test

import (
	"encoding/json"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// zhHans returns t's Simplified Chinese text, without falling back to
// another language, so that a test can require it.
func zhHans(t mailsettings.Text) string { return exactText(t, "zh-Hans") }

// exactText returns the text t holds for the BCP 47 tag ("en", "zh-Hans",
// "zh-Hant"), read from its JSON form, which leaves out missing languages.
func exactText(t mailsettings.Text, tag string) string {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m[tag]
}

func TestTextLanguages(t *testing.T) {
	x := mailsettings.NewText("hello").With("zh-Hans", "你好").With("zh-TW", "妳好")
	for lang, want := range map[string]string{
		"": "hello", "en": "hello", "en-GB": "hello", "fr": "hello", "de_DE.UTF-8": "hello",
		"zh": "你好", "zh-CN": "你好", "zh_CN.UTF-8": "你好", "zh-Hans": "你好", "zh-SG": "你好", "ZH-hans-cn": "你好",
		"zh-TW": "妳好", "zh_TW.UTF-8": "妳好", "zh-HK": "妳好", "zh-MO": "妳好", "zh-Hant": "妳好", "zh-Hant-HK": "妳好",
	} {
		if got := x.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	hansOnly := mailsettings.NewText("hello").With("zh-Hans", "你好")
	if hansOnly.In("zh-TW") != "你好" {
		t.Errorf("zh-TW without a Traditional text = %q, want the Simplified one", hansOnly.In("zh-TW"))
	}
	if s := exactText(hansOnly, "zh-Hant"); s != "" {
		t.Errorf("zh-Hant held = %q, want nothing", s)
	}
	if s := exactText(hansOnly.With("zh-CN", "您好"), "zh-Hans"); s != "您好" {
		t.Errorf("With(zh-CN) stored %q as zh-Hans", s)
	}
	if x.With("fr", "bonjour") != x {
		t.Errorf("With of an unsupported language changed the text")
	}
	if (mailsettings.Text{}) != (mailsettings.Text{}).With("fr", "x") || x == (mailsettings.Text{}) || x.String() != "hello" {
		t.Errorf("zero Text or String wrong")
	}
}

func TestTextJSON(t *testing.T) {
	x := mailsettings.NewText(`a "b" <c>`).With("zh-Hans", "甲").With("zh-Hant", "乙")
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"en":"a \"b\" \u003cc\u003e","zh-Hans":"甲","zh-Hant":"乙"}` {
		t.Errorf("Marshal = %s", b)
	}
	var back mailsettings.Text
	if err := json.Unmarshal(b, &back); err != nil || back != x {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"en":"e","zh":"简","fr":"f"}`), &back); err != nil || back.In("zh-Hans") != "简" || back.In("en") != "e" {
		t.Errorf("older form with zh = %+v, %v", back, err)
	}
	if b, _ := json.Marshal(mailsettings.Text{}); string(b) != "{}" {
		t.Errorf("zero Text = %s", b)
	}
}

func TestTextIn(t *testing.T) {
	x := mailsettings.NewText("hello").With("zh-Hans", "你好")
	for lang, want := range map[string]string{"zh": "你好", "zh-CN": "你好", "zh-Hans": "你好", "ZH-hans-cn": "你好", "en": "hello", "": "hello", "fr": "hello", "zha": "hello"} {
		if got := x.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := mailsettings.NewText("only").In("zh"); got != "only" {
		t.Errorf("In(zh) without Chinese = %q", got)
	}
}
