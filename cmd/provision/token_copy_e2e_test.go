package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A declared variable that holds the API token (MYTOK=$AUTHENTIK_TOKEN in a
// pipeline) must not carry it into authentik: the plan masks it, and plan
// and apply refuse it before any write.
func TestTokenCopiedIntoAVariableIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	token := c.env["AUTHENTIK_TOKEN"]
	c.env["MYTOK"] = token
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
variables:
  MYTOK: {}
applications:
  - name: Leaky
    slug: leaky
    meta_launch_url: https://x.example.com/${MYTOK}
`), 0o600))
	for _, args := range [][]string{
		{"plan", "-f", path},
		{"plan", "-f", path, "-o", "json"},
		{"apply", "-f", path, "--auto-approve"},
	} {
		r := c.run(args...)
		assert.Equal(t, exitError, r.code, "%v", args)
		assert.Contains(t, r.out+r.err, "the plan would write the authentik API token into application", "%v", args)
		assert.Contains(t, r.out+r.err, "meta_launch_url", "%v", args)
		assert.NotContains(t, r.out+r.err, token, "%v", args)
	}
	assert.Zero(t, c.emu.Writes(), "nothing was written")
	assert.Empty(t, apiList(t, c, "core/applications/?slug=leaky&superuser_full_list=true"), "nothing was written")
}

// With the pipeline's allow-list set, a pull request's manifest cannot
// declare another runner variable to print it.
func TestPipelineAllowListStopsOtherVariables(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["GITHUB_TOKEN"] = "ghp-runner-secret-value"
	c.env["PROVISION_ALLOW_VARS"] = "LIBRECHAT_URL"
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
variables:
  GITHUB_TOKEN: {}
applications:
  - name: Leaky
    slug: leaky
    meta_description: ${GITHUB_TOKEN}
`), 0o600))
	for _, args := range [][]string{{"validate", "-f", path}, {"plan", "-f", path, "-o", "markdown"}} {
		r := c.run(args...)
		assert.Equal(t, exitError, r.code, "%v", args)
		assert.Contains(t, r.out+r.err, "variable GITHUB_TOKEN is not allowed here: PROVISION_ALLOW_VARS lets a manifest read only LIBRECHAT_URL", "%v", args)
		assert.NotContains(t, r.out+r.err, "ghp-runner-secret-value", "%v", args)
	}
	assert.Zero(t, c.emu.Writes())
}
