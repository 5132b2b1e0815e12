package netdial_test

import (
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/mailsettings/mailsettings/internal/netdial"
)

// TestClassifyWindows: the Windows Sockets and system error codes that
// Windows returns, rather than Go's invented POSIX values.
func TestClassifyWindows(t *testing.T) {
	for _, c := range []struct {
		n    syscall.Errno
		want netdial.Class
	}{
		{10061, netdial.ClassRefused},     // WSAECONNREFUSED
		{1225, netdial.ClassRefused},      // ERROR_CONNECTION_REFUSED
		{10054, netdial.ClassReset},       // WSAECONNRESET
		{10053, netdial.ClassReset},       // WSAECONNABORTED
		{64, netdial.ClassReset},          // ERROR_NETNAME_DELETED
		{10051, netdial.ClassUnreachable}, // WSAENETUNREACH
		{10065, netdial.ClassUnreachable}, // WSAEHOSTUNREACH
		{1231, netdial.ClassUnreachable},  // ERROR_NETWORK_UNREACHABLE
		{10060, netdial.ClassTimeout},     // WSAETIMEDOUT
		{5, netdial.ClassOther},           // ERROR_ACCESS_DENIED
	} {
		err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", c.n)}
		if got := netdial.Classify(err); got != c.want {
			t.Errorf("Classify(errno %d) = %v, want %v", uint(c.n), got, c.want)
		}
	}
}
