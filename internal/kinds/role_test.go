package kinds

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every read permission is one authentik 2026.2.2 defines, and none lets
// a plan read a secret.
func TestReadPermissionsAreKnown(t *testing.T) {
	ps := ReadPermissions()
	require.NotEmpty(t, ps)
	for _, p := range ps {
		assert.True(t, KnownPermission(p), "%s is not in permissions.txt", p)
		assert.True(t, strings.Contains(p, ".view_"), p)
	}
	assert.NotContains(t, ps, "authentik_core.view_token_key")
	assert.Contains(t, ps, "authentik_core.view_token")
	assert.Contains(t, ps, "authentik_blueprints.view_blueprintinstance")
}

// Unknown codenames are refused with the nearest known one.
func TestUnknownPermissionDidYouMean(t *testing.T) {
	for in, want := range map[string]string{
		"authentik_core.view_usr": `unknown permission "authentik_core.view_usr" (authentik 2026.2.2 has no such codename); did you mean "authentik_core.view_user"?`,
		"view_application":        `permission "view_application" needs its app label (app_label.codename); did you mean "authentik_core.view_application"?`,
	} {
		ps := checkPermissions("r", map[string]any{"permissions": []string{in}}, false)
		require.Len(t, ps, 1, in)
		assert.Equal(t, want, ps[0].Msg)
	}
	assert.Empty(t, checkPermissions("r", map[string]any{"permissions": []string{"authentik_core.view_user"}}, false))
}

// A family read through its list of every member names that list's model,
// so ReadPermissions covers it.
func TestFamiliesNameTheirAllModel(t *testing.T) {
	for _, k := range All() {
		if k.AllPath != "" {
			assert.NotEmpty(t, k.AllModel, "%s: AllPath %s without AllModel", k.Label(), k.AllPath)
			assert.True(t, KnownPermission(strings.Replace(k.AllModel, ".", ".view_", 1)), k.AllModel)
		}
	}
}

// The emulator's copy of the codenames is the client's (permgen writes both).
func TestEmulatorPermissionsAreTheSame(t *testing.T) {
	a, err := os.ReadFile("permissions.txt")
	require.NoError(t, err)
	b, err := os.ReadFile("../emulator/permissions.txt")
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b), "run go run ./internal/kinds/permgen")
}

// A Gone field is no field of its kind: else its hint could never show.
func TestGoneFieldsAreNotFields(t *testing.T) {
	n := 0
	for _, k := range All() {
		for name := range k.Gone {
			n++
			_, isField := k.Field(name)
			assert.False(t, isField, "%s: %s is Gone and a field", k.Label(), name)
			for _, x := range k.Extra {
				assert.NotEqual(t, name, x.Name, "%s: %s is Gone and an extra field", k.Label(), name)
			}
		}
	}
	assert.NotZero(t, n)
}
