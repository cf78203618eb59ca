package emulator_test

// Tests for emulator fidelity round two (issue 15). Each test names the
// authentik source file (tag version/2026.2.2) whose behaviour it pins.

import (
	"testing"

	api "goauthentik.io/api/v3"
)

// authentik/core/models.py: Provider.backchannel_application is a ForeignKey
// with on_delete=CASCADE, so deleting an application deletes its backchannel
// providers (and their own cascades: outposts drop them).
func TestDeleteApplicationCascadesBackchannelProviders(t *testing.T) {
	e := newEnv(t)
	main := e.oauth2("bc-main")
	bc := e.proxy("bc-proxy")
	keep := e.oauth2("bc-keep")
	req := api.NewApplicationRequest("BC", "bc-app")
	req.SetProvider(main.Pk)
	req.SetBackchannelProviders([]int32{bc.Pk})
	res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*req).Execute()).must(t)
	op := api.NewOutpostRequest("bc-op", api.OUTPOSTTYPEENUM_PROXY, []int32{bc.Pk}, map[string]any{})
	o := res(e.c.OutpostsApi.OutpostsInstancesCreate(e.ctx).OutpostRequest(*op).Execute()).must(t)

	if st, _ := e.raw("DELETE", "/api/v3/core/applications/bc-app/", ""); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if st, _ := e.raw("GET", "/api/v3/providers/proxy/"+itoa(bc.Pk)+"/", ""); st != 404 {
		t.Errorf("backchannel provider survived its application: %d", st)
	}
	// The main provider is only unlinked (Application.provider is SET_NULL from the other side).
	res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, main.Pk).Execute()).must(t)
	res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, keep.Pk).Execute()).must(t)
	o = res(e.c.OutpostsApi.OutpostsInstancesRetrieve(e.ctx, o.Pk).Execute()).must(t)
	if len(o.Providers) != 0 {
		t.Errorf("outpost still lists the deleted provider: %v", o.Providers)
	}
}
