package emulator_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// System settings as authentik/tenants/api/settings.py serves them: one
// object at admin/settings/ (GET, PUT, PATCH), the Tenant model's defaults
// on a fresh install, PATCH changing only what it sends, the model's
// validators, and view_system_settings / edit_system_settings.
func TestSystemSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, got := e.rawJSON("GET", "/api/v3/admin/settings/", "")
	require.Equal(t, 200, st)
	assert.Equal(t, map[string]any{
		"avatars": "gravatar,initials", "default_user_change_name": true, "default_user_change_email": false,
		"default_user_change_username": false, "event_retention": "days=365", "reputation_lower_limit": -5.0,
		"reputation_upper_limit": 5.0, "footer_links": []any{}, "gdpr_compliance": true, "impersonation": true,
		"impersonation_require_reason": true, "default_token_duration": "days=1", "default_token_length": 60.0,
		"pagination_default_page_size": 20.0, "pagination_max_page_size": 100.0, "flags": map[string]any{},
	}, got, "tenants/models.py Tenant's defaults")

	st, got = e.rawJSON("PATCH", "/api/v3/admin/settings/", `{"avatars": "initials", "footer_links": [{"name": "Docs", "href": "https://docs.example.com"}]}`)
	require.Equal(t, 200, st)
	assert.Equal(t, "initials", got["avatars"])
	assert.Equal(t, true, got["impersonation"], "a PATCH leaves what it does not send")
	_, got = e.rawJSON("GET", "/api/v3/admin/settings/", "")
	assert.Equal(t, []any{map[string]any{"name": "Docs", "href": "https://docs.example.com"}}, got["footer_links"])

	for _, c := range []struct{ body, want string }{
		{`{"reputation_lower_limit": 1}`, `{"reputation_lower_limit": ["Ensure this value is less than or equal to 0."]}`},
		{`{"default_token_length": 0}`, `{"default_token_length": ["Ensure this value is greater than or equal to 1."]}`},
		{`{"event_retention": "a year"}`, `{"event_retention": ["a year is not in the correct format of 'hours=3;minutes=1'."]}`},
		{`{"avatars": ""}`, `{"avatars": ["This field may not be blank."]}`},
	} {
		st, body := e.raw("PATCH", "/api/v3/admin/settings/", c.body)
		assert.Equal(t, 400, st, c.body)
		assert.JSONEq(t, c.want, body, c.body)
	}
	st, body := e.raw("PUT", "/api/v3/admin/settings/", `{"avatars": "none"}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"flags": ["This field is required."]}`, body, "PUT needs flags")
	_, got = e.rawJSON("GET", "/api/v3/admin/settings/", "")
	assert.Equal(t, "initials", got["avatars"], "a refused write changes nothing")

	// A role's user: view_system_settings reads, edit_system_settings writes.
	role, _, err := e.c.RbacApi.RbacRolesCreate(e.ctx).RoleRequest(*api.NewRoleRequest("settings-reader")).Execute()
	require.NoError(t, err)
	st, body = e.raw("POST", "/api/v3/core/users/", fmt.Sprintf(`{"username": "reader", "name": "Reader", "roles": [%q]}`, role.Pk))
	require.Equal(t, 201, st, body)
	var user map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &user))
	st, body = e.raw("POST", "/api/v3/core/tokens/", fmt.Sprintf(`{"identifier": "reader-token", "intent": "api", "user": %v}`, user["pk"]))
	require.Equal(t, 201, st, body)
	_, key := e.rawJSON("GET", "/api/v3/core/tokens/reader-token/view_key/", "")
	as := func(method, body string) int {
		st, _ := rawReq(t, e.srv, method, "/api/v3/admin/settings/", body, map[string]string{"Authorization": "Bearer " + key["key"].(string)})
		return st
	}
	assert.Equal(t, 403, as("GET", ""))
	base := "/api/v3/rbac/permissions/assigned_by_roles/" + role.Pk + "/"
	st, body = e.raw("POST", base+"assign/", `{"permissions": ["authentik_rbac.view_system_settings"]}`)
	require.Equal(t, 200, st, body)
	assert.Equal(t, 200, as("GET", ""))
	assert.Equal(t, 403, as("PATCH", `{"avatars": "none"}`))
	st, body = e.raw("POST", base+"assign/", `{"permissions": ["authentik_rbac.edit_system_settings"]}`)
	require.Equal(t, 200, st, body)
	assert.Equal(t, 200, as("PATCH", `{"avatars": "none"}`))
}
