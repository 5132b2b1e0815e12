//go:build windows

package netdial

import (
	"errors"
	"syscall"
)

// Error numbers that Windows returns for network failures. Go's
// syscall.ECONNREFUSED and the other POSIX names are invented values
// there, which the system never returns (Go's own code may): sockets fail
// with the Windows Sockets codes (WSAE..., 10000 and up), and overlapped
// I/O (ConnectEx, WSARecv) sometimes with system error codes. Sources:
// Microsoft, "Windows Sockets Error Codes" (winsock2.h), and "System Error
// Codes (0-499)" and "(1000-1299)" (winerror.h).
const (
	errNetnameDeleted     syscall.Errno = 64    // ERROR_NETNAME_DELETED: a reset connection, as overlapped I/O reports it
	errConnectionRefused  syscall.Errno = 1225  // ERROR_CONNECTION_REFUSED
	errNetworkUnreachable syscall.Errno = 1231  // ERROR_NETWORK_UNREACHABLE
	errHostUnreachable    syscall.Errno = 1232  // ERROR_HOST_UNREACHABLE
	errConnectionAborted  syscall.Errno = 1236  // ERROR_CONNECTION_ABORTED
	errTimeout            syscall.Errno = 1460  // ERROR_TIMEOUT
	wsaNetDown            syscall.Errno = 10050 // WSAENETDOWN
	wsaNetUnreach         syscall.Errno = 10051 // WSAENETUNREACH
	wsaNetReset           syscall.Errno = 10052 // WSAENETRESET
	wsaConnAborted        syscall.Errno = 10053 // WSAECONNABORTED (syscall.WSAECONNABORTED)
	wsaConnReset          syscall.Errno = 10054 // WSAECONNRESET (syscall.WSAECONNRESET)
	wsaShutdown           syscall.Errno = 10058 // WSAESHUTDOWN
	wsaTimedOut           syscall.Errno = 10060 // WSAETIMEDOUT
	wsaConnRefused        syscall.Errno = 10061 // WSAECONNREFUSED
	wsaHostDown           syscall.Errno = 10064 // WSAEHOSTDOWN
	wsaHostUnreach        syscall.Errno = 10065 // WSAEHOSTUNREACH
)

// errnoClass returns the class of the first error number in err's chain,
// or ClassOther.
func errnoClass(err error) Class {
	n, ok := errors.AsType[syscall.Errno](err)
	if !ok {
		return ClassOther
	}
	switch n {
	case syscall.ECONNREFUSED, wsaConnRefused, errConnectionRefused:
		return ClassRefused
	case syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ENETRESET,
		wsaConnReset, wsaConnAborted, wsaNetReset, wsaShutdown, errNetnameDeleted, errConnectionAborted:
		return ClassReset
	case syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN, syscall.EHOSTDOWN,
		wsaNetUnreach, wsaHostUnreach, wsaNetDown, wsaHostDown, errNetworkUnreachable, errHostUnreachable:
		return ClassUnreachable
	case syscall.ETIMEDOUT, wsaTimedOut, errTimeout:
		return ClassTimeout
	}
	return ClassOther
}
