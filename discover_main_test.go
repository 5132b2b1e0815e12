package mailsettings

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind, such as a
// discovery source that outlived its call.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
