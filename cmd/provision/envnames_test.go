package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocumentedEnvNamesExist keeps the README and the GitHub Actions
// examples honest about provision's own environment variables: every
// AUTHENTIK_* or PROVISION_* name they mention is read by the Go code
// (as a string literal "NAME"), so a renamed variable cannot leave a
// pipeline setting one that nothing reads. .github/workflows/acceptance.yml is left out: its
// AUTHENTIK_* names are authentik's own settings for its compose file.
func TestDocumentedEnvNamesExist(t *testing.T) {
	t.Parallel()
	const root = "../.."
	var code strings.Builder
	for _, dir := range []string{"cmd", "internal"} {
		require.NoError(t, filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || d.Name() == "envnames_test.go" {
				return err
			}
			b, err := os.ReadFile(path)
			code.Write(b)
			return err
		}))
	}
	// authentik's settings a user of the examples may meet, not provision's.
	authentiks := map[string]bool{"AUTHENTIK_BOOTSTRAP_TOKEN": true}
	name := regexp.MustCompile(`\b(?:AUTHENTIK|PROVISION)_[A-Z0-9_]*[A-Z0-9]\b`)
	docs := []string{"README.md", "examples/github-actions/README.md", "examples/github-actions/plan.yml", "examples/github-actions/apply.yml", "examples/github-actions/drift.yml"}
	seen := map[string]bool{}
	for _, doc := range docs {
		b, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err)
		for _, n := range name.FindAllString(string(b), -1) {
			if authentiks[n] || seen[doc+" "+n] {
				continue
			}
			seen[doc+" "+n] = true
			assert.Contains(t, code.String(), `"`+n+`"`, "%s names %s, which no Go code reads", doc, n)
		}
	}
	assert.NotEmpty(t, seen, "the README names no variables: is the pattern wrong?")
}
