package plisttest

import (
	"fmt"
	"testing"
)

func TestReadRefuses(t *testing.T) {
	for _, doc := range []string{
		``,
		`<dict/>`,
		`<plist><dict><key>a</key><string>1</string><key>a</key><string>2</string></dict></plist>`,
		`<plist><dict><key>a</key><data>AA==</data></dict></plist>`,
		`<plist><dict><string>x</string></dict></plist>`,
		`<plist><integer>x</integer></plist>`,
		`<plist><true>x</true></plist>`,
		`<plist><string>a</string><string>b</string></plist>`,
		`<plist><string>a</string></plist>x`,
	} {
		if v, err := Read([]byte(doc)); err == nil {
			t.Errorf("Read(%q) = %v, want an error", doc, v)
		}
	}
	v, err := Read([]byte(`<?xml version="1.0"?><plist version="1.0"><dict><key>n</key><integer>7</integer><key>b</key><false/><key>a</key><array><string>x</string></array></dict></plist>`))
	want := map[string]any{"n": int64(7), "b": false, "a": []any{"x"}}
	if err != nil || fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("Read = %v, %v; want %v", v, err, want)
	}
}
