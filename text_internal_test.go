package mailsettings

// zhHans returns t's Simplified Chinese text, without falling back to
// another language, so that a test can require it.
func zhHans(t Text) string {
	s, _ := t.Get("zh-Hans")
	return s
}
