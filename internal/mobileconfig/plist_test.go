package mobileconfig

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readPlist is a small XML property list reader for the tests, written
// from Apple's PropertyList-1.0 DTD: dict, array, key, string, integer,
// true and false (the types Marshal writes). It is strict: anything else
// is an error.
func readPlist(data []byte) (any, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// Skip the prolog up to <plist version="1.0">.
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("before <plist>: %v", err)
		}
		switch t := tok.(type) {
		case xml.ProcInst, xml.Directive, xml.Comment:
			continue
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text before <plist>")
			}
			continue
		case xml.StartElement:
			if t.Name.Local != "plist" || len(t.Attr) != 1 || t.Attr[0].Name.Local != "version" || t.Attr[0].Value != "1.0" {
				return nil, fmt.Errorf("root <%s %v>", t.Name.Local, t.Attr)
			}
		default:
			return nil, fmt.Errorf("unexpected %T before <plist>", t)
		}
		break
	}
	v, err := readValue(dec, nil)
	if err != nil {
		return nil, err
	}
	// The next element event must be </plist>.
	if next, err := nextElement(dec); err != nil || next != nil {
		return nil, fmt.Errorf("after the value: %v %v", next, err)
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
			return nil, fmt.Errorf("after </plist>: %T", tok)
		}
	}
}

// nextElement skips white space and comments and returns the next start
// element, or nil after reading an end element.
func nextElement(dec *xml.Decoder) (*xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("stray text %q", t)
			}
		case xml.Comment:
		case xml.StartElement:
			return &t, nil
		case xml.EndElement:
			return nil, nil
		default:
			return nil, fmt.Errorf("unexpected %T", t)
		}
	}
}

// readValue reads one value; start is its start element if already read.
func readValue(dec *xml.Decoder, start *xml.StartElement) (any, error) {
	if start == nil {
		var err error
		if start, err = nextElement(dec); err != nil {
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
			k, err := nextElement(dec)
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
			if m[key], err = readValue(dec, nil); err != nil {
				return nil, fmt.Errorf("%s: %v", key, err)
			}
		}
	case "array":
		a := []any{}
		for {
			e, err := nextElement(dec)
			if err != nil {
				return nil, err
			}
			if e == nil {
				return a, nil
			}
			v, err := readValue(dec, e)
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
		return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	case "true", "false":
		if end, err := nextElement(dec); err != nil || end != nil {
			return nil, fmt.Errorf("<%s/> has content", start.Name.Local)
		}
		return start.Name.Local == "true", nil
	}
	return nil, fmt.Errorf("unknown element <%s>", start.Name.Local)
}

// text reads character data up to the end element.
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
			return "", fmt.Errorf("unexpected %T in text", t)
		}
	}
}
