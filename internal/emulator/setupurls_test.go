package emulator_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// TestOAuth2SetupURLs is OAuth2ProviderViewSet.setup_urls
// (authentik/providers/oauth2/api/providers.py): what the Terraform
// provider's authentik_provider_oauth2_config data source reads.
func TestOAuth2SetupURLs(t *testing.T) {
	e := newEnv(t)
	p := e.oauth2("web")
	e.app("web", p.Pk)
	base := e.srv.URL
	got := res(e.c.ProvidersApi.ProvidersOauth2SetupUrlsRetrieve(e.ctx, p.Pk).Execute()).must(t)
	assert.Equal(t, api.OAuth2ProviderSetupURLs{
		Issuer: base + "/application/o/web/", Authorize: base + "/application/o/authorize/",
		Token: base + "/application/o/token/", UserInfo: base + "/application/o/userinfo/",
		ProviderInfo: base + "/application/o/web/.well-known/openid-configuration",
		Logout:       base + "/application/o/web/end-session/", Jwks: base + "/application/o/web/jwks/",
	}, *got)

	global := e.oauth2("glob", func(r *api.OAuth2ProviderRequest) { r.SetIssuerMode(api.ISSUERMODEENUM_GLOBAL) })
	st, m := e.rawJSON("GET", fmt.Sprintf("/api/v3/providers/oauth2/%d/setup_urls/", global.Pk), "")
	assert.Equal(t, 200, st)
	assert.Equal(t, map[string]any{"issuer": base + "/", "authorize": base + "/application/o/authorize/",
		"token": base + "/application/o/token/", "user_info": base + "/application/o/userinfo/",
		"provider_info": nil, "logout": nil}, m, "no application: nulls, no jwks")

	proxy := e.proxy("px")
	st, m = e.rawJSON("GET", fmt.Sprintf("/api/v3/providers/oauth2/%d/setup_urls/", proxy.Pk), "")
	assert.Equal(t, 200, st, "a proxy provider is an OAuth2Provider")
	assert.Nil(t, m["issuer"], "per-provider issuer without application")

	for path, want := range map[string]int{
		"/api/v3/providers/oauth2/99999/setup_urls/": 404,
		"/api/v3/providers/oauth2/abc/setup_urls/":   500, // ValueError from the pk lookup
	} {
		st, _ := e.raw("GET", path, "")
		assert.Equal(t, want, st, path)
	}
	st, _ = rawReq(t, e.srv, "GET", fmt.Sprintf("/api/v3/providers/oauth2/%d/setup_urls/", p.Pk), "", nil)
	assert.Equal(t, 403, st, "anonymous")
}

// TestOutpostHealth: OutpostViewSet.health lists connected instances: the
// embedded outpost runs inside the server, so it has one (outposts.go).
func TestOutpostHealth(t *testing.T) {
	e := newEnv(t)
	o := res(e.c.OutpostsApi.OutpostsInstancesList(e.ctx).Execute()).must(t).Results[0]
	got := res(e.c.OutpostsApi.OutpostsInstancesHealthList(e.ctx, o.Pk).Execute()).must(t)
	require.Len(t, got, 1)
	assert.Equal(t, "authentik-server", got[0].Hostname)
	st, _ := e.raw("GET", "/api/v3/outposts/instances/0f0f0f0f-0000-4000-8000-000000000000/health/", "")
	assert.Equal(t, 404, st)
}
