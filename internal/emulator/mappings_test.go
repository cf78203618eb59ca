package emulator_test

import (
	"testing"

	api "goauthentik.io/api/v3"
)

func TestScopeMappings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := api.NewScopeMappingRequest("custom groups", "return {}", "groups")
	m := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeCreate(e.ctx).ScopeMappingRequest(*req).Execute()).must(t)
	if m.Managed.Get() != nil || m.MetaModelName != "authentik_providers_oauth2.scopemapping" {
		t.Errorf("created: %+v", m)
	}
	tests := []struct{ name, body, want string }{
		{"duplicate name", `{"name":"custom groups","expression":"return {}","scope_name":"x"}`,
			`{"name":["Property Mapping with this name already exists."]}`},
		{"space in scope", `{"name":"n","expression":"return {}","scope_name":"a b"}`, `{"scope_name":["Value must not contain spaces."]}`},
		{"missing expression", `{"name":"n","scope_name":"a"}`, `{"expression":["This field is required."]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if st, body := e.raw("POST", "/api/v3/propertymappings/provider/scope/", tc.body); st != 400 || body != tc.want {
				t.Errorf("got %d %s, want 400 %s", st, body, tc.want)
			}
		})
	}
	p := e.oauth2("uses-mapping", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings([]string{m.Pk}) })
	byScope := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).ScopeName("groups").Execute()).must(t)
	if len(byScope.Results) != 1 {
		t.Errorf("scope_name filter: %d", len(byScope.Results))
	}
	if st, _ := e.raw("DELETE", "/api/v3/propertymappings/provider/scope/"+m.Pk+"/", ""); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	got := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t)
	if len(got.PropertyMappings) != 0 {
		t.Errorf("deleted mapping still on provider: %v", got.PropertyMappings)
	}
	if st, body := e.raw("GET", "/api/v3/propertymappings/provider/scope/"+m.Pk+"/", ""); st != 404 ||
		body != `{"detail":"No ScopeMapping matches the given query."}` {
		t.Errorf("after delete: %d %s", st, body)
	}
}
