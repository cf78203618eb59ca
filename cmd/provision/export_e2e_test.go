package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/manifests"
)

// exportRoundTrip exports, then plans the export: it must show no changes.
func exportRoundTrip(t *testing.T, c *cli, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.yaml")
	r := c.run(append([]string{"export", "--out", out}, args...)...)
	require.Equal(t, exitOK, r.code, r.err)
	body, err := os.ReadFile(out)
	require.NoError(t, err)
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "export:\n%s\nplan:\n%s%s", body, r.out, r.err)
	return string(body)
}

func TestExportOfTheDemoRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	body := exportRoundTrip(t, c, "--app", "librechat")
	assert.Contains(t, body, "slug: librechat")
	assert.Contains(t, body, "client_secret is not exported")
	assert.NotContains(t, body, "pk:")
}

func TestExportAllRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	maps.Copy(c.env, manifests.ExampleEnv)
	r := c.run("apply", "-f", "../../manifests/directory-and-saml.yaml", "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	body := exportRoundTrip(t, c, "--all")
	for _, want := range []string{"type: saml", "type: ldap", "scope_name: roles", "name: LDAP"} {
		assert.Contains(t, body, want)
	}
	// The outposts' service accounts and tokens (the embedded one's and
	// LDAP's) are authentik's own: not exported.
	assert.NotContains(t, body, "ak-outpost-")
	assert.NotContains(t, body, "internal_service_account")
}

// Objects made by hand through the API with non-default values.
func TestExportOfHandMadeObjectsRoundTrips(t *testing.T) {
	t.Parallel()
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

}

// Hand-made details a first export left out: an OAuth2 provider with no
// scope mappings, group bindings with non-default order, timeout, negate
// and enabled, and an outpost's config.
func TestExportOfHandMadeDetailsRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	ak := c.api()
	flow := func(slug string) string {
		l, _, err := ak.FlowsApi.FlowsInstancesList(ctx).Slug(slug).Execute()
		require.NoError(t, err)
		return l.Results[0].Pk
	}
	authz, inval := flow("default-provider-authorization-explicit-consent"), flow("default-provider-invalidation-flow")
	bare := api.NewOAuth2ProviderRequest("Bare", authz, inval, []api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://bare.example.com/cb")})
	bp, _, err := ak.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*bare).Execute()
	require.NoError(t, err)
	require.Empty(t, bp.PropertyMappings, "the API's default: no scope mappings")
	app := api.NewApplicationRequest("Bare App", "bare-app")
	app.Provider.Set(&bp.Pk)
	a, _, err := ak.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*app).Execute()
	require.NoError(t, err)
	bind := func(group string, order, timeout int32, negate, enabled bool) {
		g, _, err := ak.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*api.NewGroupRequest(group)).Execute()
		require.NoError(t, err)
		b := api.NewPolicyBindingRequest(a.Pk, order)
		b.Group.Set(&g.Pk)
		b.Timeout, b.Negate, b.Enabled = &timeout, &negate, &enabled
		_, _, err = ak.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*b).Execute()
		require.NoError(t, err)
	}
	bind("plain", 7, 5, false, true)
	bind("negated", 3, 30, true, true)
	bind("switched off", 0, 30, false, false)

	proxy := api.NewProxyProviderRequest("Hand Proxy", authz, inval, "https://proxied.example.com")
	mode := api.PROXYMODE_FORWARD_SINGLE
	proxy.Mode = &mode
	pp, _, err := ak.ProvidersApi.ProvidersProxyCreate(ctx).ProxyProviderRequest(*proxy).Execute()
	require.NoError(t, err)
	papp := api.NewApplicationRequest("Proxied", "proxied")
	papp.Provider.Set(&pp.Pk)
	_, _, err = ak.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*papp).Execute()
	require.NoError(t, err)
	_, _, err = ak.OutpostsApi.OutpostsInstancesCreate(ctx).OutpostRequest(*api.NewOutpostRequest("hand outpost", api.OUTPOSTTYPEENUM_PROXY, []int32{pp.Pk}, map[string]any{
		"authentik_host": "https://auth.example.com", "log_level": "debug", "kubernetes_replicas": 3,
		"docker_labels": map[string]any{"team": "web"}, "refresh_interval": "minutes=5",
	})).Execute()
	require.NoError(t, err)

	out := filepath.Join(t.TempDir(), "export.yaml")
	r := c.run("export", "--out", out, "--app", "bare-app", "--app", "proxied")
	require.Equal(t, exitOK, r.code, r.err)
	body, err := os.ReadFile(out)
	require.NoError(t, err)
	for _, want := range []string{"scopes: []", "- plain", "name: hand outpost",
		"authentik_host: https://auth.example.com", "log_level: debug", "kubernetes_replicas: 3", "team: web"} {
		assert.Contains(t, string(body), want)
	}
	// A negated or disabled binding is not an access entry: listed, it
	// would say the opposite of what it does.
	assert.NotContains(t, string(body), "- negated")
	assert.NotContains(t, string(body), "- switched off")
	assert.NotContains(t, string(body), "refresh_interval", "a default is left out")
	assert.NotContains(t, string(body), "kubernetes_service_type", "a default is left out")
	assert.Contains(t, r.err, `not exported: application "bare-app": the binding of group "negated" is negated`)
	assert.Contains(t, r.err, `not exported: application "bare-app": the binding of group "switched off" is disabled`)
	assert.NotContains(t, r.err, `"plain"`, "order and timeout do nothing on a group binding")
	assert.NotContains(t, r.err, "outpost", "the outpost's config is exported")
	// The only difference a plan of the export finds is the two bindings it
	// said it leaves out; applying it removes them.
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, "export:\n%s\nplan:\n%s%s", body, r.out, r.err)
	assert.Contains(t, r.out, `"negated (negated)"`)
	assert.Contains(t, r.out, `"switched off (disabled)"`)
	assert.Contains(t, r.out, "Plan: 0 to add, 1 to change, 0 to destroy.")
	require.Equal(t, exitOK, c.run("apply", "-f", out, "--auto-approve").code)
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "export:\n%s\nplan:\n%s%s", body, r.out, r.err)

	// scopes: [] is enforced: a mapping added by hand is planned away.
	var openid string
	scopes, _, err := ak.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).ScopeName("openid").Execute()
	require.NoError(t, err)
	openid = scopes.Results[0].Pk
	_, _, err = ak.ProvidersApi.ProvidersOauth2PartialUpdate(ctx, bp.Pk).PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{PropertyMappings: []string{openid}}).Execute()
	require.NoError(t, err)
	r = c.run("plan", "-f", out, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	assert.Contains(t, r.out, "scopes")
	r = c.run("apply", "-f", out, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	got, _, err := ak.ProvidersApi.ProvidersOauth2Retrieve(ctx, bp.Pk).Execute()
	require.NoError(t, err)
	assert.Empty(t, got.PropertyMappings)
	require.Equal(t, exitOK, c.run("plan", "-f", out, "--detailed-exitcode").code)

	// On a fresh authentik the export creates the same provider and outpost.
	srv, emu := emulatortest.NewServer(t, emulator.Options{Seed: 99})
	fresh := newCLIFor(t, srv.URL, emu)
	r = fresh.run("apply", "-f", out, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	bareList := apiList(t, fresh, "providers/oauth2/?name=Bare")
	require.Len(t, bareList, 1)
	assert.Equal(t, []any{}, bareList[0]["property_mappings"])
	var cfg map[string]any
	for _, o := range apiList(t, fresh, "outposts/instances/") {
		if o["name"] == "hand outpost" {
			cfg = o["config"].(map[string]any)
		}
	}
	require.NotNil(t, cfg, "the outpost is created")
	assert.Equal(t, "debug", cfg["log_level"])
	assert.EqualValues(t, 3, cfg["kubernetes_replicas"])
}

// An instance seeded with synthetic objects (seeded random): providers of
// every type with random non-default values, applications, groups with
// attributes and bindings. export --all, then plan: no changes.
func TestExportOfSyntheticObjectsRoundTrips(t *testing.T) {
	skipLong(t, "exports and re-plans an object of every kind")
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	ak := c.api()
	rnd := rand.New(rand.NewPCG(8, 8))
	flow := func(slug string) string {
		l, _, err := ak.FlowsApi.FlowsInstancesList(ctx).Slug(slug).Execute()
		require.NoError(t, err)
		return l.Results[0].Pk
	}
	authz, inval := flow("default-provider-authorization-implicit-consent"), flow("default-provider-invalidation-flow")
	pick := func(xs ...string) string { return xs[rnd.IntN(len(xs))] }
	for i := range 12 {
		name := fmt.Sprintf("syn-%02d", i)
		var pk int32
		switch i % 4 {
		case 0:
			req := api.NewOAuth2ProviderRequest(name, authz, inval, []api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://"+name+".example.com/cb")})
			sub := api.SubModeEnum(pick("hashed_user_id", "user_email", "user_uuid"))
			issuer := api.IssuerModeEnum(pick("global", "per_provider"))
			claims := rnd.IntN(2) == 0
			req.SubMode, req.IssuerMode, req.IncludeClaimsInIdToken = &sub, &issuer, &claims
			scopes, _, err := ak.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Execute()
			require.NoError(t, err)
			for _, s := range scopes.Results {
				if s.ScopeName == "openid" || rnd.IntN(2) == 0 {
					req.PropertyMappings = append(req.PropertyMappings, s.Pk)
				}
			}
			p, _, err := ak.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*req).Execute()
			require.NoError(t, err)
			pk = p.Pk
		case 1:
			req := api.NewProxyProviderRequest(name, authz, inval, "https://"+name+".example.com")
			mode := api.ProxyMode(pick("forward_single", "forward_domain"))
			intercept := rnd.IntN(2) == 0
			req.Mode, req.InterceptHeaderAuth = &mode, &intercept
			p, _, err := ak.ProvidersApi.ProvidersProxyCreate(ctx).ProxyProviderRequest(*req).Execute()
			require.NoError(t, err)
			pk = p.Pk
		case 2:
			req := api.NewSAMLProviderRequest(name, authz, inval, "https://"+name+".example.com/acs")
			binding := api.SAMLBindingsEnum(pick("post", "redirect"))
			issuer := "https://idp-" + name + ".example.com"
			req.SpBinding, req.Issuer = &binding, &issuer
			p, _, err := ak.ProvidersApi.ProvidersSamlCreate(ctx).SAMLProviderRequest(*req).Execute()
			require.NoError(t, err)
			pk = p.Pk
		case 3:
			req := api.NewLDAPProviderRequest(name, authz, inval)
			base, uid := "DC="+name+",DC=example", int32(3000+rnd.IntN(100))
			mode := api.LDAPAPIAccessMode(pick("direct", "cached"))
			req.BaseDn, req.UidStartNumber, req.SearchMode = &base, &uid, &mode
			p, _, err := ak.ProvidersApi.ProvidersLdapCreate(ctx).LDAPProviderRequest(*req).Execute()
			require.NoError(t, err)
			pk = p.Pk
		}
		app := api.NewApplicationRequest("Synthetic "+name, name)
		app.Provider.Set(&pk)
		if rnd.IntN(2) == 0 {
			pub := "Synthetic Corp"
			app.MetaPublisher = &pub
		}
		a, _, err := ak.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*app).Execute()
		require.NoError(t, err)
		g := api.NewGroupRequest("group " + name)
		if rnd.IntN(2) == 0 {
			g.Attributes = map[string]any{"team": pick("a", "b"), "level": rnd.IntN(5)}
		}
		grp, _, err := ak.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*g).Execute()
		require.NoError(t, err)
		b := api.NewPolicyBindingRequest(a.Pk, 0)
		b.Group.Set(&grp.Pk)
		_, _, err = ak.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*b).Execute()
		require.NoError(t, err)
	}
	body := exportRoundTrip(t, c, "--all")
	assert.Contains(t, body, "name: syn-11")
	assert.Contains(t, body, "slug: syn-00")

	// The export holds every value: applied to a fresh authentik, it
	// exports the same again.
	// (Another seed: two emulators with one seed generate the same client
	// ids, which a real authentik never would.)
	srv, emu := emulatortest.NewServer(t, emulator.Options{Seed: 99})
	fresh := newCLIFor(t, srv.URL, emu)
	path := writeManifest(t, body)
	r := fresh.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	again := exportRoundTrip(t, fresh, "--all")
	withoutHeader := func(s string) string { return s[strings.Index(s, "version: 1"):] }
	assert.Equal(t, withoutHeader(body), withoutHeader(again))
	for _, list := range []string{"providers/oauth2/", "providers/proxy/", "providers/saml/", "providers/ldap/", "core/applications/?superuser_full_list=true", "core/groups/"} {
		assert.Equal(t, comparable(t, c, list), comparable(t, fresh, list), list)
	}
}

// comparable lists objects through the API by name, without what differs
// between two authentik instances holding the same configuration (pks,
// secrets, generated client ids (an OAuth2 one is compared through the
// exports), the server's own URL).
func comparable(t *testing.T, c *cli, list string) map[string]string {
	t.Helper()
	// uuids of seeded objects (flows, mappings, key pairs) differ between
	// instances: they are replaced by their names.
	names := map[string]string{}
	for _, l := range []struct{ path, key string }{{"flows/instances/", "slug"}, {"propertymappings/provider/scope/", "name"}, {"propertymappings/provider/saml/", "name"}, {"crypto/certificatekeypairs/", "name"}, {"core/groups/", "name"}} {
		for _, o := range apiList(t, c, l.path+"?page_size=100") {
			names[fmt.Sprint(o["pk"])] = "<" + fmt.Sprint(o[l.key]) + ">"
		}
	}
	out := map[string]string{}
	for _, o := range apiList(t, c, list) {
		if o["managed"] != nil {
			continue
		}
		key := fmt.Sprint(o["name"])
		for _, k := range []string{"pk", "num_pk", "client_secret", "client_id", "provider", "provider_obj", "users", "users_obj", "roles", "roles_obj", "children", "children_obj", "parents", "parents_obj", "meta_icon_url"} {
			delete(o, k)
		}
		b, err := json.Marshal(o)
		require.NoError(t, err)
		js := strings.ReplaceAll(string(b), c.url, "SERVER")
		for pk, name := range names {
			js = strings.ReplaceAll(js, pk, name)
		}
		// A many-to-many list has no order.
		var norm map[string]any
		require.NoError(t, json.Unmarshal([]byte(js), &norm))
		if l, ok := norm["property_mappings"].([]any); ok {
			slices.SortFunc(l, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		}
		b, err = json.Marshal(norm)
		require.NoError(t, err)
		out[key] = string(b)
	}
	return out
}

func apiList(t *testing.T, c *cli, path string) []map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url+"/api/v3/"+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+c.emu.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page struct{ Results []map[string]any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	return page.Results
}

func TestExportUsageMistakes(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	r := c.run("export", "--app", "librechat", "-o", "json")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `unknown output format "json": export writes a manifest, in YAML (-o yaml, the default)`)
	_, err := os.Stat("json")
	assert.True(t, os.IsNotExist(err), "no file named json")
	r = c.run("export", "--app", "librechta")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `authentik has no application with slug "librechta"; did you mean "librechat"?`)
}
