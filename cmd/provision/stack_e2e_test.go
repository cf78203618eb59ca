package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

)

// stackManifest is a manifest of stack with one OAuth2 application per
// slug, each with its provider and a group binding.
func stackManifest(stack string, slugs ...string) string {
	var b strings.Builder
	b.WriteString("version: 1\n")
	if stack != "" {
		fmt.Fprintf(&b, "stack: %s\n", stack)
	}
	b.WriteString("groups:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s users\n", s)
	}
	b.WriteString("providers:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s\n    type: oauth2\n    redirect_uris:\n      - url: https://%s.example.com/cb\n", s, s)
	}
	b.WriteString("applications:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s\n    slug: %s\n    provider: %s\n    access:\n      groups: [%s users]\n", s, s, s, s)
	}
	return b.String()
}

// record reads a stack's ownership record through the API, as an admin
// would, returning "kind key[/group|provider]" lines.
func record(t *testing.T, c *cli, stack string) []string {
	t.Helper()
	list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-stack-" + stack).Execute()
	require.NoError(t, err)
	if len(list.Results) == 0 {
		return nil
	}
	require.Len(t, list.Results, 1)
	b := list.Results[0]
	assert.False(t, *b.Enabled, "the record is a disabled blueprint instance")
	raw, _ := json.Marshal(b.Context["objects"])
	var objs []struct{ Kind, Key, Group, Provider string }
	require.NoError(t, json.Unmarshal(raw, &objs))
	var out []string
	for _, o := range objs {
		s := o.Kind + " " + o.Key
		if o.Group != "" {
			s += "/" + o.Group
		}
		if o.Provider != "" {
			s += "/" + o.Provider
		}
		out = append(out, s)
	}
	return out
}

func appSlugs(t *testing.T, c *cli) []string {
	t.Helper()
	list, _, err := c.api().CoreApi.CoreApplicationsList(context.Background()).SuperuserFullList(true).PageSize(100).Execute()
	require.NoError(t, err)
	var out []string
	for _, a := range list.Results {
		out = append(out, a.Slug)
	}
	return out
}

func TestStackPrunesWhatTheManifestDropped(t *testing.T) {
	c := newCLI(t)
	// An application made by hand survives every step.
	hand := api.NewApplicationRequest("Hand", "hand")
	_, _, err := c.api().CoreApi.CoreApplicationsCreate(context.Background()).ApplicationRequest(*hand).Execute()
	require.NoError(t, err)

	three := writeManifest(t, stackManifest("prod", "alpha", "beta", "gamma"))
	r := c.run("apply", "-f", three, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.err, "nothing will be pruned")
	assert.Contains(t, record(t, c, "prod"), "application beta")
	assert.Contains(t, record(t, c, "prod"), "access beta/beta users")
	assert.Equal(t, exitOK, c.run("plan", "-f", three, "--detailed-exitcode").code)

	two := writeManifest(t, stackManifest("prod", "alpha", "gamma"))
	r = c.run("plan", "-f", two, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	for _, want := range []string{`application "beta" will be destroyed`, `provider "beta" will be destroyed`, `access "beta" will be destroyed`, `group "beta users" will be destroyed`, "(no longer in the manifest)"} {
		assert.Contains(t, r.out, want)
	}
	assert.NotContains(t, r.out, `"hand"`)
	r = c.run("apply", "-f", two, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.ElementsMatch(t, []string{"alpha", "gamma", "hand"}, appSlugs(t, c))
	assert.NotContains(t, strings.Join(record(t, c, "prod"), "\n"), "beta")
	assert.Equal(t, exitOK, c.run("plan", "-f", two, "--detailed-exitcode").code)
}

func TestDebugPrint(t *testing.T) {
	c := newCLI(t)
	three := writeManifest(t, stackManifest("prod", "alpha", "beta"))
	c.run("apply", "-f", three, "--auto-approve")
	two := writeManifest(t, stackManifest("prod", "alpha"))
	r := c.run("plan", "-f", two)
	t.Log(r.out, r.err)
	r = c.run("apply", "-f", two, "--auto-approve")
	t.Log(r.out, r.err)
}
