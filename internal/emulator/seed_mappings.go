package emulator

import (
	"strings"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/emulator/httpapi"
)

// The managed property mappings of a fresh install whose types the emulator
// does not otherwise serve (LDAP source, Kerberos source, RAC, SCIM,
// Google Workspace, Microsoft Entra), from authentik's
// blueprints/system/*.yaml at version/2026.2.2. They live in the one
// PropertyMapping table with the scope and SAML mappings, so their names
// and managed keys are taken for every mapping type, and they are listed
// by propertymappings/all/ (propertymappings.go). Their own endpoints
// (propertymappings/source/ldap/, …) are not served.

// mappingType is one PropertyMapping subclass as the base serializer
// renders it (component, verbose names, meta_model_name).
type mappingType struct {
	component, verbose, verbosePlural, model string
}

var (
	ldapsourceMappingType = mappingType{"ak-property-mapping-source-ldap-form", "LDAP Source Property Mapping",
		"LDAP Source Property Mappings", "authentik_sources_ldap.ldapsourcepropertymapping"}
	kerberossourceMappingType = mappingType{"ak-property-mapping-source-kerberos-form", "Kerberos Source Property Mapping",
		"Kerberos Source Property Mappings", "authentik_sources_kerberos.kerberossourcepropertymapping"}
	racMappingType = mappingType{"ak-property-mapping-provider-rac-form", "RAC Provider Property Mapping",
		"RAC Provider Property Mappings", "authentik_providers_rac.racpropertymapping"}
	scimMappingType = mappingType{"ak-property-mapping-provider-scim-form", "SCIM Provider Mapping",
		"SCIM Provider Mappings", "authentik_providers_scim.scimmapping"}
	googleworkspaceMappingType = mappingType{"ak-property-mapping-provider-google-workspace-form", "Google Workspace Provider Mapping",
		"Google Workspace Provider Mappings", "authentik_providers_google_workspace.googleworkspaceprovidermapping"}
	microsoftentraMappingType = mappingType{"ak-property-mapping-provider-microsoft-entra-form", "Microsoft Entra Provider Mapping",
		"Microsoft Entra Provider Mappings", "authentik_providers_microsoft_entra.microsoftentraprovidermapping"}
	scopeMappingType = mappingType{"ak-property-mapping-provider-scope-form", "Scope Mapping",
		"Scope Mappings", "authentik_providers_oauth2.scopemapping"}
	samlMappingType = mappingType{"ak-property-mapping-provider-saml-form", "SAML Provider Property Mapping",
		"SAML Provider Property Mappings", "authentik_providers_saml.samlpropertymapping"}
)

// otherMapping is a stored mapping of a type only seeded and listed.
// Source property mappings of the OAuth, SAML and LDAP types are served
// by the generic layer over this table (sources.go): Attrs holds name,
// expression and managed (a string or nil).
type otherMapping struct {
	PK    string
	Attrs map[string]any
	typ   *mappingType
}

func (m *otherMapping) name() string       { return httpapi.FmtVal(m.Attrs["name"]) }
func (m *otherMapping) expression() string { return httpapi.FmtVal(m.Attrs["expression"]) }
func (m *otherMapping) managed() *string {
	if s, ok := m.Attrs["managed"].(string); ok {
		return &s
	}
	return nil
}

// otherMappingModels are the mapping models seeded here, by blueprint model.
var otherMappingModels = []struct {
	model string
	typ   *mappingType
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
			e.st.otherMappings = append(e.st.otherMappings, &otherMapping{PK: derivedPK(managed), typ: m.typ,
				Attrs: map[string]any{"managed": managed, "name": strings.TrimSpace(name), "expression": strings.TrimSpace(expr)}})
		}
	}
}
