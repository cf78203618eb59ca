package emulator_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

func clientFor(url, token string) *api.APIClient {
	cfg := api.NewConfiguration()
	cfg.Servers = api.ServerConfigurations{{URL: url + "/api/v3"}}
	cfg.AddDefaultHeader("Authorization", "Bearer "+token)
	return api.NewAPIClient(cfg)
}

func TestNonSuperuserSeesOnlyApplicationsItMayAccess(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	ctx := context.Background()
	admin := clientFor(srv.URL, emu.Token())
	user := clientFor(srv.URL, emu.AddUserToken("deployer"))

	me, _, err := user.CoreApi.CoreUsersMeRetrieve(ctx).Execute()
	require.NoError(t, err)
	assert.Equal(t, "deployer", me.User.Username)
	assert.False(t, me.User.IsSuperuser)

	_, _, err = admin.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*api.NewApplicationRequest("Open", "open")).Execute()
	require.NoError(t, err)
	locked, _, err := admin.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*api.NewApplicationRequest("Locked", "locked")).Execute()
	require.NoError(t, err)
	g, _, err := admin.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*api.NewGroupRequest("few")).Execute()
	require.NoError(t, err)
	b := api.NewPolicyBindingRequest(locked.Pk, 0)
	b.Group.Set(&g.Pk)
	_, _, err = admin.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*b).Execute()
	require.NoError(t, err)

	slugs := func(c *api.APIClient) []string {
		list, _, err := c.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).Execute()
		require.NoError(t, err)
		var out []string
		for _, a := range list.Results {
			out = append(out, a.Slug)
		}
		return out
	}
	assert.ElementsMatch(t, []string{"open", "locked"}, slugs(admin))
	assert.Equal(t, []string{"open"}, slugs(user), "superuser_full_list is ignored for a non-superuser")
}
