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
