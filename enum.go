package mailsettings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// An enum describes the text forms of a uint8 enumeration whose valid
// values are first..len(texts)-1: the ordered levels Trust and Evidence.
// It keeps their String, MarshalText and UnmarshalText methods uniform.
// (The other enumerations are string codes; codeOf and parseCode serve
// them.)
type enum struct {
	typ   string   // Go type name, for "Type(N)"
	what  string   // what it is, for error messages
	first int      // the smallest valid value
	texts []string // text form by value
	names []string // String form by value; nil means texts
}

func (e *enum) valid(v uint8) bool { return int(v) >= e.first && int(v) < len(e.texts) }

func (e *enum) String(v uint8) string {
	if !e.valid(v) {
		return e.typ + "(" + strconv.Itoa(int(v)) + ")"
	}
	if e.names != nil {
		return e.names[v]
	}
	return e.texts[v]
}

func (e *enum) marshal(v uint8) ([]byte, error) {
	if !e.valid(v) {
		return nil, fmt.Errorf("mailsettings: invalid %s %d", e.what, v)
	}
	return []byte(e.texts[v]), nil
}

// unmarshal accepts a text form in any case.
func (e *enum) unmarshal(b []byte) (uint8, error) {
	for v := e.first; v < len(e.texts); v++ {
		if strings.EqualFold(string(b), e.texts[v]) {
			return uint8(v), nil
		}
	}
	return 0, fmt.Errorf("mailsettings: unknown %s %q", e.what, sanitize.Clip(string(b), 40))
}

// codeOf returns the code at place n, from 1, of codes, or "".
func codeOf[T ~string](codes []T, n int) T {
	if n < 1 || n > len(codes) {
		return ""
	}
	return codes[n-1]
}

// parseCode returns the code of codes equal to s in any case.
func parseCode[T ~string](codes []T, s string) (T, bool) {
	for _, c := range codes {
		if strings.EqualFold(s, string(c)) {
			return c, true
		}
	}
	return "", false
}
