package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings/internal/plainjson"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// MaxField bounds one printed string, in bytes.
const MaxField = 2048

// Clean returns s safe to print on a terminal or in JSON: no control or
// format characters (so no escape sequences, no bidi overrides), valid
// UTF-8, single spaces, at most MaxField bytes (see internal/sanitize).
// Everything the command prints that came from the network, a document
// or the user goes through it.
func Clean(s string) string { return sanitize.Text(s, MaxField) }

// CleanJSON returns the JSON document b with every string in it (keys and
// values) replaced by its Clean form; b itself if nothing needed it.
// Strings of printable ASCII are left as they are, which is the common
// case and costs nothing.
func CleanJSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		j, simple := i+1, true
		for ; j < len(b); j++ {
			c := b[j]
			if c == '\\' {
				simple = false
				j++
				continue
			}
			if c == '"' {
				break
			}
			if c < ' ' || c >= 0x7f {
				simple = false
			}
		}
		if j >= len(b) {
			break // not valid JSON; the encoder never writes it
		}
		if !simple || j-i-1 > MaxField {
			var s string
			if err := json.Unmarshal(b[i:j+1], &s); err == nil {
				if c := Clean(s); c != s {
					out = append(out, b[last:i]...)
					out = AppendString(out, c)
					last = j + 1
				}
			}
		}
		i = j
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// AppendString appends s, which must be clean, as a JSON string, without
// HTML escaping: quotes, backslashes and any control character are
// escaped, the rest is written as UTF-8.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= ' ' && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || n > 1 {
				i += n
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		default:
			const hex = "0123456789abcdef"
			if c >= utf8.RuneSelf {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Marshal returns the JSON encoding of v without HTML escaping (so that
// notes keep their ">" and "&"), every string in it Clean.
func Marshal(v any) ([]byte, error) {
	b, err := plainjson.Marshal(v)
	if err != nil {
		return nil, err
	}
	return CleanJSON(b), nil
}

// A JSONLines writes one JSON value per line, every string in it Clean.
type JSONLines struct {
	W   io.Writer
	buf bytes.Buffer
}

// Write writes v, encoded by encoding/json without HTML escaping, as one
// line.
func (j *JSONLines) Write(v any) error {
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := j.W.Write(CleanJSON(j.buf.Bytes()))
	return err
}

// WriteRaw writes the JSON document b, cleaned, as one line.
func (j *JSONLines) WriteRaw(b []byte) error {
	b = CleanJSON(bytes.TrimRight(b, "\n"))
	if _, err := j.W.Write(b); err != nil {
		return err
	}
	_, err := j.W.Write([]byte{'\n'})
	return err
}
