package mailsettings

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/mailsettings/mailsettings/internal/wire"
)

// ErrorKindsForTest gives the external tests the whole vocabulary.
var ErrorKindsForTest = errorKinds

// TestKindsAreErrorKinds checks that every kind a wire session can end
// with is one of the package's public vocabulary, with the same text, so
// that a wire.Kind becomes an ErrorKind by conversion alone.
func TestKindsAreErrorKinds(t *testing.T) {
	public := errorKinds()
	kinds := wireKinds(t)
	if len(kinds) < 20 {
		t.Fatalf("found %d wire kinds", len(kinds))
	}
	for _, k := range kinds {
		if !slices.Contains(public, ErrorKind(k)) {
			t.Errorf("wire kind %q is not a mailsettings.ErrorKind", k)
		}
	}
	for _, st := range []wire.Step{wire.StepResolve, wire.StepConnect, wire.StepTLS, wire.StepGreeting, wire.StepCapabilities, wire.StepSTARTTLS, wire.StepAuth, wire.StepLogout} {
		if !slices.Contains([]string{stepResolve, stepConnect, stepTLS, stepGreeting, stepCapabilities, stepSTARTTLS, stepAuth, stepLogout}, string(st)) {
			t.Errorf("wire step %q is not a ProbeError step", st)
		}
	}
	if wire.Proto(SMTP.rank()) != wire.SMTP || wire.Proto(IMAP.rank()) != wire.IMAP || wire.Mode(ImplicitTLS.rank()) != wire.ImplicitTLS || wire.Mode(STARTTLS.rank()) != wire.STARTTLS || wire.Mode(Plaintext.rank()) != wire.Plaintext {
		t.Errorf("protocol or mode values differ from the root's")
	}
}

// wireKinds returns the values of the Kind constants declared in kind.go,
// read from the source so that no second list has to be kept.
func wireKinds(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("internal", "wire", "kind.go"), nil, 0)
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
