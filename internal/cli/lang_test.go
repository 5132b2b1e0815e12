package cli

import "testing"

func TestChooseLang(t *testing.T) {
	for _, c := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"", nil, "en"},
		{"zh", nil, "zh-Hans"},
		{"zh-TW", map[string]string{"LANG": "zh_CN.UTF-8"}, "zh-Hant"}, // the flag wins
		{"en", map[string]string{"LC_ALL": "zh_CN.UTF-8"}, "en"},
		{"", map[string]string{"LANG": "zh_CN.UTF-8"}, "zh-Hans"},
		{"", map[string]string{"LANG": "zh_TW.UTF-8"}, "zh-Hant"},
		{"", map[string]string{"LANG": "zh_HK.Big5HKSCS"}, "zh-Hant"},
		{"", map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh-Hant"},
		{"", map[string]string{"LC_MESSAGES": "zh_TW.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"},
		{"", map[string]string{"LANG": "C"}, "en"},
		{"", map[string]string{"LANG": "POSIX"}, "en"},
		{"", map[string]string{"LANG": "fr_FR.UTF-8"}, "en"},
		{"", map[string]string{"LC_ALL": "zh_SG"}, "zh-Hans"},
	} {
		got := ChooseLang(c.flag, func(k string) string { return c.env[k] })
		if got.Tag() != c.want {
			t.Errorf("ChooseLang(%q, %v) = %s, want %s", c.flag, c.env, got.Tag(), c.want)
		}
	}
	if (Lang{}).Tag() != "en" {
		t.Error("the zero Lang is not English")
	}
}

func TestT(t *testing.T) {
	zh := ChooseLang("zh-Hans", nil)
	if got := zh.T("note", "kind", "password", "text", "x"); got != "提示（password）：x" {
		t.Errorf("T(note) = %q", got)
	}
	if got := ChooseLang("zh-Hant", nil).T("h.host"); got != "主機" {
		t.Errorf("T(h.host) in zh-Hant = %q", got)
	}
	if got := (Lang{}).T("h.host"); got != "HOST" {
		t.Errorf("T(h.host) = %q", got)
	}
}
