package emulator

import (
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// RADIUS, SCIM and RAC providers, on the shared Provider table:
// authentik/providers/radius/{models.py,api/providers.py},
// authentik/providers/scim/{models.py,api/providers.py} (and
// lib/sync/outgoing/models.py OutgoingSyncProvider),
// authentik/providers/rac/{models.py,api/providers.py,api/endpoints.py}.

// radiusProviderFields are RadiusProviderSerializer's own fields with the
// model defaults (shared_secret: generate_id, set by fresh). shared_secret
// is readable: "an admin might have to view it".
var radiusProviderFields = []fieldDef{
	{name: "client_networks", typ: ftString, def: "0.0.0.0/0, ::/0", filter: "iexact"},
	{name: "shared_secret", typ: ftString},
	{name: "mfa_support", typ: ftBool, def: true},
	{name: "certificate", typ: ftKeypair},
}

var radiusProviderKind = func() *kindDef[*store.Provider] {
	k := providerKind("radiusprovider", "RadiusProvider", "providers/radius/", radiusProviderFields)
	base, fresh := k.render, k.fresh
	k.fresh = func(e *Emulator) *store.Provider {
		p := fresh(e)
		p.Attrs["shared_secret"] = e.randomString(40) // generate_id
		return p
	}
	k.render = func(e *Emulator, c *httpapi.Call, p *store.Provider) map[string]any {
		m := base(e, c, p)
		m["outpost_set"] = e.st.OutpostSet(p.PK)
		return m
	}
	// RadiusProviderViewSet.filterset_fields.
	k.list = httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("name__iexact", "name"), appIsNull},
		SearchFields: []string{"name", "client_networks"},
		Order:        []string{"name"},
	}
	return k
}()

// appIsNull is a provider filterset's application__isnull.
var appIsNull = httpapi.FilterSpec{Param: "application__isnull", Match: func(o httpapi.Getter, v []string) bool {
	b, err := httpapi.ParseBool(v[0])
	if err != nil {
		return true
	}
	return (o("assigned_application_slug") == "") == b
}}

// scimProviderFields are SCIMProviderSerializer's own fields with the
// model defaults (providers/scim/api/providers.py SCIMProviderSerializer
// at version/2026.2.2). token is readable (extra_kwargs is empty). The
// serializer has no flows (SCIMProvider is a BackchannelProvider).
var scimProviderFields = []fieldDef{
	{name: "property_mappings_group", typ: ftRefList, ref: "propertymapping", allowEmpty: true, def: []string{}},
	{name: "url", typ: ftString, required: true, filter: "exact"},
	{name: "verify_certificates", typ: ftBool, def: true},
	{name: "token", typ: ftString, blank: true, def: ""},
	{name: "auth_mode", typ: ftChoice, choices: []string{"token", "oauth"}, def: "token"},
	{name: "auth_oauth", typ: ftRef, ref: "source:oauth"}, // FK to OAuthSource, SET_DEFAULT (None)
	{name: "auth_oauth_params", typ: ftObject, def: map[string]any{}},
	{name: "compatibility_mode", typ: ftChoice, choices: []string{"default", "aws", "slack", "sfdc"}, def: "default"},
	{name: "service_provider_config_cache_timeout", typ: ftDuration, def: "hours=1"},
	{name: "exclude_users_service_account", typ: ftBool, def: false, filter: "exact"},
	{name: "sync_page_size", typ: ftUint, def: int64(100), min: 1}, // MinValueValidator(1)
	{name: "sync_page_timeout", typ: ftDuration, def: "minutes=30"},
	// group_filters (models.py, migration 0019_scimprovider_group_filters_and_more)
	// replaced filter_group, a single group, before 2026.2.2: the pinned API
	// module's schema.yml still has filter_group, which 2026.2.2's
	// serializer no longer knows (DRF ignores it). A M2M to Group
	// (blank=True), a filterset field (ModelMultipleChoiceFilter).
	{name: "group_filters", typ: ftRefList, ref: "group", allowEmpty: true, def: []string{}, filter: "exact", unordered: true},
	{name: "dry_run", typ: ftBool, def: false},
}

var scimProviderKind = func() *kindDef[*store.Provider] {
	k := providerKind("scimprovider", "SCIMProvider", "providers/scim/", scimProviderFields)
	base := k.render
	k.readBase = func(e *Emulator, f *httpapi.Form, p *store.Provider) { e.readProviderName(f, p) }
	// enterprise/providers/scim/api.py SCIMProviderSerializerMixin
	// (ConditionalInheritance): validate_auth_mode refuses oauth without a
	// valid license; a field validator, so only when the body has it.
	k.fieldChecks = func(e *Emulator, f *httpapi.Form, p *store.Provider) {
		if f.Has("auth_mode") && f.Errs["auth_mode"] == nil && p.Attrs["auth_mode"] == "oauth" && !e.enterprise {
			f.Fail("auth_mode", "Enterprise is required to use the OAuth mode.")
		}
	}
	k.render = func(e *Emulator, c *httpapi.Call, p *store.Provider) map[string]any {
		m := base(e, c, p)
		for _, f := range []string{"authorization_flow", "invalidation_flow", "authentication_flow", "assigned_application_slug", "assigned_application_name"} {
			delete(m, f)
		}
		return m
	}
	// SCIMProviderViewSet.filterset_fields: name, exclude_users_service_account,
	// url and group_filters (the last three from the fields' filter tags).
	k.list = httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.Exact("name", "name")},
		SearchFields: []string{"name", "url"},
		Order:        []string{"name", "url"},
	}
	return k
}()

// racProviderFields are RACProviderSerializer's own fields with the model
// defaults. Its serializer has no invalidation_flow.
var racProviderFields = []fieldDef{
	{name: "settings", typ: ftObject, def: map[string]any{}},
	{name: "connection_expiry", typ: ftDuration, def: "hours=8"},
	{name: "delete_token_on_disconnect", typ: ftBool, def: false},
}

var racProviderKind = func() *kindDef[*store.Provider] {
	k := providerKind("racprovider", "RACProvider", "providers/rac/", racProviderFields)
	base := k.render
	k.readBase = func(e *Emulator, f *httpapi.Form, p *store.Provider) {
		e.readProviderName(f, p)
		var flowPK *string
		if f.UUIDRef("authorization_flow", true, false, e.st.FlowRef, &flowPK) {
			p.AuthorizationFlow = *flowPK
		}
		f.UUIDRef("authentication_flow", false, true, e.st.FlowRef, &p.AuthenticationFlow)
	}
	k.render = func(e *Emulator, c *httpapi.Call, p *store.Provider) map[string]any {
		m := base(e, c, p)
		delete(m, "invalidation_flow")
		m["outpost_set"] = e.st.OutpostSet(p.PK)
		return m
	}
	k.list = httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.Exact("name", "name"), appIsNull},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	return k
}()

// readProviderName reads the base fields a serializer without flows has:
// name (unique across every type) and property_mappings.
func (e *Emulator) readProviderName(f *httpapi.Form, p *store.Provider) {
	if f.Str("name", true, false, &p.Name) {
		for _, o := range e.st.Providers {
			if o.Name == p.Name && o.PK != p.PK {
				f.Fail("name", "provider with this name already exists.")
			}
		}
	}
	f.UUIDList("property_mappings", false, e.st.MappingRef, &p.PropertyMappings)
}

// racEndpointFields are EndpointSerializer's fields (providers/rac/
// api/endpoints.py) with Endpoint's model defaults; protocol and
// auth_mode have none, so a create requires them.
var racEndpointFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact"},
	{name: "provider", typ: ftIntRef, ref: "racprovider", required: true, filter: "exact"},
	{name: "protocol", typ: ftChoice, choices: []string{"rdp", "vnc", "ssh"}, required: true},
	{name: "host", typ: ftString, required: true},
	{name: "settings", typ: ftObject, def: map[string]any{}},
	{name: "property_mappings", typ: ftRefList, ref: "propertymapping", allowEmpty: true, def: []string{}},
	{name: "auth_mode", typ: ftChoice, choices: []string{"static", "prompt"}, required: true},
	{name: "maximum_connections", typ: ftInt32, def: int64(1)},
}

// racEndpointKind is rac/endpoints/ (EndpointViewSet). An Endpoint is a
// PolicyBindingModel: its pk is its pbm_uuid.
var racEndpointKind = uuidObjects(&kindDef[*store.Object]{
	kind: "endpoint", model: "Endpoint", metaModel: "authentik_providers_rac.endpoint", prefix: "rac/endpoints/",
	fields: racEndpointFields,
	list:   httpapi.ListSpec{SearchFields: []string{"name", "protocol"}, Order: []string{"name", "protocol"}},
	render: func(e *Emulator, c *httpapi.Call, o *store.Object) map[string]any {
		m := map[string]any{"pk": o.PK, "provider_obj": nil, "launch_url": nil}
		if n, ok := o.Attrs["provider"].(int64); ok {
			if p := e.st.ProviderByPK(int32(n)); p != nil {
				m["provider_obj"] = racProviderKind.renderObj(e, c, p)
				if a := e.st.AppUsingProvider(p.PK); a != nil {
					m["launch_url"] = "/application/rac/" + a.Slug() + "/" + o.PK + "/"
				}
			}
		}
		return m
	},
}, func(s *store.State) *[]*store.Object { return &s.RACEndpoints }, (*store.State).DeleteRACEndpoint, "name")
