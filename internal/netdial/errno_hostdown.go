//go:build !windows && !plan9 && !wasip1

package netdial

import "syscall"

// isHostDown reports whether n is EHOSTDOWN, which WASI lacks.
func isHostDown(n syscall.Errno) bool { return n == syscall.EHOSTDOWN }
