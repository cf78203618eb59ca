package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A role's codename the server does not have is refused at plan, with the
// nearest one it has; one it has plans a create.
func TestRolePermissionsCheckedAgainstTheServer(t *testing.T) {
	t.Parallel()
	m := load(t, "version: 1\nroles:\n  - name: r\n    permissions: [authentik_core.view_user, authentik_core.reset_user_password]\n")
	live := &Live{}
	live.Put(KindPermission, Object{Key: "authentik_core.view_user"}, Object{Key: "authentik_core.reset_user_passwd"})
	_, err := Compute(m, live)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `role "r": authentik has no permission "authentik_core.reset_user_password" (another authentik version?); did you mean "authentik_core.reset_user_passwd"?`)

	live = &Live{}
	live.Put(KindPermission, Object{Key: "authentik_core.view_user"}, Object{Key: "authentik_core.reset_user_password"})
	p, err := Compute(m, live)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, Create, p.Changes[0].Action)
}

// A role's permissions on single objects: named by kind and key, compared
// with authentik's list (named through the objects read), assigned on a
// live object or one the same apply creates (after it), unassigned before
// a delete of their object; a permission whose object was not found is
// left alone (authentik would remove it globally).
func TestRoleObjectPermissions(t *testing.T) {
	const appPK, orphanPK = "aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-0000000000ff"
	live := func() *Live {
		l := freshLive()
		l.Applications = append(l.Applications, Application{PK: appPK, Slug: "corp-app", Name: "Corp"})
		l.Put("role", Object{PK: "r-1", Key: "corp-helpdesk", Fields: map[string]any{"pk": "r-1", "name": "corp-helpdesk",
			"permissions": []string{"authentik_core.view_user"},
			"object_permissions": []any{
				map[string]any{"codename": "view_application", "app_label": "authentik_core", "model": "application", "object_pk": appPK},
				map[string]any{"codename": "view_application", "app_label": "authentik_core", "model": "application", "object_pk": orphanPK},
			}}})
		return l
	}
	const role = "version: 1\nroles:\n  - name: corp-helpdesk\n    permissions: [authentik_core.view_user"

	// Converged: the orphan is not named, and nothing changes.
	p, err := Compute(load(t, role+", {permission: view_application, application: corp-app}]\n"), live())
	require.NoError(t, err)
	assert.Empty(t, p.Changes)
	p, err = Compute(load(t, role+", {permission: authentik_core.view_application, application: corp-app}]\n"), live())
	require.NoError(t, err)
	assert.Empty(t, p.Changes, "with or without the app label")

	// A new group's permission waits for the group; the app's goes.
	p, err = Compute(load(t, role+", {permission: change_group, group: Corp Staff}]\ngroups:\n  - name: Corp Staff\n"), live())
	require.NoError(t, err)
	var ch *Change
	for i := range p.Changes {
		if p.Changes[i].Kind == "role" {
			ch = &p.Changes[i]
		}
	}
	require.NotNil(t, ch, summary(p))
	s := ch.Spec.(*EntrySpec)
	assert.Equal(t, []string{"authentik_core.view_user", "change_group on group Corp Staff"}, s.Extra["permissions"])
	assert.Equal(t, []string{"authentik_core.view_user", "view_application on application corp-app"}, s.Before["permissions"])
	assert.Equal(t, map[string]ObjectRef{
		"change_group on group Corp Staff":         {Model: "authentik_core.group", Ref: Later(KindGroup, "Corp Staff")},
		"view_application on application corp-app": {Model: "authentik_core.application", Ref: Known(appPK)},
	}, s.Objects)
	assert.Contains(t, registry[registryIndex("role")].Needs(ch), Ref(KindGroup, "Corp Staff"))
	assert.Contains(t, ch.Notes, "permissions: 1 permission(s) on objects provision did not find (deleted, or of a kind it does not manage) are left alone: authentik would unassign them globally")

	// Deleting the application: its delete waits for the unassign.
	p, err = Compute(load(t, role+"]\napplications:\n  - {name: Corp, slug: corp-app, state: absent}\n"), live())
	require.NoError(t, err)
	deletes := 0
	for _, c := range p.Changes {
		if c.Kind == KindApplication {
			deletes++
			assert.Equal(t, Delete, c.Action)
			assert.Contains(t, c.After, Ref("role", "corp-helpdesk"))
		}
	}
	assert.Equal(t, 1, deletes, summary(p))

	// An object that is neither declared nor live is refused.
	_, err = Compute(load(t, role+", {permission: view_application, application: corp-ap}]\n"), live())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `application "corp-ap": not declared in the manifest and`)
	assert.Contains(t, err.Error(), `did you mean "corp-app"?`)

	// Reads: the kinds the roles name, and, in a second round, those the
	// live roles' permissions name.
	r := ReadsFor(load(t, role+", {permission: change_group, group: Corp Staff}]\n"))
	assert.Contains(t, r.Kinds, KindGroup)
	assert.Equal(t, []Kind{KindApplication}, RecordReads(live(), Reads{Kinds: []Kind{"role"}}).Kinds)
}
