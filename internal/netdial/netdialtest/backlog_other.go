//go:build !unix

package netdialtest

import (
	"errors"
	"net"
)

// shrinkBacklog fails: only Unix systems are known to drop SYNs to a full
// accept queue (Windows answers with a reset instead).
func shrinkBacklog(*net.TCPListener) error {
	return errors.New("not supported on this system")
}
