//go:build unix

package netdialtest

import (
	"net"
	"syscall"
)

// shrinkBacklog calls listen(2) again with a backlog of 0, which Linux and
// the BSDs accept on a listening socket: the accept queue then holds a
// single connection (or very few).
func shrinkBacklog(ln *net.TCPListener) error {
	rc, err := ln.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) { lerr = syscall.Listen(int(fd), 0) }); err != nil {
		return err
	}
	return lerr
}
