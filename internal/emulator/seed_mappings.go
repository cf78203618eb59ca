package emulator

import (
	"strings"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/emulator/store"
)

// The managed property mappings of a fresh install whose types the emulator
// does not otherwise serve (LDAP source, Kerberos source, RAC, SCIM,
// Google Workspace, Microsoft Entra), from authentik's
// blueprints/system/*.yaml at version/2026.2.2. They live in the one
// PropertyMapping table with the scope and SAML mappings, so their names
// and managed keys are taken for every mapping type, and they are listed
// by propertymappings/all/ (propertymappings.go) and by their own
// endpoints where the emulator serves the type (sourceMappingTypes: LDAP,
// Kerberos, RAC, SCIM).

var (
	ldapsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-ldap-form", Verbose: "LDAP Source Property Mapping",
		VerbosePlural: "LDAP Source Property Mappings", Model: "authentik_sources_ldap.ldapsourcepropertymapping"}
	kerberossourceMappingType = store.MappingType{Component: "ak-property-mapping-source-kerberos-form", Verbose: "Kerberos Source Property Mapping",
		VerbosePlural: "Kerberos Source Property Mappings", Model: "authentik_sources_kerberos.kerberossourcepropertymapping"}
	racMappingType = store.MappingType{Component: "ak-property-mapping-provider-rac-form", Verbose: "RAC Provider Property Mapping",
		VerbosePlural: "RAC Provider Property Mappings", Model: "authentik_providers_rac.racpropertymapping"}
	radiusMappingType = store.MappingType{Component: "ak-property-mapping-provider-radius-form", Verbose: "Radius Provider Property Mapping",
		VerbosePlural: "Radius Provider Property Mappings", Model: "authentik_providers_radius.radiusproviderpropertymapping"}
	scimMappingType = store.MappingType{Component: "ak-property-mapping-provider-scim-form", Verbose: "SCIM Provider Mapping",
		VerbosePlural: "SCIM Provider Mappings", Model: "authentik_providers_scim.scimmapping"}
	googleworkspaceMappingType = store.MappingType{Component: "ak-property-mapping-provider-google-workspace-form", Verbose: "Google Workspace Provider Mapping",
		VerbosePlural: "Google Workspace Provider Mappings", Model: "authentik_providers_google_workspace.googleworkspaceprovidermapping"}
	microsoftentraMappingType = store.MappingType{Component: "ak-property-mapping-provider-microsoft-entra-form", Verbose: "Microsoft Entra Provider Mapping",
		VerbosePlural: "Microsoft Entra Provider Mappings", Model: "authentik_providers_microsoft_entra.microsoftentraprovidermapping"}
	scopeMappingType = store.MappingType{Component: "ak-property-mapping-provider-scope-form", Verbose: "Scope Mapping",
		VerbosePlural: "Scope Mappings", Model: "authentik_providers_oauth2.scopemapping"}
	samlMappingType = store.MappingType{Component: "ak-property-mapping-provider-saml-form", Verbose: "SAML Provider Property Mapping",
		VerbosePlural: "SAML Provider Property Mappings", Model: "authentik_providers_saml.samlpropertymapping"}
)

// otherMappingModels are the mapping models seeded here, by blueprint model.
var otherMappingModels = []struct {
	model string
	typ   *store.MappingType
}{
	{"authentik_sources_ldap.ldapsourcepropertymapping", &ldapsourceMappingType},
	{"authentik_sources_kerberos.kerberossourcepropertymapping", &kerberossourceMappingType},
	{"authentik_providers_rac.racpropertymapping", &racMappingType},
	{"authentik_providers_scim.scimmapping", &scimMappingType},
	{"authentik_providers_google_workspace.googleworkspaceprovidermapping", &googleworkspaceMappingType},
	{"authentik_providers_microsoft_entra.microsoftentraprovidermapping", &microsoftentraMappingType},
}

// seedOtherMappings creates the managed mappings of those types from the
// system blueprints (akblueprints: blueprints/system/sources-ldap.yaml,
// sources-kerberos.yaml, providers-rac.yaml, providers-scim.yaml,
// providers-google-workspace.yaml, providers-microsoft-entra.yaml). The
// serializer's CharField trims the block scalars; the RAC mappings set only
// static_settings, so their expression is "". Their pks are derived from
// the managed key, not drawn from the emulator's random source, so seeding
// them moves no other pk.
func (e *Emulator) seedOtherMappings() {
	for _, m := range otherMappingModels {
		for _, en := range akblueprints.Entries(m.model) {
			managed, _ := en.Identifiers["managed"].(string)
			name, _ := en.Attrs["name"].(string)
			expr, _ := en.Attrs["expression"].(string)
			attrs := map[string]any{"managed": managed, "name": strings.TrimSpace(name), "expression": strings.TrimSpace(expr)}
			if m.typ == &racMappingType {
				// RACPropertyMapping.static_settings (default dict).
				settings, _ := en.Attrs["static_settings"].(map[string]any)
				if settings == nil {
					settings = map[string]any{}
				}
				attrs["static_settings"] = settings
			}
			e.st.OtherMappings = append(e.st.OtherMappings, &store.OtherMapping{PK: derivedPK(managed), Typ: m.typ, Attrs: attrs})
		}
	}
}
