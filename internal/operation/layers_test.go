package operation

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportsFlowOneWay holds the import rules of docs/architecture.md's
// invariants over every package's non-test files: cmd uses operation, and
// nothing under internal/ does; internal/authentik alone uses authentik's
// generated client; the emulator uses none of the client's code.
func TestImportsFlowOneWay(t *testing.T) {
	t.Parallel()
	const module = "github.com/provision/provision/"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string][]string{} // package (relative) -> its imports
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			return nil // no Go files
		}
		rel, _ := filepath.Rel(root, path)
		imports[filepath.ToSlash(rel)] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports["internal/plan"]) == 0 || len(imports["cmd/provision"]) == 0 {
		t.Fatalf("the walk found no packages under %s", root)
	}
	clientCode := []string{"internal/authentik", "internal/plan", "internal/manifest", "internal/kinds", "internal/operation", "internal/outputs", "internal/check", "internal/export", "internal/render", "internal/planfile"}
	for pkg, imps := range imports {
		for _, imp := range imps {
			local := strings.TrimPrefix(imp, module)
			switch {
			case local == "internal/operation" && strings.HasPrefix(pkg, "internal/"):
				t.Errorf("%s imports internal/operation: only cmd/provision uses the operation layer", pkg)
			case strings.HasPrefix(imp, "goauthentik.io/api/") && pkg != "internal/authentik":
				t.Errorf("%s imports %s: internal/authentik is the only user of authentik's generated client", pkg, imp)
			case strings.HasPrefix(pkg, "internal/emulator") && slices.ContainsFunc(clientCode, func(c string) bool { return local == c || strings.HasPrefix(local, c+"/") }):
				t.Errorf("%s imports %s: the emulator never imports the client's code", pkg, local)
			}
		}
	}
}

// TestLibreChatIsAPlainPreset holds issue 26's rule: outside the LibreChat
// preset's own files (those with librechat in their file or folder name:
// preset, catalogue, client probe, double), at most two non-test Go files
// name LibreChat: the demo's default manifest and the root help text.
func TestLibreChatIsAPlainPreset(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"cmd/provision/help.go", "manifests/embed.go"}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || strings.Contains(strings.ToLower(rel), "librechat") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(strings.ToLower(string(data)), "librechat") && !slices.Contains(allowed, rel) {
			t.Errorf("%s names LibreChat: preset knowledge belongs in the LibreChat preset's own files (librechat in the file or folder name)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
