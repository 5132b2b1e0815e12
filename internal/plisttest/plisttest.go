// Package plisttest reads XML property lists strictly, for the tests of
// the Apple profiles the library writes, and compares its reading with
// Python's plistlib, a parser written independently. It is used only by
// tests.
package plisttest

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailsettings/mailsettings/internal/testenv"
)

// Read reads an XML property list (Apple's PropertyList-1.0 DTD)
// into map[string]any, []any, string, int64 and bool values. It accepts only the types a mail profile
// uses (dict, array, key, string, integer, true, false) and refuses
// anything else, duplicate keys and text outside values.
func Read(data []byte) (any, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	start, err := next(dec)
	if err != nil {
		return nil, err
	}
	if start == nil || start.Name.Local != "plist" {
		return nil, errors.New("no <plist> root")
	}
	v, err := value(dec, nil)
	if err != nil {
		return nil, err
	}
	if end, err := next(dec); err != nil || end != nil {
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

// next returns the next start element, or nil at an end element,
// skipping white space, comments, the XML declaration and the DOCTYPE.
func next(dec *xml.Decoder) (*xml.StartElement, error) {
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

// text returns the text of the element just started, up to its end.
func text(dec *xml.Decoder) (string, error) {
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

func value(dec *xml.Decoder, start *xml.StartElement) (any, error) {
	if start == nil {
		var err error
		if start, err = next(dec); err != nil {
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
			k, err := next(dec)
			if err != nil {
				return nil, err
			}
			if k == nil {
				return m, nil
			}
			if k.Name.Local != "key" {
				return nil, fmt.Errorf("<%s> where a <key> belongs", k.Name.Local)
			}
			key, err := text(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			if m[key], err = value(dec, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
		}
	case "array":
		a := []any{}
		for {
			e, err := next(dec)
			if err != nil {
				return nil, err
			}
			if e == nil {
				return a, nil
			}
			v, err := value(dec, e)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case "string":
		return text(dec)
	case "integer":
		s, err := text(dec)
		if err != nil {
			return nil, err
		}
		return strconv.ParseInt(s, 10, 64)
	case "true", "false":
		if end, err := next(dec); err != nil || end != nil {
			return nil, fmt.Errorf("<%s> is not empty", start.Name.Local)
		}
		return start.Name.Local == "true", nil
	}
	return nil, fmt.Errorf("unsupported element <%s>", start.Name.Local)
}

// python returns the path of python3, or skips the test outside CI
// and fails it in CI (the CI environment variable set to a value other
// than "", "false" or "0"), which installs the Debian package python3.
func python(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err == nil {
		return path
	}
	testenv.Unusable(t, "python3 not installed (apt-get install python3)")
	return ""
}

// ComparePlistlib reads docs with Python's plistlib, a property list
// parser written independently of this package, and checks that it sees
// what Read saw (parsed holds Read's value of each doc). It needs python3:
// outside CI it skips the test without one, in CI it fails it.
func ComparePlistlib(t testing.TB, docs [][]byte, parsed []any) {
	t.Helper()
	py := python(t)
	const script = `import json, plistlib, sys
print(json.dumps([plistlib.loads(d.encode()) for d in json.load(sys.stdin)]))`
	in := make([]string, len(docs))
	for i, d := range docs {
		in[i] = string(d)
	}
	input, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plistlib: %v\n%s", err, stderr.Bytes())
	}
	var fromPython, fromUs []any
	ours, _ := json.Marshal(parsed)
	if err := json.Unmarshal(out, &fromPython); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(ours, &fromUs)
	if len(fromPython) != len(docs) || !reflect.DeepEqual(fromPython, fromUs) {
		t.Errorf("plistlib read %d profiles differently from Read (%d)", len(fromPython), len(docs))
	}
	t.Logf("plistlib read %d profiles as Read did", len(fromPython))
}
