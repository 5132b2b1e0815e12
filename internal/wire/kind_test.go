package wire_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/wire"
)

// TestKindsAreErrorKinds checks that every kind a session can end with is
// one of the package's public vocabulary, with the same text, so that the
// root turns a wire.Kind into an ErrorKind by conversion alone.
func TestKindsAreErrorKinds(t *testing.T) {
	public := mailsettings.ErrorKinds()
	kinds := wireKinds(t)
	if len(kinds) < 20 {
		t.Fatalf("found %d wire kinds", len(kinds))
	}
	for _, k := range kinds {
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

// wireKinds returns the values of the Kind constants declared in kind.go,
// read from the source so that no second list has to be kept.
func wireKinds(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "kind.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Kind" {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				v, _ := strconv.Unquote(lit.Value)
				kinds = append(kinds, v)
			}
		}
		return true
	})
	return kinds
}
