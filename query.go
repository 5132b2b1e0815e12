package mailsettings

import (
	"errors"
	"fmt"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// The input: an address or a domain as a caller gives it, normalized or
// refused before anything else looks at it.

// ErrInvalidInput is wrapped by the error [Lookup] returns for input that is
// not a usable address or domain. The error is an [*InputError].
var ErrInvalidInput = errors.New("mailsettings: invalid address or domain")

// An InputError reports why an address or domain was rejected. It matches
// [ErrInvalidInput] with [errors.Is].
type InputError struct {
	Input  string // as given
	Reason string // such as "label longer than 63 octets"
}

// Error returns "mailsettings: invalid address or domain", the input
// (cut to 80 bytes) and the reason.
func (e *InputError) Error() string {
	return fmt.Sprintf("mailsettings: invalid address or domain %q: %s", sanitize.Clip(e.Input, 80), e.Reason)
}

// Is reports whether target is [ErrInvalidInput].
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// A query is a normalized address or domain.
type query = address.Query

// parseQuery splits and normalizes an address or domain (see package
// address); a rejection is an *InputError.
func parseQuery(s string) (query, error) {
	q, err := address.Parse(s)
	if err != nil {
		return query{}, &InputError{Input: s, Reason: err.Error()}
	}
	return q, nil
}
