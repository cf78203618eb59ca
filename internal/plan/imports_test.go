package plan

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPlanDoesNoIO keeps the plan package pure: no HTTP, no API client, no
// dependency on the package that talks to authentik.
func TestPlanDoesNoIO(t *testing.T) {
	t.Parallel()
	forbidden := []string{"net/http", "goauthentik.io/", "github.com/provision/provision/internal/authentik", "github.com/provision/provision/internal/emulator", "os/exec"}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("list sources: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if strings.HasPrefix(path, bad) {
					t.Errorf("%s imports %s: internal/plan must stay free of I/O", f, path)
				}
			}
		}
	}
}
