package wire_test

import (
	"slices"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/wire"
)

// TestKindsAreErrorKinds checks that every kind a session can end with is
// one of the package's public vocabulary, with the same text, so that the
// root turns a wire.Kind into an ErrorKind by conversion alone.
func TestKindsAreErrorKinds(t *testing.T) {
	public := mailsettings.ErrorKinds()
	for _, k := range wire.Kinds() {
		if !slices.Contains(public, mailsettings.ErrorKind(k)) {
			t.Errorf("wire kind %q is not a mailsettings.ErrorKind", k)
		}
	}
	for _, st := range []wire.Step{wire.StepResolve, wire.StepConnect, wire.StepTLS, wire.StepGreeting, wire.StepCapabilities, wire.StepSTARTTLS, wire.StepAuth, wire.StepLogout} {
		if string(st) != string(mailsettings.Step(st)) {
			t.Errorf("step %q", st)
		}
	}
	if wire.Proto(mailsettings.SMTP) != wire.SMTP || wire.Mode(mailsettings.STARTTLS) != wire.STARTTLS || wire.Mode(mailsettings.Plaintext) != wire.Plaintext {
		t.Errorf("protocol or mode values differ from the root's")
	}
}
