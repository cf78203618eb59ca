package akblueprints_test

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/akblueprints"
)

var update = flag.Bool("update", false, "rewrite files.go from testdata/blueprints")

// files.go must be what the generator makes of the copied blueprints.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := generate("testdata/blueprints")
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile("files.go", want, 0o644))
	}
	got, err := os.ReadFile("files.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "run go generate ./internal/akblueprints")
}

// Spot checks against blueprints/default/flow-default-authentication-flow.yaml
// and flow-oobe.yaml at version/2026.2.2.
func TestEntriesAreFaithful(t *testing.T) {
	flow := akblueprints.Ref{Model: "authentik_flows.flow", Key: map[string]any{"slug": "default-authentication-flow"}}
	var orders []int
	for _, e := range akblueprints.Lookup("authentik_flows.flowstagebinding", map[string]any{"target": flow}) {
		orders = append(orders, e.Identifiers["order"].(int))
		assert.Equal(t, akblueprints.Present, e.State)
	}
	assert.Equal(t, []int{10, 20, 30, 100}, orders)

	pw := akblueprints.Lookup("authentik_stages_password.passwordstage", map[string]any{"name": "default-authentication-password"})
	require.Len(t, pw, 1)
	assert.Equal(t, []any{"authentik.core.auth.InbuiltBackend", "authentik.sources.kerberos.auth.KerberosBackend",
		"authentik.sources.ldap.auth.LDAPBackend", "authentik.core.auth.TokenBackend"}, pw[0].Attrs["backends"])
	assert.Equal(t, akblueprints.Ref{Model: "authentik_flows.flow", Key: map[string]any{"slug": "default-password-change"}},
		pw[0].Attrs["configure_flow"], "!Find becomes a natural key")

	// The same stage is declared by two files (oobe reuses the login stage).
	assert.Len(t, akblueprints.Lookup("authentik_stages_user_login.userloginstage",
		map[string]any{"name": "default-authentication-login"}), 2)

	brand := akblueprints.Entries("authentik_brands.brand")
	require.Len(t, brand, 1)
	assert.Equal(t, akblueprints.Created, brand[0].State)
	assert.Equal(t, []any{akblueprints.Tag{Name: "!Condition", Args: []any{"NOR",
		akblueprints.Ref{Model: "authentik_brands.brand", Key: map[string]any{"default": true}}}}}, brand[0].Conditions)

	flows := akblueprints.Entries("authentik_flows.flow")
	assert.Len(t, flows, 14)
	assert.Len(t, akblueprints.Entries("authentik_flows.flowstagebinding"), 20)
	assert.Len(t, akblueprints.Entries("authentik_stages_prompt.prompt"), 11)
}

func TestEqual(t *testing.T) {
	assert.True(t, akblueprints.Equal(10, int64(10)))
	assert.True(t, akblueprints.Equal(map[string]any{"a": []any{1}}, map[string]any{"a": []any{1}}))
	assert.False(t, akblueprints.Equal(map[string]any{"a": 1}, map[string]any{"b": 1}))
	assert.False(t, akblueprints.Equal(akblueprints.Ref{Model: "x"}, akblueprints.Tag{Name: "x"}))
}
