package main

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/manifests"
)

// exportRoundTrip exports, then plans the export: it must show no changes.
func exportRoundTrip(t *testing.T, c *cli, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.yaml")
	r := c.run(append([]string{"export", "-o", out}, args...)...)
	require.Equal(t, exitOK, r.code, r.err)
	body, err := os.ReadFile(out)
	require.NoError(t, err)
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "export:\n%s\nplan:\n%s%s", body, r.out, r.err)
	return string(body)
}

func TestExportOfTheDemoRoundTrips(t *testing.T) {
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	body := exportRoundTrip(t, c, "--app", "librechat")
	t.Log(body)
	assert.Contains(t, body, "slug: librechat")
	assert.Contains(t, body, "client_secret is not exported")
	assert.NotContains(t, body, "pk:")
}

func TestExportAllRoundTrips(t *testing.T) {
	c := newCLI(t)
	maps.Copy(c.env, manifests.ExampleEnv)
	r := c.run("apply", "-f", "../../manifests/directory-and-saml.yaml", "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	body := exportRoundTrip(t, c, "--all")
	t.Log(body)
}

// Objects made by hand through the API with non-default values.
func TestExportOfHandMadeObjectsRoundTrips(t *testing.T) {
	c := newCLI(t)
	ctx := context.Background()
	ak := c.api()
	flows, _, err := ak.FlowsApi.FlowsInstancesList(ctx).Slug("default-provider-authorization-explicit-consent").Execute()
	require.NoError(t, err)
	inval, _, err := ak.FlowsApi.FlowsInstancesList(ctx).Slug("default-provider-invalidation-flow").Execute()
	require.NoError(t, err)
	req := api.NewOAuth2ProviderRequest("Hand OIDC", flows.Results[0].Pk, inval.Results[0].Pk, []api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_REGEX, `https://.*\.example\.com/cb`)})
	pub := api.CLIENTTYPEENUM_PUBLIC
	sub := api.SUBMODEENUM_USER_USERNAME
	validity := "minutes=7"
	req.ClientType, req.SubMode, req.AccessTokenValidity = &pub, &sub, &validity
	scopes, _, err := ak.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Execute()
	require.NoError(t, err)
	for _, s := range scopes.Results {
		if s.ScopeName == "openid" || s.ScopeName == "email" {
			req.PropertyMappings = append(req.PropertyMappings, s.Pk)
		}
	}
	p, _, err := ak.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*req).Execute()
	require.NoError(t, err)
	app := api.NewApplicationRequest("Hand App", "hand-app")
	app.Provider.Set(&p.Pk)
	desc, newTab, mode := "made by hand", true, api.POLICYENGINEMODE_ALL
	app.MetaDescription, app.OpenInNewTab, app.PolicyEngineMode = &desc, &newTab, &mode
	_, _, err = ak.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*app).Execute()
	require.NoError(t, err)

	body := exportRoundTrip(t, c, "--app", "hand-app")
	for _, want := range []string{"sub_mode: user_username", "client_type: public", "access_token_validity: minutes=7", "matching_mode: regex", "open_in_new_tab: true", "policy_engine_mode: all", "meta_description: made by hand"} {
		assert.Contains(t, body, want)
	}
	assert.Contains(t, body, "- email\n")
	assert.NotContains(t, body, "- profile")
	assert.NotContains(t, body, "client_secret is not exported", "a public client has no secret")

	// A provider without scopes cannot be written in a manifest: said on stderr.
	bare := api.NewOAuth2ProviderRequest("Bare", flows.Results[0].Pk, inval.Results[0].Pk, []api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://bare.example.com/cb")})
	_, _, err = ak.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*bare).Execute()
	require.NoError(t, err)
	r := c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.err, `not exported: provider "Bare": it has no scopes, which a manifest cannot express`)
	assert.Contains(t, r.out, "name: Bare")
}
