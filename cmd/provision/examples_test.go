package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestGitHubActionsExamples keeps examples/github-actions/ in step with the
// CLI: the files parse, and they use the flags and suite that exist.
func TestGitHubActionsExamples(t *testing.T) {
	t.Parallel()
	dir := "../../examples/github-actions"
	want := map[string][]string{
		"plan.yml":       {"-o markdown --out plan.json", "actions/upload-artifact", "gh pr comment", "secrets.AUTHENTIK_TOKEN"},
		"apply.yml":      {"provision apply plan.json", "concurrency:", "cancel-in-progress: false", "secrets.AUTHENTIK_TOKEN", "branches: [main]"},
		"acceptance.yml": {"go test -tags acceptance", "AUTHENTIK_BOOTSTRAP_TOKEN", "lifecycle/container/compose.yml", `AUTHENTIK_VERSION: "2026.2.`},
	}
	for name, needles := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal(data, &doc), name)
		assert.Contains(t, doc, "jobs", name)
		for _, n := range needles {
			assert.Contains(t, string(data), n, name)
		}
	}
	// apply.yml finds plan.yml's runs by the workflow's name, which survives
	// the renaming on copy (provision-plan.yml) that a file name does not.
	var plan struct{ Name string }
	data, err := os.ReadFile(filepath.Join(dir, "plan.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &plan))
	apply, err := os.ReadFile(filepath.Join(dir, "apply.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(apply), `gh run list --workflow "`+plan.Name+`"`)
	// The flags the workflows pass exist.
	root := newRootCmd(IOStreams{})
	for _, path := range [][]string{{"plan", "out"}, {"plan", "no-color"}, {"apply", "output"}} {
		cmd, _, err := root.Find([]string{path[0]})
		require.NoError(t, err)
		assert.NotNil(t, cmd.Flag(path[1]), strings.Join(path, " --"))
	}
}
