//go:build wasip1

package netdial

import "syscall"

// isHostDown reports false: WASI has no EHOSTDOWN.
func isHostDown(syscall.Errno) bool { return false }
