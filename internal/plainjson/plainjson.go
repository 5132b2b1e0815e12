// Package plainjson writes JSON as encoding/json does, but without HTML
// escaping, so that texts keep their "<", ">" and "&" readable for people
// and programs that read the output.
package plainjson

import (
	"bytes"
	"encoding/json"
)

// Marshal returns the JSON encoding of v, as json.Marshal does, except
// that "<", ">" and "&" are not escaped.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
