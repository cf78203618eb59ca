package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every test of this package runs in parallel unless its doc comment says
// why not ("// serial: ..."): a test added without t.Parallel() runs alone
// before all the others, and 69 of them had made the inner loop (go test
// -short ./...) wait on a serial queue.
func TestEveryTestIsParallelOrSaysWhy(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" || fn.Body == nil {
				continue
			}
			if fn.Doc != nil && strings.Contains(fn.Doc.Text(), "serial: ") {
				continue
			}
			parallel := false
			for _, st := range fn.Body.List {
				if call, ok := st.(*ast.ExprStmt); ok {
					if c, ok := call.X.(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Parallel" {
							parallel = true
						}
					}
				}
			}
			assert.True(t, parallel, "%s (%s): call t.Parallel() first, or say why it cannot in its doc comment (// serial: why)", fn.Name.Name, fset.Position(fn.Pos()))
		}
	}
}
