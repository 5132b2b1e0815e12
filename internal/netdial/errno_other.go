//go:build !windows && !plan9

package netdial

import (
	"errors"
	"syscall"
)

// errnoClass returns the class of the first error number in err's chain,
// by its POSIX name, or ClassOther.
func errnoClass(err error) Class {
	n, ok := errors.AsType[syscall.Errno](err)
	if !ok {
		return ClassOther
	}
	switch n {
	case syscall.ECONNREFUSED:
		return ClassRefused
	case syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ENETRESET:
		return ClassReset
	case syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN:
		return ClassUnreachable
	case syscall.ETIMEDOUT:
		return ClassTimeout
	}
	if isHostDown(n) {
		return ClassUnreachable
	}
	return ClassOther
}
