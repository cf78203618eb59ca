package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
