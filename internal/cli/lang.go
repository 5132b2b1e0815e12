package cli

import (
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/msg"
)

// A Lang is the language of the command's output: the texts of the
// catalog (internal/msg) and of the library's Text values.
type Lang struct {
	tag string
	l   msg.Lang
}

// ChooseLang returns the language named by flag (the -lang flag) if it is
// not empty, else by the first of the environment variables LC_ALL,
// LC_MESSAGES and LANG that is set (POSIX precedence), read with getenv.
// A name is a BCP 47 tag ("zh-Hant", "zh-TW") or a POSIX locale
// ("zh_CN.UTF-8"), matched as mailsettings.Text.In matches it: Traditional
// Chinese for zh-Hant and the regions TW, HK and MO, Simplified Chinese for
// other "zh", English otherwise ("C", "POSIX", "en_US.UTF-8").
func ChooseLang(flag string, getenv func(string) string) Lang {
	tag := flag
	if tag == "" && getenv != nil {
		for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
			if tag = getenv(v); tag != "" {
				break
			}
		}
	}
	tag = strings.TrimSpace(tag)
	// The library's own rule, through its exported API.
	probe := mailsettings.NewText("en").With("zh-Hans", "zh-Hans").With("zh-Hant", "zh-Hant")
	switch probe.In(tag) {
	case "zh-Hans":
		return Lang{"zh-Hans", msg.Hans}
	case "zh-Hant":
		return Lang{"zh-Hant", msg.Hant}
	}
	return Lang{"en", msg.En}
}

// Tag returns the BCP 47 tag of the language: "en", "zh-Hans" or
// "zh-Hant", for mailsettings.Text.In.
func (l Lang) Tag() string {
	if l.tag == "" {
		return "en"
	}
	return l.tag
}

// T returns the catalog text "cli."+id in the language, with its
// placeholders filled from pairs of name and value: T("note", "kind", k,
// "text", s). Values are used as given; sanitize them first.
func (l Lang) T(id string, pairs ...string) string {
	t := msg.Get("cli." + id)
	if len(pairs) > 0 {
		args := make([]msg.Arg, 0, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			args = append(args, msg.Plain(pairs[i], pairs[i+1]))
		}
		t = t.Fill(args...)
	}
	return t.In(l.l)
}
