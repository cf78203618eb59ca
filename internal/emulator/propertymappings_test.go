package emulator_test

import (
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

// TestPropertyMappingNamesUniqueAcrossTypes: name and managed are unique
// over the one PropertyMapping table, which on a fresh install also holds
// the LDAP-source, Kerberos, RAC, SCIM, Google Workspace and Entra
// mappings of blueprints/system/*.yaml (authentik/core/models.py
// PropertyMapping, unique=True on both).
func TestPropertyMappingNamesUniqueAcrossTypes(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ path, body, want string }{
		{"/api/v3/propertymappings/provider/scope/",
			`{"name":"authentik default LDAP Mapping: Name","scope_name":"x","expression":"return {}"}`,
			`{"name":["Property Mapping with this name already exists."]}`},
		{"/api/v3/propertymappings/provider/scope/",
			`{"name":"mine","scope_name":"x","expression":"return {}","managed":"goauthentik.io/providers/scim/user"}`,
			`{"managed":["Property Mapping with this Managed by authentik already exists."]}`},
		{"/api/v3/propertymappings/provider/saml/",
			`{"name":"authentik default RAC Mapping: SSH Default settings","saml_name":"x","expression":"return 1"}`,
			`{"name":["Property Mapping with this name already exists."]}`},
		{"/api/v3/propertymappings/provider/saml/",
			`{"name":"mine2","saml_name":"x","expression":"return 1","managed":"goauthentik.io/sources/kerberos/user/realm-as-group"}`,
			`{"managed":["Property Mapping with this Managed by authentik already exists."]}`},
	} {
		if st, body := e.raw("POST", tc.path, tc.body); st != 400 || body != tc.want {
			t.Errorf("POST %s %s: %d %s, want 400 %s", tc.path, tc.body, st, body, tc.want)
		}
	}
}

// TestPropertyMappingsAllList is PropertyMappingViewSet
// (authentik/core/api/property_mappings.py): every type, base fields with
// the subclass's component and names; managed choices from the whole table.
func TestPropertyMappingsAllList(t *testing.T) {
	e := newEnv(t)
	all := res(e.c.PropertymappingsApi.PropertymappingsAllList(e.ctx).PageSize(100).Execute()).must(t)
	types := map[string]int{}
	for _, m := range all.Results {
		types[m.VerboseName]++
	}
	want := map[string]int{"Scope Mapping": 7, "SAML Provider Property Mapping": 7, "LDAP Source Property Mapping": 9,
		"Kerberos Source Property Mapping": 4, "RAC Provider Property Mapping": 3, "SCIM Provider Mapping": 2,
		"Google Workspace Provider Mapping": 2, "Microsoft Entra Provider Mapping": 2}
	for k, n := range want {
		if types[k] != n {
			t.Errorf("%s: %d seeded, want %d (all: %v)", k, types[k], n, types)
		}
	}
	if int(all.Pagination.Count) != 36 {
		t.Errorf("count %v, want 36", all.Pagination.Count)
	}
	for i := 1; i < len(all.Results); i++ {
		if all.Results[i-1].Name > all.Results[i].Name {
			t.Fatalf("not ordered by name: %q before %q", all.Results[i-1].Name, all.Results[i].Name)
		}
	}

	ldap := res(e.c.PropertymappingsApi.PropertymappingsAllList(e.ctx).Managed([]string{"goauthentik.io/sources/ldap/default-name"}).Execute()).must(t)
	if len(ldap.Results) != 1 || ldap.Results[0].Name != "authentik default LDAP Mapping: Name" ||
		ldap.Results[0].MetaModelName != "authentik_sources_ldap.ldapsourcepropertymapping" ||
		ldap.Results[0].Component != "ak-property-mapping-source-ldap-form" ||
		ldap.Results[0].Expression != "return {\n    \"name\": ldap.get(\"name\"),\n}" {
		t.Errorf("LDAP name mapping: %+v", ldap.Results)
	}
	if st, body := e.raw("GET", "/api/v3/propertymappings/all/?managed=nope", ""); st != 400 ||
		body != `{"managed":["Select a valid choice. nope is not one of the available choices."]}` {
		t.Errorf("unknown managed: %d %s", st, body)
	}
	rac := res(e.c.PropertymappingsApi.PropertymappingsAllList(e.ctx).Search("RAC Mapping").Execute()).must(t)
	if len(rac.Results) != 3 || rac.Results[0].Expression != "" {
		t.Errorf("RAC mappings (static_settings only, expression \"\"): %+v", rac.Results)
	}

	// Retrieve and delete any type; a deleted scope mapping leaves providers.
	openid := res(e.c.PropertymappingsApi.PropertymappingsAllList(e.ctx).Managed([]string{"goauthentik.io/providers/oauth2/scope-openid"}).Execute()).must(t).Results[0]
	p := e.oauth2("p", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings([]string{openid.Pk, ldap.Results[0].Pk}) })
	if got := res(e.c.PropertymappingsApi.PropertymappingsAllRetrieve(e.ctx, openid.Pk).Execute()).must(t); got.VerboseName != "Scope Mapping" {
		t.Errorf("retrieve: %+v", got)
	}
	for _, pk := range []string{openid.Pk, ldap.Results[0].Pk} {
		if _, err := e.c.PropertymappingsApi.PropertymappingsAllDestroy(e.ctx, pk).Execute(); err != nil {
			t.Fatalf("destroy %s: %v", pk, err)
		}
	}
	if got := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t).PropertyMappings; len(got) != 0 {
		t.Errorf("provider keeps deleted mappings: %v", got)
	}
	if st, _ := e.raw("GET", "/api/v3/propertymappings/all/"+openid.Pk+"/", ""); st != 404 {
		t.Errorf("retrieve deleted: %d", st)
	}
}

// TestMappingManagedFilterChoicesPerModel: PropertyMappingFilterSet's
// managed is an AllValuesMultipleFilter, and django-filter gives it the
// model of the list's own queryset: the SAML list accepts only SAML
// mappings' managed values, the scope list only scope mappings'.
func TestMappingManagedFilterChoicesPerModel(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		path, managed string
		status        int
	}{
		{"/api/v3/propertymappings/provider/saml/", "goauthentik.io/providers/saml/upn", 200},
		{"/api/v3/propertymappings/provider/saml/", "goauthentik.io/providers/oauth2/scope-openid", 400},
		{"/api/v3/propertymappings/provider/saml/", "bogus", 400},
		{"/api/v3/propertymappings/provider/scope/", "goauthentik.io/providers/oauth2/scope-openid", 200},
		{"/api/v3/propertymappings/provider/scope/", "goauthentik.io/providers/saml/upn", 400},
		{"/api/v3/propertymappings/all/", "goauthentik.io/providers/saml/upn", 200},
		{"/api/v3/propertymappings/all/", "goauthentik.io/sources/ldap/ms-sn", 200},
	} {
		st, body := e.raw("GET", tc.path+"?managed="+tc.managed, "")
		if st != tc.status {
			t.Errorf("%s managed=%s: %d %s, want %d", tc.path, tc.managed, st, body, tc.status)
		}
		if st == 400 && body != `{"managed":["Select a valid choice. `+tc.managed+` is not one of the available choices."]}` {
			t.Errorf("%s managed=%s: %s", tc.path, tc.managed, body)
		}
	}
}

// TestSeededScopeMappingsFollowBlueprints: the seeded scope mappings carry
// blueprints/system/providers-oauth2.yaml's and providers-proxy.yaml's
// descriptions and expressions (trimmed by the serializer).
func TestSeededScopeMappingsFollowBlueprints(t *testing.T) {
	e := newEnv(t)
	got := map[string]*api.ScopeMapping{}
	for _, m := range res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).Execute()).must(t).Results {
		got[m.ScopeName] = &m
	}
	proxy := got["ak_proxy"]
	if proxy.Description == nil || *proxy.Description != "authentik Proxy - User information" ||
		!strings.HasPrefix(proxy.Expression, "# This mapping is used by the authentik proxy.") ||
		!strings.Contains(proxy.Expression, `"is_superuser": request.user.is_superuser,`) ||
		strings.HasSuffix(proxy.Expression, "\n") {
		t.Errorf("proxy mapping: %q %q", proxy.GetDescription(), proxy.Expression)
	}
	if !strings.Contains(got["profile"].Expression, "[group.name for group in request.user.groups.all()]") {
		t.Errorf("profile mapping: %q", got["profile"].Expression)
	}
	if !strings.HasPrefix(got["openid"].Expression, "# This scope is required by the OpenID-spec") || got["openid"].GetDescription() != "" {
		t.Errorf("openid mapping: %q %q", got["openid"].GetDescription(), got["openid"].Expression)
	}
	if got["goauthentik.io/api"].Expression != "# This scope grants the application the ability to access the authentik API\n# on behalf of the authorizing user\nreturn {}" {
		t.Errorf("api mapping: %q", got["goauthentik.io/api"].Expression)
	}
}
