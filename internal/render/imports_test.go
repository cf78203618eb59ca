package render

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderReachesNoAuthentik keeps the renderer a view: no package it
// imports, directly or not, talks to authentik.
func TestRenderReachesNoAuthentik(t *testing.T) {
	t.Parallel()
	const module = "github.com/provision/provision/"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{} // package -> the package that imports it
	var walk func(pkg string)
	walk = func(pkg string) {
		p, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(pkg, module)), 0)
		if err != nil {
			t.Fatalf("read %s: %v", pkg, err)
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if _, ok := seen[imp]; ok {
				continue
			}
			seen[imp] = pkg
			walk(imp)
		}
	}
	walk(module + "internal/render")
	for _, bad := range []string{"internal/authentik", "internal/check", "internal/emulator"} {
		if by, ok := seen[module+bad]; ok {
			t.Errorf("render reaches %s (imported by %s): it must only print results", bad, by)
		}
	}
}
