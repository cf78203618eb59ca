package kinds

import "github.com/provision/provision/internal/apischema"

// Providers the engine manages: RADIUS, SCIM and RAC. They share the
// providers: section with the hand-written OAuth2, proxy, SAML and LDAP
// providers (internal/manifest/provider*.go), chosen by type:, and one
// Provider table (authentik/core/models.py Provider.name unique=True), so
// an application's provider and backchannel_providers and an outpost's
// providers name either by name. Their plan kind is "engine provider"
// (the hand-written ones are "provider"): two plan kinds cannot share one
// name, and a provider's type never changes. Users see "provider" (Noun)
// in plans, errors, --target and moved:. Providers have integer pks
// and are addressed by pk.
func engineProvider(typ, path, model, schema string, refs map[string]string, defaults map[string]any) *Kind {
	r := map[string]string{"property_mappings": "property mapping"}
	for k, v := range refs {
		r[k] = v
	}
	// authentik/core/models.py Provider.
	d := map[string]any{"property_mappings": []string{}}
	for k, v := range defaults {
		d[k] = v
	}
	return &Kind{Name: "engine provider", Noun: "provider", Section: "providers", Type: typ, Path: path, AllPath: "providers/all/", AllModel: "authentik_core.provider",
		Model: model, Schema: schema, Key: "name", PK: "pk", Refs: r, Defaults: d}
}

// providerFlows are the flows of a provider users log in through.
var providerFlows = map[string]string{"authentication_flow": "flow", "authorization_flow": "flow", "invalidation_flow": "flow"}

// racEndpoint is one endpoint of a RAC provider (authentik/providers/rac/
// models.py Endpoint, api/endpoints.py EndpointSerializer): a host users
// connect to, keyed by name within its provider. An Endpoint is a
// PolicyBindingModel: its policies: bind who may connect.
var racEndpoint = &Kind{
	Name:   "rac endpoint",
	Path:   "rac/endpoints/",
	Model:  "authentik_providers_rac.endpoint",
	Schema: "EndpointRequest",
	PK:     "pk",
	Refs:   map[string]string{"property_mappings": "property mapping"},
	// Endpoint's model defaults; auth_mode has none (the serializer
	// requires nothing: an omitted one is "").
	Defaults: map[string]any{"settings": map[string]any{}, "maximum_connections": 1, "property_mappings": []string{}},
	Children: []Child{policies},
	Doc:      "A RAC endpoint: a host (RDP, VNC or SSH) users of the provider connect to.",
}

func init() {
	// providers/radius/models.py RadiusProvider. shared_secret is readable
	// in the API (RadiusProviderSerializer: "an admin might have to view
	// it"), but it is a secret: only from a sensitive variable.
	radius := engineProvider("radius", "providers/radius/", "authentik_providers_radius.radiusprovider", "RadiusProviderRequest",
		mergeRefs(providerFlows, map[string]string{"certificate": "certificate"}),
		// The flows have no model default and the API requires them: the
		// defaults are the admin UI's (RadiusProviderFormForm.ts: the
		// brand's authentication flow, default-invalidation-flow), as an
		// LDAP provider's are.
		map[string]any{"authentication_flow": nil, "client_networks": "0.0.0.0/0, ::/0", "mfa_support": true, "certificate": nil,
			"authorization_flow": "default-authentication-flow", "invalidation_flow": "default-invalidation-flow"})
	radius.SensitiveOnly = []string{"shared_secret"}
	radius.Nulled = []string{"authentication_flow", "invalidation_flow"}
	radius.Doc = "A RADIUS provider: network devices authenticate users through a RADIUS outpost."
	// providers/scim/models.py SCIMProvider (and lib/sync/outgoing/models.py
	// OutgoingSyncProvider). A BackchannelProvider: an application lists it
	// in backchannel_providers.
	scim := engineProvider("scim", "providers/scim/", "authentik_providers_scim.scimprovider", "SCIMProviderRequest",
		map[string]string{"property_mappings_group": "property mapping", "group_filters": "group", "auth_oauth": "source"},
		map[string]any{"property_mappings_group": []string{}, "group_filters": []string{}, "auth_oauth": nil, "verify_certificates": true, "auth_mode": "token", "auth_oauth_params": map[string]any{},
			"compatibility_mode": "default", "service_provider_config_cache_timeout": "hours=1", "exclude_users_service_account": false,
			"sync_page_size": 100, "sync_page_timeout": "minutes=30", "dry_run": false})
	scim.SensitiveOnly = []string{"token"}
	// group_filters (providers/scim/models.py SCIMProvider, migration
	// 0019_scimprovider_group_filters_and_more) replaced filter_group, one
	// group, before 2026.2.2; the pinned schema.yml still has filter_group,
	// which 2026.2.2's SCIMProviderSerializer no longer knows.
	scim.Omit = []string{"filter_group"}
	// auth_oauth: an OAuth source (by slug), on_delete SET_DEFAULT (None);
	// auth_mode oauth needs an enterprise license
	// (enterprise/providers/scim/api.py validate_auth_mode).
	scim.Nulled = []string{"auth_oauth"}
	scim.NewerFields = []apischema.Field{{Name: "group_filters", Type: "array", ItemType: "string", ItemFormat: "uuid",
		Description: "Group filters used to define sync-scope for groups."}}
	scim.Docs = map[string]string{
		"group_filters": "The groups the provider syncs, by name (empty: every group). Users are scoped by the application's policies.",
		"dry_run":       "When true, the provider neither modifies nor creates objects in the remote system.",
		"auth_oauth":    "The OAuth source (by slug) whose token authenticates the SCIM requests, with auth_mode: oauth (enterprise).",
	}
	scim.Doc = "A SCIM provider: authentik pushes users and groups to an application (a backchannel provider: list it in an application's backchannel_providers)."
	// providers/rac/models.py RACProvider.
	rac := engineProvider("rac", "providers/rac/", "authentik_providers_rac.racprovider", "RACProviderRequest",
		map[string]string{"authentication_flow": "flow", "authorization_flow": "flow"},
		map[string]any{"authentication_flow": nil, "settings": map[string]any{}, "connection_expiry": "hours=8", "delete_token_on_disconnect": false})
	rac.Nulled = []string{"authentication_flow"}
	rac.Children = []Child{{Field: "endpoints", Kind: racEndpoint, Parent: "provider", By: "name"}}
	rac.Doc = "A RAC provider: remote desktop (RDP, VNC, SSH) in the browser, through a RAC outpost."
	Register(radius, scim, rac,
		// Provider property mappings (PropertyMappingSerializer's
		// validate_expression compiles the expression).
		// providers/saml/models.py SAMLPropertyMapping: saml_name is the
		// attribute's name in the assertion.
		providerMapping("provider_saml", "propertymappings/provider/saml/", "authentik_providers_saml.samlpropertymapping", "SAMLPropertyMappingRequest",
			map[string]any{"friendly_name": nil}),
		// providers/radius/models.py RadiusProviderPropertyMapping
		providerMapping("provider_radius", "propertymappings/provider/radius/", "authentik_providers_radius.radiusproviderpropertymapping", "RadiusProviderPropertyMappingRequest", nil),
		// providers/scim/models.py SCIMMapping
		providerMapping("provider_scim", "propertymappings/provider/scim/", "authentik_providers_scim.scimmapping", "SCIMMappingRequest", nil),
		racMapping(),
	)
}

// providerMapping is a provider property mapping: Python whose result a
// provider sends (a SAML attribute, RADIUS attributes, a SCIM user or
// group), in the property_mappings: section sources' mappings share.
func providerMapping(typ, path, model, schema string, defaults map[string]any) *Kind {
	k := sourceMapping(typ, path, model, schema)
	k.Defaults = defaults
	k.Docs = map[string]string{"expression": "Python returning what the provider sends: a SAML attribute's value, RADIUS attributes, or a SCIM user's or group's fields."}
	k.Doc = "A provider property mapping: Python computing what a SAML, RADIUS or SCIM provider sends."
	return k
}

func mergeRefs(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// racMapping is a RAC provider property mapping (providers/rac/models.py
// RACPropertyMapping, api/property_mappings.py
// RACPropertyMappingSerializer): static_settings (a mapping of Guacamole
// connection settings, required) merged with what the optional expression
// returns, for a RAC provider's or endpoint's property_mappings.
func racMapping() *Kind {
	k := providerMapping("provider_rac", "propertymappings/provider/rac/", "authentik_providers_rac.racpropertymapping", "RACPropertyMappingRequest",
		// PropertyMapping.expression has no default; the serializer's
		// CharField(required=False) leaves it "" (not compiled).
		// static_settings has no default here: the serializer requires it
		// on create, so export always writes it.
		map[string]any{"expression": ""})
	k.Docs = map[string]string{
		"expression":      "Python returning connection settings merged over static_settings (optional: empty is not run).",
		"static_settings": "Guacamole connection settings for the RAC endpoints using the mapping (e.g. {resize-method: display-update}); empty values are dropped.",
	}
	k.Doc = "A RAC provider property mapping: connection settings a RAC provider or endpoint applies."
	return k
}
