package emulator

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEmulatorImports keeps the emulator independent of the client (issue
// 19): no package under internal/emulator imports the generated client,
// internal/authentik or the kind descriptors (internal/kinds), and the
// sub-packages import one another one way only (doc.go).
func TestEmulatorImports(t *testing.T) {
	t.Parallel()
	const mod = "github.com/provision/provision/"
	forbidden := []string{"goauthentik.io", mod + "internal/authentik", mod + "internal/kinds"}
	// The emulator packages each sub-package may import; the root, contract
	// and emulatortest may import any.
	layers := map[string][]string{
		"httpapi":  {},
		"store":    {"httpapi"},
		"chaos":    {"httpapi"},
		"protocol": {"store", "httpapi"},
		"seed":     {"store", "httpapi"},
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		seen[dir] = true
		parsed, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range parsed.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s: the emulator never imports the client or the descriptors", path, p)
				}
			}
			sub, ok := strings.CutPrefix(p, mod+"internal/emulator")
			allowed, layered := layers[dir]
			if !ok || !layered {
				continue
			}
			sub = strings.TrimPrefix(sub, "/")
			if sub == "" || !slices.Contains(allowed, sub) {
				t.Errorf("%s imports internal/emulator/%s: %s may import only %v of the emulator's packages (doc.go)", path, sub, dir, allowed)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range layers {
		if !seen[dir] {
			t.Errorf("no sources in %s: update the layers in this test and doc.go", dir)
		}
	}
}
