package emulator_test

import (
	"testing"

	api "goauthentik.io/api/v3"
)

func TestCascades(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("deleting a provider nulls app.provider and leaves outposts", func(t *testing.T) {
		px := e.proxy("px-del")
		e.app("px-app", px.Pk)
		req := api.NewOutpostRequest("op-del", api.OUTPOSTTYPEENUM_PROXY, []int32{px.Pk}, map[string]any{})
		o := res(e.c.OutpostsApi.OutpostsInstancesCreate(e.ctx).OutpostRequest(*req).Execute()).must(t)
		if st, _ := e.raw("DELETE", "/api/v3/providers/proxy/"+itoa(px.Pk)+"/", ""); st != 204 {
			t.Fatalf("delete: %d", st)
		}
		a := res(e.c.CoreApi.CoreApplicationsRetrieve(e.ctx, "px-app").Execute()).must(t)
		if a.Provider.Get() != nil {
			t.Errorf("app.provider = %v, want null", *a.Provider.Get())
		}
		o = res(e.c.OutpostsApi.OutpostsInstancesRetrieve(e.ctx, o.Pk).Execute()).must(t)
		if len(o.Providers) != 0 {
			t.Errorf("outpost still has %v", o.Providers)
		}
	})

	t.Run("deleting an application deletes its bindings", func(t *testing.T) {
		a := e.app("bound-app", 0)
		b := api.NewPolicyBindingRequest(a.Pk, 1)
		b.SetUser(e.emu.AdminUserPK())
		bd := res(e.c.PoliciesApi.PoliciesBindingsCreate(e.ctx).PolicyBindingRequest(*b).Execute()).must(t)
		e.raw("DELETE", "/api/v3/core/applications/bound-app/", "")
		if st, _ := e.raw("GET", "/api/v3/policies/bindings/"+bd.Pk+"/", ""); st != 404 {
			t.Errorf("binding survived: %d", st)
		}
	})

	t.Run("backchannel providers move silently", func(t *testing.T) {
		bc := e.oauth2("bc", func(r *api.OAuth2ProviderRequest) {
			r.SetAuthorizationFlow(e.flow("default-provider-authorization-explicit-consent"))
		})
		one := api.NewApplicationRequest("one", "bc-one")
		one.SetBackchannelProviders([]int32{bc.Pk})
		res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*one).Execute()).must(t)
		two := api.NewApplicationRequest("two", "bc-two")
		two.SetBackchannelProviders([]int32{bc.Pk})
		res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*two).Execute()).must(t)
		a1 := res(e.c.CoreApi.CoreApplicationsRetrieve(e.ctx, "bc-one").Execute()).must(t)
		if len(a1.BackchannelProviders) != 0 {
			t.Errorf("backchannel provider not moved: %v", a1.BackchannelProviders)
		}
		p := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, bc.Pk).Execute()).must(t)
		if p.AssignedBackchannelApplicationSlug != "bc-two" {
			t.Errorf("assigned_backchannel = %q", p.AssignedBackchannelApplicationSlug)
		}
	})
	t.Run("deleting the authorization flow deletes its providers", func(t *testing.T) {
		p := e.oauth2("flow-victim")
		other := e.oauth2("flow-survivor", func(r *api.OAuth2ProviderRequest) {
			r.SetAuthorizationFlow(e.flow("default-provider-authorization-explicit-consent"))
		})
		if st, _ := e.raw("DELETE", "/api/v3/flows/instances/default-provider-authorization-implicit-consent/", ""); st != 204 {
			t.Fatalf("delete flow: %d", st)
		}
		if st, _ := e.raw("GET", "/api/v3/providers/oauth2/"+itoa(p.Pk)+"/", ""); st != 404 {
			t.Errorf("provider survived its authorization flow: %d", st)
		}
		res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, other.Pk).Execute()).must(t)
	})

}
