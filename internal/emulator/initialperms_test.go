package emulator_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Initial permissions take a role by uuid and permissions by id, refuse an
// unknown permission id and a duplicate name, render permissions_obj, and
// go with their role (ForeignKey on_delete=CASCADE).
func TestInitialPermissions(t *testing.T) {
	e := newEnv(t)
	st, role := e.rawJSON("POST", "/api/v3/rbac/roles/", `{"name": "owners"}`)
	require.Equal(t, 201, st, role)
	st, l := e.rawJSON("GET", "/api/v3/rbac/permissions/?codename=view_application", "")
	require.Equal(t, 200, st)
	id := l["results"].([]any)[0].(map[string]any)["id"]

	body := fmt.Sprintf(`{"name": "own-apps", "role": %q, "permissions": [%v]}`, role["pk"], id)
	st, ip := e.rawJSON("POST", "/api/v3/rbac/initial_permissions/", body)
	require.Equal(t, 201, st, ip)
	assert.Equal(t, role["pk"], ip["role"])
	assert.Equal(t, []any{id}, ip["permissions"])
	obj := ip["permissions_obj"].([]any)
	require.Len(t, obj, 1)
	assert.Equal(t, "view_application", obj[0].(map[string]any)["codename"])

	st, dup := e.rawJSON("POST", "/api/v3/rbac/initial_permissions/", body)
	assert.Equal(t, 400, st, dup)
	assert.Contains(t, dup, "name")
	st, bad := e.rawJSON("POST", "/api/v3/rbac/initial_permissions/",
		fmt.Sprintf(`{"name": "bad", "role": %q, "permissions": [999999]}`, role["pk"]))
	assert.Equal(t, 400, st, bad)
	assert.Contains(t, bad, "permissions")

	st, _ = e.rawJSON("DELETE", fmt.Sprintf("/api/v3/rbac/roles/%v/", role["pk"]), "")
	require.Equal(t, 204, st)
	st, l = e.rawJSON("GET", "/api/v3/rbac/initial_permissions/", "")
	require.Equal(t, 200, st)
	assert.Empty(t, l["results"], "the role's delete takes its initial permissions")
}
