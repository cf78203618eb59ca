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
		"plan.yml":  {"-o markdown --out plan.json", "actions/upload-artifact", "gh pr comment", "secrets.PLAN_TOKEN", "cmd/provision@${TOOL_VERSION}"},
		"apply.yml": {"provision plan -f", "provision apply plan.json", "concurrency:", "cancel-in-progress: false", "secrets.AUTHENTIK_TOKEN", "branches: [main]", "ref: ${{ github.sha }}", "cmd/provision@${TOOL_VERSION}"},
		"drift.yml": {"provision plan -f", "--detailed-exitcode", "schedule:", "secrets.PLAN_TOKEN", "cmd/provision@${TOOL_VERSION}"},
		// provision's own CI, not an example: it builds this repository.
		"../../.github/workflows/acceptance.yml": {"go test -tags acceptance", "AUTHENTIK_BOOTSTRAP_TOKEN", "lifecycle/container/compose.yml", `AUTHENTIK_VERSION: "2026.2.`},
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
	// What the pipeline must keep (issue 25, docs/security.md): provision
	// is never built from the pull request's tree, and is installed before
	// the checkout; the plan job holds no write token and no GitHub write
	// permission; apply trusts no artifact of the pull request's workflow.
	for _, name := range []string{"plan.yml", "apply.yml", "drift.yml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		text := string(data)
		assert.NotContains(t, text, "go install ./", name)
		assert.NotContains(t, text, "go-version-file", name)
		install, checkout := strings.Index(text, "go install "), strings.Index(text, "actions/checkout")
		assert.True(t, install >= 0 && install < checkout, "%s: the tool is installed before the pull request is checked out", name)
	}
	var plan struct {
		Jobs map[string]struct {
			Permissions map[string]string
			Env         map[string]string
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "plan.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &plan))
	assert.Equal(t, map[string]string{"contents": "read"}, plan.Jobs["plan"].Permissions, "the plan job writes nothing on GitHub")
	assert.NotContains(t, plan.Jobs["comment"].Env, "AUTHENTIK_TOKEN")
	apply, err := os.ReadFile(filepath.Join(dir, "apply.yml"))
	require.NoError(t, err)
	assert.NotContains(t, string(apply), "download-artifact", "apply plans again from the merged commit")
	assert.NotContains(t, string(apply), "gh run download")
	// The flags the workflows pass exist.
	root := newRootCmd(IOStreams{})
	for _, path := range [][]string{{"plan", "out"}, {"plan", "no-color"}, {"apply", "output"}} {
		cmd, _, err := root.Find([]string{path[0]})
		require.NoError(t, err)
		assert.NotNil(t, cmd.Flag(path[1]), strings.Join(path, " --"))
	}
}
