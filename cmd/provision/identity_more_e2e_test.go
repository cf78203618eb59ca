package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// wireUserRoles are the names of the roles assigned to a user directly,
// as authentik's user list answers them.
func wireUserRoles(t *testing.T, c *cli, username string) []string {
	t.Helper()
	users, _, err := c.api().CoreApi.CoreUsersList(t.Context()).Username(username).Execute()
	require.NoError(t, err)
	require.Len(t, users.Results, 1)
	out := []string{}
	for _, r := range users.Results[0].RolesObj {
		out = append(out, r.Name)
	}
	return out
}

// Issue 21: roles assigned to a user directly (UserSerializer.roles in
// authentik 2026.2.2), by name: exactly those listed; a user that lists
// none keeps what it has.
func TestUserRoles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	body := "version: 1\nstack: roles\nroles:\n  - {name: corp-helpdesk, permissions: [authentik_core.view_user]}\n  - {name: corp-audit}\n" +
		"users:\n  - {username: bob, name: Bob, roles: [corp-helpdesk, corp-audit]}\n  - {username: carol, name: Carol}\n"
	path := writeManifest(t, body)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "corp-helpdesk")
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	assert.ElementsMatch(t, []string{"corp-helpdesk", "corp-audit"}, wireUserRoles(t, c, "bob"))
	assert.Empty(t, wireUserRoles(t, c, "carol"))

	// One role fewer: an update of bob's roles, and only that.
	fewer := strings.Replace(body, "roles: [corp-helpdesk, corp-audit]", "roles: [corp-audit]", 1)
	r = c.run("plan", "-f", writeManifest(t, fewer), "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"update", "user", "bob"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	r = c.run("apply", "-f", writeManifest(t, fewer), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, []string{"corp-audit"}, wireUserRoles(t, c, "bob"))

	// An unknown role is refused, naming it; nothing is written.
	before := c.emu.Writes()
	r = c.run("plan", "-f", writeManifest(t, strings.Replace(fewer, "roles: [corp-audit]", "roles: [corp-audits]", 1)))
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `"corp-audits"`)
	assert.Equal(t, before, c.emu.Writes())

	// Export round-trips the user's roles.
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Regexp(t, `username: bob\n(\s+\w+: .*\n)*\s+roles:\s*(\[corp-audit\]|\n\s+- corp-audit)`, r.out)
	r = c.run("plan", "-f", writeManifest(t, r.out), "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// Issue 21: a token's key from a sensitive variable. apply sets it
// (set_key/) and writes it to the token output; a second plan is empty; a
// rotation is one change of the variable, which the plan shows masked,
// saying which output apply rewrites; no key is ever printed. A plan reads
// a key only for a token that declares one.
func TestTokenKeyFromAVariable(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const first, second = "ci-key-first-0123456789abcdef", "ci-key-second-fedcba9876543210"
	c.env["CI_TOKEN"] = first
	body := "version: 1\nstack: ci\nvariables:\n  CI_TOKEN: {sensitive: true}\nusers:\n  - {username: ci-bot, name: CI bot, type: service_account}\n" +
		"tokens:\n  - identifier: ci-bot-token\n    user: ci-bot\n    expiring: false\n    key: ${CI_TOKEN}\n    outputs:\n      token: {file: ci.env}\n"
	path := writeManifest(t, body)
	env := filepath.Join(filepath.Dir(path), "ci.env")
	wireKey := func() string {
		k, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), "ci-bot-token").Execute()
		require.NoError(t, err)
		return k.Key
	}
	noKeys := func(r result) {
		t.Helper()
		assert.NotContains(t, r.out+r.err, first)
		assert.NotContains(t, r.out+r.err, second)
	}

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	noKeys(r)
	assert.Equal(t, first, wireKey())
	data, err := os.ReadFile(env)
	require.NoError(t, err)
	assert.Contains(t, string(data), "AUTHENTIK_TOKEN="+first+"\n")
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	// Rotation: one variable changes; the plan says the key changes
	// (masked) and which output apply rewrites.
	c.env["CI_TOKEN"] = second
	before := c.emu.Writes()
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	noKeys(r)
	assert.Contains(t, r.out, "key: changed; apply rewrites output token (ci.env) with the new one")
	assert.Contains(t, r.out, "~ key = (sensitive) -> (sensitive)")
	r = c.run("plan", "-f", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	noKeys(r)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"update", "token", "ci-bot-token"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	assert.Equal(t, before, c.emu.Writes(), "plans write nothing")

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	noKeys(r)
	var writes []string
	for _, q := range c.emu.Requests() {
		if q.Method != http.MethodGet && !strings.HasPrefix(q.Path, "/api/v3/managed/blueprints/") {
			writes = append(writes, q.Method+" "+q.Path)
		}
	}
	assert.Equal(t, []string{"POST /api/v3/core/tokens/ci-bot-token/set_key/"}, writes, "the rotation is the key's write alone")
	assert.Equal(t, second, wireKey())
	data, err = os.ReadFile(env)
	require.NoError(t, err)
	assert.Contains(t, string(data), "AUTHENTIK_TOKEN="+second+"\n")
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "empty after the rotation: %s%s", r.out, r.err)

	// Without key:, a plan reads no key.
	c.emu.ResetLog()
	without := strings.Replace(body, "    key: ${CI_TOKEN}\n", "", 1)
	r = c.run("plan", "-f", writeManifest(t, without), "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	for _, q := range c.emu.Requests() {
		assert.NotContains(t, q.Path, "view_key", "a plan of a manifest without key: reads no key")
	}

	// A literal key is refused at its line, without its value.
	r = c.run("validate", "-f", writeManifest(t, strings.Replace(body, "${CI_TOKEN}", "literal-key-value", 1)))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "key is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "literal-key-value")
}

// wireObjectPermissions are a role's permissions on single objects as
// authentik lists them: "codename app_label.model object_pk", sorted.
func wireObjectPermissions(t *testing.T, c *cli, role string) []string {
	t.Helper()
	roles, _, err := c.api().RbacApi.RbacRolesList(t.Context()).Name(role).Execute()
	require.NoError(t, err)
	require.Len(t, roles.Results, 1)
	list, _, err := c.api().RbacApi.RbacPermissionsRolesList(t.Context()).Uuid(roles.Results[0].Pk).Execute()
	require.NoError(t, err)
	out := []string{}
	for _, p := range list.Results {
		out = append(out, p.Codename+" "+p.AppLabel+"."+p.Model+" "+p.ObjectPk)
	}
	slices.Sort(out)
	return out
}

// Issue 21: a role's permissions on single objects, by kind and key,
// alongside global codenames: applied on an application authentik has and
// a group the same apply creates; a second plan is empty; dropping one
// unassigns it; deleting an object whose permission the role loses
// unassigns first (authentik would otherwise remove the global permission
// of that codename); export round-trips them.
func TestRoleObjectPermissionsEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	app, _, err := c.api().CoreApi.CoreApplicationsCreate(t.Context()).ApplicationRequest(*api.NewApplicationRequest("Corp", "corp-app")).Execute()
	require.NoError(t, err)
	appPK := app.Pk
	var exported []byte

	body := "version: 1\nstack: rbac\ngroups:\n  - name: Corp Staff\nroles:\n  - name: corp-helpdesk\n    permissions:\n" +
		"      - authentik_core.view_application\n      - {permission: view_application, application: corp-app}\n" +
		"      - {permission: authentik_core.change_group, group: Corp Staff}\n"
	path := writeManifest(t, body)
	r := c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "view_application on application corp-app")
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	groupPK := c.emu.GroupPK("Corp Staff")
	assert.Equal(t, []string{"change_group authentik_core.group " + groupPK, "view_application authentik_core.application " + appPK},
		wireObjectPermissions(t, c, "corp-helpdesk"))
	assert.Equal(t, []string{"authentik_core.view_application"}, c.emu.RolePermissions("corp-helpdesk"))

	// Export names them by kind and key, and plans empty.
	out := filepath.Join(t.TempDir(), "export.yaml")
	r = c.run("export", "--all", "--out", out)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	exported, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(exported), "application: corp-app")
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty:\n%s\n%s%s", exported, r.out, r.err)

	// Dropping the group's: one update, one unassign.
	dropped := strings.Replace(body, "      - {permission: authentik_core.change_group, group: Corp Staff}\n", "", 1)
	r = c.run("apply", "-f", writeManifest(t, dropped), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, []string{"view_application authentik_core.application " + appPK}, wireObjectPermissions(t, c, "corp-helpdesk"))

	// The application goes, and the role loses its permission on it: the
	// unassign runs first, so the global permission stays.
	both := "version: 1\nstack: rbac\ngroups:\n  - name: Corp Staff\nroles:\n  - name: corp-helpdesk\n    permissions: [authentik_core.view_application]\n" +
		"applications:\n  - {name: Corp, slug: corp-app, state: absent}\n"
	r = c.run("apply", "-f", writeManifest(t, both), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	_, resp, err := c.api().CoreApi.CoreApplicationsRetrieve(t.Context(), "corp-app").Execute()
	require.Error(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the application is gone")
	assert.Empty(t, wireObjectPermissions(t, c, "corp-helpdesk"))
	assert.Equal(t, []string{"authentik_core.view_application"}, c.emu.RolePermissions("corp-helpdesk"))

	// A codename of another model is refused offline, with a did-you-mean.
	r = c.run("validate", "-f", writeManifest(t, strings.Replace(body, "{permission: view_application, application: corp-app}", "{permission: view_user, application: corp-app}", 1)))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `permission "view_user" is a permission on users, not on applications; did you mean "view_application"?`)
}

// Permissions held by a user directly (the Terraform provider's
// authentik_rbac_permission_user) are gone from authentik 2026.2.2: 2025.12
// made access control role-only and deleted rbac/permissions/users/ and
// assigned_by_users/ (website/docs/releases/2025/v2025.12.md). A user's
// permissions: is refused offline at its line, with the role to declare
// instead; the server, like authentik, has neither endpoint.
func TestUserPermissionsPointToRoles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, `version: 1
users:
  - username: alice
    permissions: [authentik_core.view_user]
`)
	for _, cmd := range []string{"validate", "plan"} {
		r := c.run(cmd, "-f", m)
		assert.Equal(t, exitError, r.code, cmd)
		assert.Contains(t, r.err, `:4:5: unknown field "permissions" for a user: since 2025.12 authentik gives permissions to roles only: declare a role with these permissions`, cmd)
		assert.NotContains(t, r.err, "did you mean", cmd)
	}
	for _, path := range []string{"rbac/permissions/users/?user_id=1", "rbac/permissions/assigned_by_users/"} {
		req, err := http.NewRequest(http.MethodGet, c.url+"/api/v3/"+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+c.emu.Token())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
}
