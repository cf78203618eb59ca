package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// editThenYes plays an admin who edits authentik while apply waits at its
// prompt, then answers "yes".
type editThenYes struct {
	edit func()
	done bool
}

func (r *editThenYes) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		r.edit()
	}
	return copy(p, "yes\n"), nil
}

func TestAdminEditsBetweenPlanAndApplySurvive(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	path := writeManifest(t, `version: 1
groups:
  - name: staff
    attributes: {theme: dark, quota: 5}
providers:
  - {name: app-proxy, type: proxy, mode: forward_single, external_host: "https://app.example.com"}
outposts:
  - name: edge
    type: proxy
    providers: [app-proxy]
    config: {log_level: debug}
`)
	// Before: the group and outpost exist with other values.
	before := writeManifest(t, `version: 1
groups:
  - name: staff
    attributes: {theme: light}
providers:
  - {name: app-proxy, type: proxy, mode: forward_single, external_host: "https://app.example.com"}
outposts:
  - name: edge
    type: proxy
    providers: [app-proxy]
    config: {log_level: info}
`)
	r := c.run("apply", "-f", before, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	groups, _, err := c.api().CoreApi.CoreGroupsList(ctx).Name("staff").Execute()
	require.NoError(t, err)
	group := groups.Results[0]
	outposts, _, err := c.api().OutpostsApi.OutpostsInstancesList(ctx).NameIexact("edge").Execute()
	require.NoError(t, err)
	outpost := outposts.Results[0]

	edit := &editThenYes{edit: func() {
		_, _, err := c.api().CoreApi.CoreGroupsPartialUpdate(ctx, group.Pk).PatchedGroupRequest(api.PatchedGroupRequest{
			Attributes: map[string]any{"theme": "light", "quota": 9, "admin_added": "x"}}).Execute()
		require.NoError(t, err)
		_, _, err = c.api().OutpostsApi.OutpostsInstancesPartialUpdate(ctx, outpost.Pk).PatchedOutpostRequest(api.PatchedOutpostRequest{
			Config: map[string]any{"log_level": "info", "docker_labels": map[string]any{"team": "ops"}}}).Execute()
		require.NoError(t, err)
	}}
	r = c.runWith(func(s *IOStreams) { s.In = edit; s.StdinTTY = true }, "apply", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	require.True(t, edit.done, "the prompt was shown")

	got, _, err := c.api().CoreApi.CoreGroupsRetrieve(ctx, group.Pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"theme": "dark", "quota": float64(5), "admin_added": "x"}, got.Attributes,
		"the admin's new key survives; the manifest's keys win")
	assert.Contains(t, r.out, `Note: group "staff": attributes.quota was edited in authentik after the plan; the manifest's value was written`)
	assert.NotContains(t, r.out, "attributes.theme was edited", "theme was not edited after the plan")

	op, _, err := c.api().OutpostsApi.OutpostsInstancesRetrieve(ctx, outpost.Pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, "debug", op.Config["log_level"])
	assert.Equal(t, map[string]any{"team": "ops"}, op.Config["docker_labels"], "the admin's config key survives")
	assert.NotContains(t, r.out, "config.log_level was edited", "log_level was not edited after the plan")
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}
