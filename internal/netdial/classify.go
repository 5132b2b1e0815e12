package netdial

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
)

// A Class is a kind of network failure, as [Classify] sees it.
type Class int

// The classes of [Classify].
const (
	ClassNone        Class = iota // no error
	ClassOther                    // none of the others
	ClassCanceled                 // the context was canceled
	ClassTimeout                  // no answer in time (a deadline, or the system's connect timeout)
	ClassRefused                  // the host answered that nothing listens on the port
	ClassReset                    // the peer reset, aborted or closed the connection
	ClassUnreachable              // no route to the network or host, or the network is down
	ClassDNSNotFound              // the host name does not exist or has no address
	ClassDNSFailure               // the lookup failed (server failure, no answer in time)
)

var classNames = [...]string{"none", "other", "canceled", "timeout", "refused", "reset", "unreachable", "dns_not_found", "dns_failure"}

// String returns the class's name, such as "refused".
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return "Class(" + itoa(int(c)) + ")"
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Classify returns the class of err. It looks through wrapped errors with
// [errors.Is] and [errors.As] and compares the operating system's error
// number (the first [syscall.Errno] in err's chain; on Windows the Windows
// Sockets and system error codes too), never error text. (Plan 9, whose
// errors are text, gets only the rules without error numbers.) The first rule
// that matches decides:
//
//   - nil: ClassNone.
//   - [context.Canceled]: ClassCanceled.
//   - a [*ResolveError] or [*net.DNSError]: ClassDNSNotFound if the name
//     does not exist, else ClassDNSFailure (a DNS timeout included).
//   - ECONNREFUSED: ClassRefused.
//   - ECONNRESET, ECONNABORTED, EPIPE, ENETRESET, [io.EOF] or
//     [io.ErrUnexpectedEOF]: ClassReset.
//   - ENETUNREACH, EHOSTUNREACH, ENETDOWN, EHOSTDOWN: ClassUnreachable.
//   - [context.DeadlineExceeded], [os.ErrDeadlineExceeded], ETIMEDOUT, or
//     an error whose Timeout method reports true: ClassTimeout.
//   - anything else: ClassOther.
func Classify(err error) Class {
	switch {
	case err == nil:
		return ClassNone
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	}
	if re, ok := errors.AsType[*ResolveError](err); ok {
		if re.NotFound {
			return ClassDNSNotFound
		}
		return ClassDNSFailure
	}
	if de, ok := errors.AsType[*net.DNSError](err); ok {
		if de.IsNotFound {
			return ClassDNSNotFound
		}
		return ClassDNSFailure
	}
	if c := errnoClass(err); c != ClassOther {
		return c
	}
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ClassReset
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return ClassTimeout
	}
	if te, ok := errors.AsType[timeoutError](err); ok && te.Timeout() {
		return ClassTimeout
	}
	return ClassOther
}

// A timeoutError can say whether it is a timeout, as a [net.Error] does.
type timeoutError interface {
	error
	Timeout() bool
}
