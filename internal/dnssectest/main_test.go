package dnssectest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine outlives the tests: the process
// waiter ends only when unbound has been reaped, the DNS servers when they
// are shut down, and the stub's lookups before they return.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
