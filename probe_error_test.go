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

// errorKinds returns the ErrorKind constants declared in probe_error.go,
// in their order, read from the source so that no second list is kept.
func errorKinds() []ErrorKind {
	var kinds []ErrorKind
	for _, k := range declared("probe_error.go", "ErrorKind") {
		kinds = append(kinds, ErrorKind(k))
	}
	return kinds
}

// TestKindsAreErrorKinds checks that every kind a wire session can end
// with is one of the package's public vocabulary, with the same text, so
// that a wire.Kind becomes an ErrorKind by conversion alone.
func TestKindsAreErrorKinds(t *testing.T) {
	public := errorKinds()
	kinds := declared(filepath.Join("internal", "wire", "kind.go"), "Kind")
	if len(kinds) < 20 || len(public) < len(kinds) {
		t.Fatalf("found %d wire kinds, %d error kinds", len(kinds), len(public))
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

// declared returns the values of the string constants of type typ
// declared in the Go file path, in their order. It panics if the file does
// not parse, which a test then reports.
func declared(path, typ string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		panic(err)
	}
	var vals []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == typ {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				v, _ := strconv.Unquote(lit.Value)
				vals = append(vals, v)
			}
		}
		return true
	})
	return vals
}
