package mailsettings

import (
	"encoding/json"
	"strings"

	"github.com/mailsettings/mailsettings/internal/msg"
	"github.com/mailsettings/mailsettings/internal/plainjson"
)

// Text is a short message in the languages this package speaks: English,
// which is always there, Simplified Chinese (zh-Hans) and Traditional
// Chinese (zh-Hant). Its fields are unexported, so that adding a language
// breaks no caller; build one with [NewText] and [Text.With], read it with
// [Text.In] (or, for every language it holds, its JSON form). Texts are comparable values; the zero Text is empty.
type Text struct {
	t msg.Text
}

// NewText returns a Text whose English is english.
func NewText(english string) Text {
	var t Text
	t.t[msg.En] = english
	return t
}

// textOf turns a catalog text into a Text.
func textOf(t msg.Text) Text { return Text{t} }

// With returns a copy of t with s as the text for the language lang, a
// BCP 47 tag matched as by [Text.In] ("zh-Hans", "zh-CN", "zh-Hant",
// "zh-TW", "en"). A tag of a language t cannot hold leaves t unchanged.
func (t Text) With(lang, s string) Text {
	if l, ok := matchLang(lang); ok {
		t.t[l] = s
	}
	return t
}

// In returns the text for a BCP 47 language tag or a POSIX locale name
// ("zh-TW", "zh_CN.UTF-8"): Traditional Chinese for zh-Hant and the
// regions TW, HK and MO, Simplified Chinese for other "zh" tags, and
// English otherwise. A missing Chinese text falls back to the other
// script, then to English.
func (t Text) In(lang string) string {
	l, _ := matchLang(lang)
	return t.t.In(l)
}

// String returns the English text.
func (t Text) String() string { return t.t[msg.En] }

// matchLang maps a language tag to a catalog language; ok is false for
// languages other than English and Chinese.
func matchLang(tag string) (l msg.Lang, ok bool) {
	tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	if i := strings.IndexAny(tag, ".@"); i >= 0 {
		tag = tag[:i] // POSIX locale: zh_TW.UTF-8, sr_RS@latin
	}
	first, rest, _ := strings.Cut(tag, "-")
	switch first {
	case "en":
		return msg.En, true
	case "zh":
	default:
		return msg.En, false
	}
	for sub := range strings.SplitSeq(rest, "-") {
		switch sub {
		case "hant", "tw", "hk", "mo":
			return msg.Hant, true
		case "hans", "cn", "sg", "my":
			return msg.Hans, true
		}
	}
	return msg.Hans, true
}

// MarshalJSON writes the text as an object from BCP 47 tags to texts, such
// as {"en":"...","zh-Hans":"...","zh-Hant":"..."}, leaving out languages
// without a text.
func (t Text) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for l, tag := range msg.Tags() {
		if t.t[l] == "" {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := plainjson.Marshal(tag)
		v, err := plainjson.Marshal(t.t[l])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes. A key "zh" is read as
// Simplified Chinese; keys of other languages are ignored.
func (t *Text) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*t = Text{}
	for tag, s := range m {
		*t = t.With(tag, s)
	}
	return nil
}
