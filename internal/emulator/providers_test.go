package emulator_test

import (
	"regexp"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

func TestOAuth2Defaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.oauth2("defaults")
	alnum := regexp.MustCompile(`^[A-Za-z0-9]+$`)
	checks := []struct {
		name string
		ok   bool
	}{
		{"client_type confidential", p.GetClientType() == api.CLIENTTYPEENUM_CONFIDENTIAL},
		{"client_id 40 alnum", len(p.GetClientId()) == 40 && alnum.MatchString(p.GetClientId())},
		{"client_secret 128 alnum", len(p.GetClientSecret()) == 128 && alnum.MatchString(p.GetClientSecret())},
		{"sub_mode", p.GetSubMode() == api.SUBMODEENUM_HASHED_USER_ID},
		{"issuer_mode", p.GetIssuerMode() == api.ISSUERMODEENUM_PER_PROVIDER},
		{"signing_key null", p.SigningKey.Get() == nil},
		{"access_code_validity", p.GetAccessCodeValidity() == "minutes=1"},
		{"access_token_validity", p.GetAccessTokenValidity() == "hours=1"},
		{"refresh_token_validity", p.GetRefreshTokenValidity() == "days=30"},
		{"include_claims_in_id_token", p.GetIncludeClaimsInIdToken()},
		{"no property mappings", len(p.PropertyMappings) == 0},
		{"logout_method", p.GetLogoutMethod() == api.OAUTH2PROVIDERLOGOUTMETHODENUM_BACKCHANNEL},
		{"component", p.Component == "ak-provider-oauth2-form"},
		{"unassigned", p.AssignedApplicationSlug == ""},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
	q := e.oauth2("other")
	if q.GetClientId() == p.GetClientId() {
		t.Errorf("client ids must differ")
	}
}

func TestOAuth2Validation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	existing := e.oauth2("existing")
	e.proxy("proxied")
	authz, inval := e.flow("default-provider-authorization-implicit-consent"), e.flow("default-provider-invalidation-flow")
	body := func(extra string) string {
		return `{"authorization_flow":"` + authz + `","invalidation_flow":"` + inval + `",` + extra + `}`
	}
	tests := []struct {
		name, body, want string
	}{
		{"redirect_uris required", body(`"name":"x"`), `{"redirect_uris":["This field is required."]}`},
		{"bad regex", body(`"name":"x","redirect_uris":[{"matching_mode":"regex","url":"*"}]`), `{"redirect_uris":["Invalid Regex Pattern: *"]}`},
		{"bad matching mode", body(`"name":"x","redirect_uris":[{"matching_mode":"strict","url":"a"},{"matching_mode":"x","url":"b"}]`),
			`{"redirect_uris":[{},{"matching_mode":["\"x\" is not a valid choice."]}]}`},
		{"name unique across types", body(`"name":"proxied","redirect_uris":[]`), `{"name":["provider with this name already exists."]}`},
		{"client_id unique", body(`"name":"x","redirect_uris":[],"client_id":"` + existing.GetClientId() + `"`),
			`{"client_id":["OAuth2/OpenID Provider with this Client ID already exists."]}`},
		{"bad sub_mode", body(`"name":"x","redirect_uris":[],"sub_mode":"nope"`), `{"sub_mode":["\"nope\" is not a valid choice."]}`},
		{"bad duration", body(`"name":"x","redirect_uris":[],"access_token_validity":"forever"`),
			`{"access_token_validity":["forever is not in the correct format of 'hours=3;minutes=1'."]}`},
		{"null redirect list", body(`"name":"x","redirect_uris":null`), `{"redirect_uris":["This field may not be null."]}`},
		{"unknown mapping", body(`"name":"x","redirect_uris":[],"property_mappings":["00000000-0000-4000-8000-000000000001"]`),
			`{"property_mappings":["Invalid pk \"00000000-0000-4000-8000-000000000001\" - object does not exist."]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, got := e.raw("POST", "/api/v3/providers/oauth2/", tc.body)
			if st != 400 || got != tc.want {
				t.Errorf("got %d %s\nwant 400 %s", st, got, tc.want)
			}
		})
	}
	// A valid regex and explicit credentials are accepted; redirect order is kept.
	st, got := e.rawJSON("POST", "/api/v3/providers/oauth2/", body(`"name":"ok","client_id":"my-id","client_secret":"s3cret",
		"redirect_uris":[{"matching_mode":"strict","url":"https://z/"},{"matching_mode":"regex","url":"https://a/.*"}]`))
	if st != 201 || got["client_id"] != "my-id" || got["client_secret"] != "s3cret" {
		t.Fatalf("create: %d %v", st, got)
	}
	uris := got["redirect_uris"].([]any)
	if uris[0].(map[string]any)["url"] != "https://z/" {
		t.Errorf("redirect_uris reordered: %v", uris)
	}
	// PATCH of one field keeps the rest.
	st, got = e.rawJSON("PATCH", "/api/v3/providers/oauth2/"+itoa(existing.Pk)+"/", `{"sub_mode":"user_email"}`)
	if st != 200 || got["sub_mode"] != "user_email" || got["client_id"] != existing.GetClientId() {
		t.Errorf("patch: %d %v", st, got)
	}
}

func TestProxyProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.proxy("whoami")
	if len(p.PropertyMappings) != 5 {
		t.Errorf("set_oauth_defaults must add 5 managed mappings, got %d", len(p.PropertyMappings))
	}
	wantURIs := []string{
		"https://whoami.example.com/outpost.goauthentik.io/callback?X-authentik-auth-callback=true",
		"https://whoami.example.com?X-authentik-auth-callback=true",
	}
	if len(p.RedirectUris) != 2 || p.RedirectUris[0].Url != wantURIs[0] || p.RedirectUris[1].Url != wantURIs[1] {
		t.Errorf("redirect_uris = %+v", p.RedirectUris)
	}
	if len(p.ClientId) != 40 || p.Mode == nil || *p.Mode != api.PROXYMODE_PROXY || p.MetaModelName != "authentik_providers_proxy.proxyprovider" {
		t.Errorf("proxy: %+v", p)
	}
	// Visible in the OAuth2 list, as an OAuth2 provider.
	l := res(e.c.ProvidersApi.ProvidersOauth2List(e.ctx).Name("whoami").Execute()).must(t)
	if len(l.Results) != 1 || l.Results[0].MetaModelName != "authentik_providers_oauth2.oauth2provider" {
		t.Errorf("oauth2 list: %+v", l.Results)
	}
	all := res(e.c.ProvidersApi.ProvidersAllRetrieve(e.ctx, p.Pk).Execute()).must(t)
	if all.MetaModelName != "authentik_providers_proxy.proxyprovider" || all.Component != "ak-provider-proxy-form" {
		t.Errorf("all: %+v", all)
	}
	// Proxy list offers only __iexact filters: plain name is ignored.
	e.proxy("other")
	if n := res(e.c.ProvidersApi.ProvidersProxyList(e.ctx).NameIexact("WHOAMI").Execute()).must(t).Pagination.Count; n != 1 {
		t.Errorf("name__iexact: %v", n)
	}
	st, body := e.rawJSON("GET", "/api/v3/providers/proxy/?name=whoami", "")
	if st != 200 || body["pagination"].(map[string]any)["count"].(float64) != 2 {
		t.Errorf("unknown filter must be ignored: %v", body["pagination"])
	}
	// PATCH without mode is validated as mode=proxy: needs internal_host.
	st, body = e.rawJSON("PATCH", "/api/v3/providers/proxy/"+itoa(p.Pk)+"/", `{"cookie_domain":"example.com"}`)
	if st != 400 || !strings.Contains(mustJSON(t, body), "Internal host cannot be empty when forward auth is disabled.") {
		t.Errorf("patch without internal_host: %d %v", st, body)
	}
	st, _ = e.rawJSON("PATCH", "/api/v3/providers/proxy/"+itoa(p.Pk)+"/", `{"mode":"forward_single"}`)
	if st != 200 {
		t.Errorf("forward auth patch: %d", st)
	}
	// An OAuth2 provider is not at /providers/proxy/{id}/.
	o := e.oauth2("plain")
	if st, body := e.raw("GET", "/api/v3/providers/proxy/"+itoa(o.Pk)+"/", ""); st != 404 || body != `{"detail":"No ProxyProvider matches the given query."}` {
		t.Errorf("oauth2 via proxy endpoint: %d %s", st, body)
	}
}

func TestManyToManyOrderIsScrambled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	maps := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).Execute()).must(t)
	var pks []string
	for _, m := range maps.Results {
		pks = append(pks, m.Pk)
	}
	reversed := make([]string, len(pks))
	for i := range pks {
		reversed[len(pks)-1-i] = pks[i]
	}
	a := e.oauth2("a", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings(pks) })
	b := e.oauth2("b", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings(reversed) })
	if strings.Join(a.PropertyMappings, ",") != strings.Join(b.PropertyMappings, ",") {
		t.Errorf("order must not depend on the order sent")
	}
	if strings.Join(a.PropertyMappings, ",") == strings.Join(pks, ",") || strings.Join(a.PropertyMappings, ",") == strings.Join(reversed, ",") {
		t.Errorf("order is the order sent")
	}
	if len(a.PropertyMappings) != len(pks) {
		t.Errorf("lost mappings")
	}
}
