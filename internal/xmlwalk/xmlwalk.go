// Package xmlwalk reads untrusted XML documents the way this module reads
// every document from the network: a token walk with an explicit path, so
// that depth and size stay bounded whatever the document holds, strict
// syntax, no DOCTYPE (and with it no entity declaration), one root element
// of a given name, and a bound on the text of one element. The caller sees
// each element's start and its trimmed text at its end, by path.
package xmlwalk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A Walker walks one document. Its zero value is not usable: set Root,
// MaxDepth and MaxText.
type Walker struct {
	// Root is the local name the root element must have.
	Root string
	// FoldCase compares element names without case and gives paths in
	// lower case (servers of some formats vary the case).
	FoldCase bool
	// MaxDepth bounds element nesting; MaxText the bytes of text in one
	// element.
	MaxDepth, MaxText int
	// Start, if not nil, is called at each start element with the path
	// of names from the root, joined by "/" ("clientConfig/emailProvider").
	Start func(path string, e xml.StartElement)
	// End, if not nil, is called at each end element with its path and its
	// text, trimmed of surrounding white space.
	End func(path, text string)
}

// Walk reads data. It fails on malformed XML, a DOCTYPE, another root
// element, nesting deeper than MaxDepth and text longer than MaxText.
func (w Walker) Walk(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var (
		path []string
		text strings.Builder
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return errors.New("DOCTYPE and entity declarations are not allowed")
		case xml.StartElement:
			name := t.Name.Local
			if w.FoldCase {
				name = strings.ToLower(name)
			}
			if root := w.Root; len(path) == 0 {
				if w.FoldCase {
					root = strings.ToLower(root)
				}
				if name != root {
					return fmt.Errorf("root element is <%s>, not <%s>", printable(t.Name.Local), w.Root)
				}
			}
			path = append(path, name)
			if len(path) > w.MaxDepth {
				return fmt.Errorf("elements nested deeper than %d", w.MaxDepth)
			}
			text.Reset()
			if w.Start != nil {
				w.Start(strings.Join(path, "/"), t)
			}
		case xml.CharData:
			if text.Len()+len(t) > w.MaxText {
				return fmt.Errorf("text longer than %d bytes", w.MaxText)
			}
			text.Write(t)
		case xml.EndElement:
			v := strings.TrimSpace(text.String())
			text.Reset()
			if w.End != nil {
				w.End(strings.Join(path, "/"), v)
			}
			path = path[:len(path)-1]
		}
	}
}

// Attr returns the trimmed value of the attribute of e with the given
// local name, or "".
func Attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// printable bounds an element name for an error message and keeps only
// ASCII letters, digits and punctuation of names.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}
