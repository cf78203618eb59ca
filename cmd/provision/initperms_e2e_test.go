package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const initPermsManifest = `version: 1
roles:
  - name: app-owners
initial_permissions:
  - name: app-owners-own-apps
    role: app-owners
    permissions:
      - authentik_core.view_application
      - authentik_core.change_application
`

// Initial permissions as code: applied, a second plan is empty, on the
// wire the role's uuid and the permissions' ids, and a changed list is an
// update of the entry alone.
func TestInitialPermissionsEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, initPermsManifest)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	role := wireOne(t, c, "rbac/roles/", url.Values{"name": {"app-owners"}})
	ip := wireOne(t, c, "rbac/initial_permissions/", url.Values{"name": {"app-owners-own-apps"}})
	assert.Equal(t, role["pk"], ip["role"])
	var names []string
	for _, p := range ip["permissions_obj"].([]any) {
		m := p.(map[string]any)
		names = append(names, m["app_label"].(string)+"."+m["codename"].(string))
	}
	assert.ElementsMatch(t, []string{"authentik_core.view_application", "authentik_core.change_application"}, names)
	assert.Len(t, ip["permissions"], 2)

	changed := writeManifest(t, strings.Replace(initPermsManifest, "change_application", "delete_application", 1))
	r = c.run("plan", "-f", changed, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"update", "initial permissions", "app-owners-own-apps"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	r = c.run("apply", "-f", changed, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", changed, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "%s%s", r.out, r.err)
}

// export --all holds the initial permissions by role name and codename,
// and a plan of the export is empty.
func TestInitialPermissionsExportRoundTrip(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("apply", "-f", writeManifest(t, initPermsManifest), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"initial_permissions:", "name: app-owners-own-apps", "role: app-owners",
		"- authentik_core.view_application", "- authentik_core.change_application"} {
		assert.Contains(t, r.out, want)
	}
	r = c.run("plan", "-f", writeManifest(t, r.out), "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// An unknown codename is refused at its line, with the nearest one, and
// nothing is written.
func TestInitialPermissionsUnknownCodename(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, strings.Replace(initPermsManifest, "authentik_core.view_application", "authentik_core.view_aplication", 1))
	r := c.run("plan", "-f", path)
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `unknown permission "authentik_core.view_aplication"`)
	assert.Contains(t, r.err, `did you mean "authentik_core.view_application"?`)
	assert.Contains(t, r.err, "m.yaml:7:")
	assert.Zero(t, c.emu.Writes())
}

// Earlier releases' mode is refused at its line with the reason, before
// any write.
func TestInitialPermissionsModeIsGone(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, strings.Replace(initPermsManifest, "    role: app-owners\n", "    role: app-owners\n    mode: user\n", 1))
	r := c.run("plan", "-f", path)
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `m.yaml:7:5: unknown field "mode" for an initial permissions: authentik 2026.2.2's initial permissions have no mode`)
	assert.Zero(t, c.emu.Writes())
}
