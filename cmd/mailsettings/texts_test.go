package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/msg"
)

// TestTextsInCatalog: every text the command prints through Lang.T (here
// and in internal/cli) is an entry of internal/msg/messages.txt, which
// TestCatalogComplete there checks for every language.
func TestTextsInCatalog(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.go", "../../internal/cli/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	fset := token.NewFileSet()
	ids := map[string]bool{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				id, _ := strconv.Unquote(lit.Value)
				ids[id] = true
			}
			return true
		})
	}
	if len(ids) < 30 {
		t.Fatalf("found only %d texts: %v", len(ids), ids)
	}
	for id := range ids {
		if !msg.Has("cli." + id) {
			t.Errorf("messages.txt lacks [cli.%s]", id)
		}
	}
	// And every entry of the command's section is used.
	src, err := os.ReadFile("../../internal/msg/messages.txt")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(src), "\n") {
		if id, ok := strings.CutPrefix(line, "[cli."); ok && !ids[strings.TrimSuffix(id, "]")] {
			t.Errorf("messages.txt has [cli.%s], which the command does not use", strings.TrimSuffix(id, "]"))
		}
	}
}
