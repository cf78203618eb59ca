package emulator_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// A role's permissions on single objects, as authentik 2026.2.2 keeps
// them (rbac_assigned_by_roles.py assign/unassign, rbac_roles.py list):
// assigned with model and object_pk, listed per role, unassigned; model
// and object_pk go together; an object that is not there makes assign and
// unassign act globally (PermissionAssignSerializer.validate leaves
// model_instance None).
func TestRoleObjectPermissions(t *testing.T) {
	e := newEnv(t)
	role, _, err := e.c.RbacApi.RbacRolesCreate(e.ctx).RoleRequest(*api.NewRoleRequest("helpdesk")).Execute()
	require.NoError(t, err)
	app, _, err := e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*api.NewApplicationRequest("Corp", "corp-app")).Execute()
	require.NoError(t, err)
	base := "/api/v3/rbac/permissions/assigned_by_roles/" + role.Pk + "/"

	st, body := e.raw("POST", base+"assign/", fmt.Sprintf(`{"permissions": ["view_application", "authentik_core.change_application"], "model": "authentik_core.application", "object_pk": %q}`, app.Pk))
	require.Equal(t, 200, st, body)
	list, _, err := e.c.RbacApi.RbacPermissionsRolesList(e.ctx).Uuid(role.Pk).Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 2)
	assert.Equal(t, []string{"view_application", "change_application"}, []string{list.Results[0].Codename, list.Results[1].Codename}, "in the order assigned (ordering is by role name only)")
	assert.Equal(t, app.Pk, list.Results[0].ObjectPk)
	assert.Equal(t, "application", list.Results[0].Model)
	assert.Empty(t, e.emu.RolePermissions("helpdesk"), "no global permission")

	st, body = e.raw("PATCH", base+"unassign/", fmt.Sprintf(`{"permissions": ["change_application"], "model": "authentik_core.application", "object_pk": %q}`, app.Pk))
	require.Equal(t, 204, st, body)
	assert.Equal(t, []string{"view_application authentik_core.application " + app.Pk}, e.emu.RoleObjectPermissions("helpdesk"))

	st, body = e.raw("POST", base+"assign/", fmt.Sprintf(`{"permissions": ["view_application"], "object_pk": %q}`, app.Pk))
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"non_field_errors": ["The fields model, object_pk must be used together."]}`, body)
	st, body = e.raw("POST", base+"assign/", `{"permissions": ["view_application"], "model": "authentik_core.nothing", "object_pk": "x"}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"model": ["\"authentik_core.nothing\" is not a valid choice."]}`, body)
	st, _ = e.raw("POST", base+"assign/", fmt.Sprintf(`{"permissions": ["view_user"], "model": "authentik_core.application", "object_pk": %q}`, app.Pk))
	assert.Equal(t, 500, st, "Permission.DoesNotExist: view_user is not the application's")

	// The object is gone: assign and unassign act globally.
	_, err = e.c.CoreApi.CoreApplicationsDestroy(e.ctx, "corp-app").Execute()
	require.NoError(t, err)
	assert.Equal(t, []string{"view_application authentik_core.application " + app.Pk}, e.emu.RoleObjectPermissions("helpdesk"), "authentik leaves the orphan")
	st, body = e.raw("POST", base+"assign/", fmt.Sprintf(`{"permissions": ["authentik_core.view_application"], "model": "authentik_core.application", "object_pk": %q}`, app.Pk))
	require.Equal(t, 200, st, body)
	assert.Equal(t, []string{"authentik_core.view_application"}, e.emu.RolePermissions("helpdesk"))
	st, body = e.raw("PATCH", base+"unassign/", fmt.Sprintf(`{"permissions": ["authentik_core.view_application"], "model": "authentik_core.application", "object_pk": %q}`, app.Pk))
	require.Equal(t, 204, st, body)
	assert.Empty(t, e.emu.RolePermissions("helpdesk"))

	// A role's object permissions go with it.
	_, err = e.c.RbacApi.RbacRolesDestroy(e.ctx, role.Pk).Execute()
	require.NoError(t, err)
	all, _, err := e.c.RbacApi.RbacPermissionsRolesList(e.ctx).Execute()
	require.NoError(t, err)
	assert.Empty(t, all.Results)
	st, _ = e.raw("GET", "/api/v3/rbac/permissions/roles/?uuid=nope", "")
	assert.Equal(t, 400, st)
}

// RolePermissionViewSet pages by SmallerPagination
// (authentik/api/pagination.py, max_page_size 10): a page_size asked for
// is capped at 10; without one a page has the tenant's default 20.
func TestRoleObjectPermissionsPageByTen(t *testing.T) {
	e := newEnv(t)
	role, _, err := e.c.RbacApi.RbacRolesCreate(e.ctx).RoleRequest(*api.NewRoleRequest("many")).Execute()
	require.NoError(t, err)
	base := "/api/v3/rbac/permissions/assigned_by_roles/" + role.Pk + "/"
	for i := range 25 {
		g, _, err := e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*api.NewGroupRequest(fmt.Sprintf("g%02d", i))).Execute()
		require.NoError(t, err)
		st, body := e.raw("POST", base+"assign/", fmt.Sprintf(`{"permissions": ["view_group"], "model": "authentik_core.group", "object_pk": %q}`, g.Pk))
		require.Equal(t, 200, st, body)
	}
	list, _, err := e.c.RbacApi.RbacPermissionsRolesList(e.ctx).Uuid(role.Pk).PageSize(100).Execute()
	require.NoError(t, err)
	assert.Len(t, list.Results, 10)
	assert.Equal(t, 3, int(list.Pagination.TotalPages))
	list, _, err = e.c.RbacApi.RbacPermissionsRolesList(e.ctx).Uuid(role.Pk).Execute()
	require.NoError(t, err)
	assert.Len(t, list.Results, 20, "no page_size: the tenant's default")
	perms, _, err := e.c.RbacApi.RbacPermissionsList(e.ctx).PageSize(100).Execute()
	require.NoError(t, err)
	assert.Len(t, perms.Results, 100, "the other lists page by 100")
}
