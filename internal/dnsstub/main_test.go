package dnsstub

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine outlives the tests: every lookup
// must end its goroutines before it returns.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
