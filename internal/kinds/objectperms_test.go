package kinds

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An object permission is a codename of its object's model, named by the
// object's kind; the role's doc lists exactly the kinds it may name.
func TestObjectPermissionChecks(t *testing.T) {
	for in, want := range map[string]string{
		ObjectPermission("view_application", "application", "corp-app"):                "",
		ObjectPermission("authentik_core.view_application", "application", "corp-app"): "",
		ObjectPermission("change_group", "group", "Corp Staff"):                        "",
		ObjectPermission("reset_user_password", "user", "alice"):                       "",
		ObjectPermission("view_user", "application", "corp-app"):                       `permission "view_user" is a permission on users, not on applications; did you mean "view_application"?`,
		ObjectPermission("view_aplication", "application", "corp-app"):                 `unknown permission "view_aplication" for applications (authentik 2026.2.2 has no authentik_core.view_aplication); did you mean "view_application"?`,
		ObjectPermission("authentik_flows.view_flow", "application", "corp-app"):       `permission "authentik_flows.view_flow" is not a permission of applications (their app label is authentik_core)`,
		ObjectPermission("view_stage", "stage", "corp-password"):                       `permission "view_stage" names a "stage", which object permissions cannot name; name one of application, brand, certificate, flow, group, prompt, role, token, user`,
	} {
		ps := checkPermissions("r", map[string]any{"permissions": []string{in}}, false)
		if want == "" {
			assert.Empty(t, ps, in)
			continue
		}
		require.Len(t, ps, 1, in)
		assert.Equal(t, want, ps[0].Msg, in)
	}
	codename, kind, key, ok := ParseObjectPermission(ObjectPermission("change_group", "group", "Corp Staff"))
	assert.Equal(t, []any{"change_group", "group", "Corp Staff", true}, []any{codename, kind, key, ok})
	_, _, _, ok = ParseObjectPermission("authentik_core.view_user")
	assert.False(t, ok)

	doc := role.Extra[0].Doc
	for _, k := range PermissionTargets() {
		assert.Contains(t, doc, k, "the role's permissions doc names every kind an object permission may name")
	}
	assert.True(t, strings.Contains(doc, "application, brand, certificate, flow, group, prompt, role, token or user"))
	assert.Equal(t, []string{"application", "brand", "certificate", "flow", "group", "prompt", "role", "token", "user"}, PermissionTargets())
}

// A token's key, when declared, is not empty: authentik's set_key/
// answers 400 to one.
func TestTokenKeyNotEmpty(t *testing.T) {
	ps := token.Check("t", map[string]any{"key": ""}, false)
	require.Len(t, ps, 1)
	assert.Equal(t, "key", ps[0].Field)
	assert.Empty(t, token.Check("t", map[string]any{"key": "k-0123456789"}, false))
}
