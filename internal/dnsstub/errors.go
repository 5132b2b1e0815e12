package dnsstub

import (
	"context"
	"errors"
	"net"
	"os"
)

// Errors that lookups return. Every error from a lookup is a
// [*net.DNSError] whose Unwrap method returns one of these, a context error
// (context.Canceled, context.DeadlineExceeded) or the network error that
// ended the exchange, so both errors.Is(err, ErrNXDomain) and
// errors.As(err, new(*net.DNSError)) work.
var (
	// ErrNXDomain: the server answered NXDOMAIN, the name does not exist.
	// The DNSError has IsNotFound set.
	ErrNXDomain = errors.New("no such domain (NXDOMAIN)")
	// ErrNoData: the server answered NOERROR without records of the asked
	// type (NODATA). The DNSError has IsNotFound set.
	ErrNoData = errors.New("no records of the asked type (NODATA)")
	// ErrServFail: the server answered SERVFAIL. A validating resolver
	// answers so, among other reasons, when DNSSEC validation failed
	// (a bogus answer). The DNSError has IsTemporary set.
	ErrServFail = errors.New("server failure (SERVFAIL)")
	// ErrRefused: the server answered REFUSED.
	ErrRefused = errors.New("query refused (REFUSED)")
	// ErrRcode: the server answered with another error response code,
	// such as FORMERR or NOTIMP; the message names it.
	ErrRcode = errors.New("error response code")
	// ErrMalformedRecords: every record of the asked type in the answer
	// was dropped because a name in it was invalid or its data did not
	// parse. The methods shaped like [net.Resolver] also return it, beside
	// the valid records, when only some were dropped.
	ErrMalformedRecords = errors.New("answer records with invalid names or data")
	// ErrBadResponse: the response could not be parsed, or it followed
	// CNAMEs in a loop or too far.
	ErrBadResponse = errors.New("malformed DNS response")
	// ErrTooLarge: the response was larger than the client's limit.
	ErrTooLarge = errors.New("DNS response larger than the limit")
	// ErrTruncated: the response over TCP still had the TC bit set.
	ErrTruncated = errors.New("DNS response truncated over TCP")
	// ErrInvalidName: the name to look up is not a valid DNS name.
	ErrInvalidName = errors.New("invalid DNS name")
	// ErrUnsupportedType: Lookup was asked for a type other than SRV, MX,
	// TXT, A and AAAA.
	ErrUnsupportedType = errors.New("unsupported DNS record type")
	// ErrBadServer: the server address is not an IP address with an
	// optional port.
	ErrBadServer = errors.New("invalid DNS server address")
)

// lookupError wraps err for a lookup of name at server.
func lookupError(name, server string, err error) *net.DNSError {
	de := &net.DNSError{Err: err.Error(), Name: name, Server: server, UnwrapErr: err}
	switch {
	case errors.Is(err, ErrNXDomain), errors.Is(err, ErrNoData):
		de.IsNotFound = true
	case errors.Is(err, ErrServFail):
		de.IsTemporary = true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		de.IsTimeout = true
		de.IsTemporary = true
	}
	return de
}
