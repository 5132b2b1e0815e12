package mailsettings

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// parsePlist reads an XML property list (Apple's PropertyList-1.0 DTD)
// into map[string]any, []any, string, int64 and bool values, for the
// tests of MarshalMobileconfig. It accepts only the types a mail profile
// uses (dict, array, key, string, integer, true, false) and refuses
// anything else, duplicate keys and text outside values.
func parsePlist(data []byte) (any, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	start, err := plistNext(dec)
	if err != nil {
		return nil, err
	}
	if start == nil || start.Name.Local != "plist" {
		return nil, errors.New("no <plist> root")
	}
	v, err := plistValue(dec, nil)
	if err != nil {
		return nil, err
	}
	if end, err := plistNext(dec); err != nil || end != nil {
		return nil, fmt.Errorf("more than one value in <plist> (%v)", err)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return v, nil
		}
		if err != nil {
			return nil, err
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 {
			return nil, errors.New("content after </plist>")
		}
	}
}

// plistNext returns the next start element, or nil at an end element,
// skipping white space, comments, the XML declaration and the DOCTYPE.
func plistNext(dec *xml.Decoder) (*xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("stray text %q", t)
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
		}
	}
}

// plistText returns the text of the element just started, up to its end.
func plistText(dec *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		default:
			return "", fmt.Errorf("unexpected %T in a text element", t)
		}
	}
}

func plistValue(dec *xml.Decoder, start *xml.StartElement) (any, error) {
	if start == nil {
		var err error
		if start, err = plistNext(dec); err != nil {
			return nil, err
		}
		if start == nil {
			return nil, errors.New("missing value")
		}
	}
	switch start.Name.Local {
	case "dict":
		m := map[string]any{}
		for {
			k, err := plistNext(dec)
			if err != nil {
				return nil, err
			}
			if k == nil {
				return m, nil
			}
			if k.Name.Local != "key" {
				return nil, fmt.Errorf("<%s> where a <key> belongs", k.Name.Local)
			}
			key, err := plistText(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			if m[key], err = plistValue(dec, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
	case "array":
		a := []any{}
		for {
			e, err := plistNext(dec)
			if err != nil {
				return nil, err
			}
			if e == nil {
				return a, nil
			}
			v, err := plistValue(dec, e)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case "string":
		return plistText(dec)
	case "integer":
		s, err := plistText(dec)
		if err != nil {
			return nil, err
		}
		return strconv.ParseInt(s, 10, 64)
	case "true", "false":
		if end, err := plistNext(dec); err != nil || end != nil {
			return nil, fmt.Errorf("<%s> is not empty", start.Name.Local)
		}
		return start.Name.Local == "true", nil
	}
	return nil, fmt.Errorf("unsupported element <%s>", start.Name.Local)
}

func TestParsePlistRefuses(t *testing.T) {
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
		if v, err := parsePlist([]byte(doc)); err == nil {
			t.Errorf("parsePlist(%q) = %v, want an error", doc, v)
		}
	}
	v, err := parsePlist([]byte(`<?xml version="1.0"?><plist version="1.0"><dict><key>n</key><integer>7</integer><key>b</key><false/><key>a</key><array><string>x</string></array></dict></plist>`))
	want := map[string]any{"n": int64(7), "b": false, "a": []any{"x"}}
	if err != nil || fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("parsePlist = %v, %v; want %v", v, err, want)
	}
}

// requirePython returns the path of python3, or skips the test outside CI
// and fails it in CI (the CI environment variable set to a value other
// than "", "false" or "0"), which installs the Debian package python3.
func requirePython(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err == nil {
		return path
	}
	if ci := strings.TrimSpace(os.Getenv("CI")); ci != "" && ci != "false" && ci != "0" {
		t.Fatalf("python3 not installed (apt-get install python3) [CI is set, so this is a failure, not a skip]")
	}
	t.Skipf("python3 not installed (apt-get install python3)")
	return ""
}
