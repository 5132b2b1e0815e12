// Command apistat reports the shape of a package: how many identifiers it
// exports, and which of its files use declarations of which other files.
//
//	go run ./internal/apistat [-graph] [-helpers] [DIR]
//
// The count follows the convention used to compare with the standard
// library (net/smtp has 23, net/http/httptest 21): exported package-level
// constants, variables, functions and types, plus the exported methods of
// exported types, including the methods of exported interfaces. Struct
// fields are not counted. Test files are left out.
//
// With -graph it prints, for each file, the other files whose declarations
// it uses, and the cycles among files (strongly connected components of
// more than one file). With -helpers it lists unexported functions and
// methods of which one other file makes most of the uses (more than the
// declaring file and all others together): helpers that live in the wrong
// file. A helper shared by several files is not listed, and neither is an
// entry point: a function that uses other declarations of its own file
// (a discovery source's job constructor, called by discover.go), which is
// listed apart. The test of this command requires the root package to have
// no cycle and no misplaced helper.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	graph := flag.Bool("graph", false, "print the file dependency graph and its cycles")
	helpers := flag.Bool("helpers", false, "list helpers used mainly by another file")
	list := flag.Bool("list", false, "list the counted identifiers")
	edges := flag.Bool("edges", false, "with -graph, name the declarations behind each file dependency")
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	if err := run(os.Stdout, dir, *graph, *helpers, *list, *edges); err != nil {
		fmt.Fprintln(os.Stderr, "apistat:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir string, graph, helpers, list, edges bool) error {
	fset := token.NewFileSet()
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	var files []*ast.File
	for _, m := range matches {
		if strings.HasSuffix(m, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, m, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return fmt.Errorf("%s: no Go files", dir)
	}
	sort.Slice(files, func(i, j int) bool { return fset.File(files[i].Pos()).Name() < fset.File(files[j].Pos()).Name() })
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	pkg, err := conf.Check(files[0].Name.Name, fset, files, info)
	if err != nil {
		return err
	}
	ids := exported(pkg)
	fmt.Fprintf(w, "exported identifiers: %d\n", len(ids))
	if list {
		for _, n := range ids {
			fmt.Fprintln(w, "  "+n)
		}
	}
	if !graph && !helpers {
		return nil
	}
	name := func(p token.Pos) string { return filepath.Base(fset.Position(p).Filename) }
	// uses[from][to] counts uses in file from of declarations in file to;
	// objUses[obj][file] counts uses of one unexported function.
	uses := map[string]map[string]int{}
	why := map[[2]string]map[string]bool{}
	objUses := map[types.Object]map[string]int{}
	record := func(at token.Pos, obj types.Object) {
		if obj == nil || obj.Pkg() != pkg || !obj.Pos().IsValid() {
			return
		}
		from, to := name(at), name(obj.Pos())
		if from != to {
			if uses[from] == nil {
				uses[from] = map[string]int{}
			}
			uses[from][to]++
			k := [2]string{from, to}
			if why[k] == nil {
				why[k] = map[string]bool{}
			}
			why[k][obj.Name()] = true
		}
		if _, ok := obj.(*types.Func); ok && !obj.Exported() {
			if objUses[obj] == nil {
				objUses[obj] = map[string]int{}
			}
			objUses[obj][from]++
		}
	}
	for id, obj := range info.Uses {
		record(id.Pos(), obj)
	}
	for sel, s := range info.Selections {
		record(sel.Sel.Pos(), s.Obj())
	}
	var names []string
	for _, f := range files {
		names = append(names, name(f.Pos()))
	}
	if graph {
		for _, n := range names {
			var tos []string
			for to := range uses[n] {
				tos = append(tos, to)
			}
			sort.Strings(tos)
			fmt.Fprintf(w, "%s -> %s\n", n, strings.Join(tos, " "))
			if edges {
				for _, to := range tos {
					var ids []string
					for id := range why[[2]string{n, to}] {
						ids = append(ids, id)
					}
					sort.Strings(ids)
					fmt.Fprintf(w, "    %s: %s\n", to, strings.Join(ids, " "))
				}
			}
		}
		cycles := sccs(names, uses)
		fmt.Fprintf(w, "cycles: %d\n", len(cycles))
		for _, c := range cycles {
			fmt.Fprintf(w, "  %d files: %s\n", len(c), strings.Join(c, " "))
		}
	}
	if helpers {
		// local[fn] counts the declarations of fn's own file (other than
		// fn) that fn's body uses: a function that uses none is a helper
		// that could live anywhere; one that uses its file is the entry
		// point of that file's job.
		local := map[types.Object]int{}
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				self := info.Defs[fd.Name]
				home := name(fd.Pos())
				ast.Inspect(fd, func(n ast.Node) bool {
					var obj types.Object
					switch n := n.(type) {
					case *ast.Ident:
						obj = info.Uses[n]
					case *ast.SelectorExpr:
						if s := info.Selections[n]; s != nil {
							obj = s.Obj()
						}
					}
					if _, isPkg := obj.(*types.PkgName); isPkg {
						obj = nil
					}
					if obj != nil && obj != self && obj.Pkg() == pkg && obj.Pos().IsValid() && name(obj.Pos()) == home {
						if _, isVar := obj.(*types.Var); !isVar || obj.Parent() == pkg.Scope() || obj.(*types.Var).IsField() {
							local[self]++
						}
					}
					return true
				})
			}
		}
		var misplaced, entries []string
		for obj, by := range objUses {
			home := name(obj.Pos())
			total := 0
			for _, n := range by {
				total += n
			}
			for f, n := range by {
				if f != home && n > total-n {
					l := fmt.Sprintf("  %s (%s) used %d times in %s, %d in its own file", obj.Name(), home, n, f, by[home])
					if local[obj] == 0 {
						misplaced = append(misplaced, l)
					} else {
						entries = append(entries, fmt.Sprintf("%s; uses %d declarations of its file", l, local[obj]))
					}
				}
			}
		}
		sort.Strings(misplaced)
		sort.Strings(entries)
		fmt.Fprintf(w, "helpers used mainly elsewhere (using nothing of their own file): %d\n", len(misplaced))
		for _, l := range misplaced {
			fmt.Fprintln(w, l)
		}
		fmt.Fprintf(w, "entry points called mainly from another file (built on their own file): %d\n", len(entries))
		for _, l := range entries {
			fmt.Fprintln(w, l)
		}
	}
	return nil
}

// exported lists exported package-level objects and the exported methods
// of exported named types, interfaces included.
func exported(pkg *types.Package) []string {
	var out []string
	scope := pkg.Scope()
	for _, nm := range scope.Names() {
		obj := scope.Lookup(nm)
		if !obj.Exported() {
			continue
		}
		out = append(out, nm)
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok {
			continue
		}
		for i := 0; i < named.NumMethods(); i++ {
			if m := named.Method(i); m.Exported() {
				out = append(out, nm+"."+m.Name())
			}
		}
		if it, ok := named.Underlying().(*types.Interface); ok {
			for i := 0; i < it.NumExplicitMethods(); i++ {
				if m := it.ExplicitMethod(i); m.Exported() {
					out = append(out, nm+"."+m.Name())
				}
			}
		}
	}
	return out
}

// sccs returns the strongly connected components with more than one file
// (Tarjan's algorithm), each sorted, in a stable order.
func sccs(nodes []string, edges map[string]map[string]int) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		var tos []string
		for w := range edges[v] {
			tos = append(tos, w)
		}
		sort.Strings(tos)
		for _, w := range tos {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			if len(c) > 1 {
				sort.Strings(c)
				out = append(out, c)
			}
		}
	}
	for _, v := range nodes {
		if _, seen := index[v]; !seen {
			visit(v)
		}
	}
	return out
}
