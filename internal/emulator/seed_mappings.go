package emulator

import (
	"crypto/sha256"
	"fmt"
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
type otherMapping struct {
	PK         string
	Managed    *string
	Name       string
	Expression string
	typ        *mappingType
}

// seedOtherMappings creates the managed mappings of those types. Blueprints
// go through the serializer, whose CharField trims the block scalars'
// trailing newline; the RAC mappings set only static_settings, so their
// expression is "". Their pks are derived from the managed key, not drawn
// from the emulator's random source, so seeding them moves no other pk.
func (e *Emulator) seedOtherMappings() {
	for _, m := range []struct {
		typ                 *mappingType
		managed, name, expr string
	}{
		// blueprints/system/sources-ldap.yaml
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/default-dn-path", "authentik default LDAP Mapping: DN to User Path",
			"path_elements = []\nfor pair in dn.split(\",\"):\n    attr, _, value = pair.partition(\"=\")\n    # Ignore elements from the Root DSE and the canonical name of the object\n    if attr.lower() in [\"cn\", \"dc\"]:\n        continue\n    path_elements.append(value)\npath_elements.reverse()\n\npath = source.get_user_path()\nif len(path_elements) > 0:\n    path = f\"{path}/{'/'.join(path_elements)}\"\nreturn {\n    \"path\": path\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/default-name", "authentik default LDAP Mapping: Name",
			"return {\n    \"name\": ldap.get(\"name\"),\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/default-mail", "authentik default LDAP Mapping: mail",
			"return {\n    \"email\": ldap.get(\"mail\"),\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/ms-samaccountname", "authentik default Active Directory Mapping: sAMAccountName",
			"return {\n    \"username\": ldap.get(\"sAMAccountName\"),\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/ms-userprincipalname", "authentik default Active Directory Mapping: userPrincipalName",
			"return {\n    \"attributes\": {\n        \"upn\": list_flatten(ldap.get(\"userPrincipalName\")),\n    },\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/ms-givenName", "authentik default Active Directory Mapping: givenName",
			"return {\n    \"attributes\": {\n        \"givenName\": list_flatten(ldap.get(\"givenName\")),\n    },\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/ms-sn", "authentik default Active Directory Mapping: sn",
			"return {\n    \"attributes\": {\n        \"sn\": list_flatten(ldap.get(\"sn\")),\n    },\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/openldap-uid", "authentik default OpenLDAP Mapping: uid",
			"return {\n    \"username\": ldap.get(\"uid\"),\n}"},
		{&ldapsourceMappingType, "goauthentik.io/sources/ldap/openldap-cn", "authentik default OpenLDAP Mapping: cn",
			"return {\n    \"name\": ldap.get(\"cn\"),\n}"},
		// blueprints/system/sources-kerberos.yaml
		{&kerberossourceMappingType, "goauthentik.io/sources/kerberos/user/default/multipart-principals-as-service-accounts", "authentik default Kerberos User Mapping: Multipart principals as service accounts",
			"from authentik.core.models import USER_PATH_SERVICE_ACCOUNT, UserTypes\n\nlocalpart, _ = principal.rsplit(\"@\", 1)\nis_service_account = \"/\" in localpart\nattrs = {}\nif is_service_account:\n    attrs = {\n        \"type\": UserTypes.SERVICE_ACCOUNT,\n        \"path\": USER_PATH_SERVICE_ACCOUNT,\n    }\nreturn attrs"},
		{&kerberossourceMappingType, "goauthentik.io/sources/kerberos/user/default/ignore-other-realms", "authentik default Kerberos User Mapping: Ignore other realms",
			"localpart, realm = principal.rsplit(\"@\", 1)\nif realm.upper() != source.realm.upper():\n    raise SkipObject\nreturn {}"},
		{&kerberossourceMappingType, "goauthentik.io/sources/kerberos/user/default/ignore-system-principals", "authentik default Kerberos User Mapping: Ignore system principals",
			"localpart, realm = principal.rsplit(\"@\", 1)\ndenied_prefixes = [\"kadmin/\", \"krbtgt/\", \"K/M\", \"WELLKNOWN/\", \"kiprop/\", \"changepw/\"]\nfor prefix in denied_prefixes:\n    if localpart.lower().startswith(prefix.lower()):\n        raise SkipObject\nreturn {}"},
		{&kerberossourceMappingType, "goauthentik.io/sources/kerberos/user/realm-as-group", "authentik default Kerberos User Mapping: Add realm as group",
			"localpart, realm = principal.rsplit(\"@\", 1)\nreturn {\n    \"groups\": [realm.upper()]\n}"},
		// blueprints/system/providers-rac.yaml
		{&racMappingType, "goauthentik.io/providers/rac/rdp-default", "authentik default RAC Mapping: RDP Default settings",
			""},
		{&racMappingType, "goauthentik.io/providers/rac/rdp-high-fidelity", "authentik default RAC Mapping: RDP High Fidelity",
			""},
		{&racMappingType, "goauthentik.io/providers/rac/ssh-default", "authentik default RAC Mapping: SSH Default settings",
			""},
		// blueprints/system/providers-scim.yaml
		{&scimMappingType, "goauthentik.io/providers/scim/user", "authentik default SCIM Mapping: User",
			"# Some implementations require givenName and familyName to be set\ngivenName, familyName = request.user.name, \" \"\nformatted = request.user.name + \" \"\n# This default sets givenName to the name before the first space\n# and the remainder as family name\n# if the user's name has no space the givenName is the entire name\n# (this might cause issues with some SCIM implementations)\nif \" \" in request.user.name:\n    givenName, _, familyName = request.user.name.partition(\" \")\n    formatted = request.user.name\n\n# photos supports URLs to images, however authentik might return data URIs\navatar = request.user.avatar\nphotos = None\nif \"://\" in avatar:\n    photos = [{\"value\": avatar, \"type\": \"photo\"}]\n\nlocale = request.user.locale()\nif locale == \"\":\n    locale = None\n\nemails = []\nif request.user.email != \"\":\n    emails = [{\n        \"value\": request.user.email,\n        \"type\": \"other\",\n        \"primary\": True,\n    }]\nreturn {\n    \"userName\": request.user.username,\n    \"name\": {\n        \"formatted\": formatted,\n        \"givenName\": givenName,\n        \"familyName\": familyName,\n    },\n    \"displayName\": request.user.name,\n    \"photos\": photos,\n    \"locale\": locale,\n    \"active\": request.user.is_active,\n    \"emails\": emails,\n}"},
		{&scimMappingType, "goauthentik.io/providers/scim/group", "authentik default SCIM Mapping: Group",
			"return {\n    \"displayName\": group.name,\n}"},
		// blueprints/system/providers-google-workspace.yaml
		{&googleworkspaceMappingType, "goauthentik.io/providers/google_workspace/user", "authentik default Google Workspace Mapping: User",
			"# Field reference:\n# https://developers.google.com/admin-sdk/directory/reference/rest/v1/users#User\n# Google require givenName and familyName to be set\ngivenName, familyName = request.user.name, \" \"\nformatted = request.user.name + \" \"\n# This default sets givenName to the name before the first space\n# and the remainder as family name\n# if the user's name has no space the givenName is the entire name\nif \" \" in request.user.name:\n    givenName, _, familyName = request.user.name.partition(\" \")\n    formatted = request.user.name\nuser = {\n    \"name\": {\n        \"fullName\": formatted,\n        \"familyName\": familyName.strip(),\n        \"givenName\": givenName.strip(),\n        \"displayName\": formatted,\n    },\n    \"suspended\": not request.user.is_active,\n}\nif not connection:\n    user[\"password\"] = request.user.password\nreturn user"},
		{&googleworkspaceMappingType, "goauthentik.io/providers/google_workspace/group", "authentik default Google Workspace Mapping: Group",
			"# Field reference:\n# https://developers.google.com/admin-sdk/directory/reference/rest/v1/groups#Group\nreturn {\n    \"name\": group.name,\n}"},
		// blueprints/system/providers-microsoft-entra.yaml
		{&microsoftentraMappingType, "goauthentik.io/providers/microsoft_entra/user", "authentik default Microsoft Entra Mapping: User",
			"# Field reference: (note that keys have to converted to snake_case)\n# https://learn.microsoft.com/en-us/graph/api/resources/user?view=graph-rest-1.0\nfrom msgraph.generated.models.password_profile import PasswordProfile\n\nuser = {\n    \"display_name\": request.user.name,\n    \"account_enabled\": request.user.is_active,\n    \"mail_nickname\": request.user.username,\n    \"user_principal_name\": request.user.email,\n}\nif connection:\n    # If there is a connection already made (discover or update), we can use\n    # that connection's immutable_id...\n    user[\"on_premises_immutable_id\"] = connection.attributes.get(\"on_premises_immutable_id\")\nelse:\n    user[\"password_profile\"] = PasswordProfile(\n        password=request.user.password\n    )\n    # ...otherwise we set an immutable ID based on the user's UID\n    user[\"on_premises_immutable_id\"] = request.user.uid\nreturn user"},
		{&microsoftentraMappingType, "goauthentik.io/providers/microsoft_entra/group", "authentik default Microsoft Entra Mapping: Group",
			"# Field reference: (note that keys have to converted to snake_case)\n# https://learn.microsoft.com/en-us/graph/api/group-post-groups?view=graph-rest-1.0&tabs=http#request-body\nreturn {\n    \"display_name\": group.name,\n    \"mail_enabled\": False,\n    \"security_enabled\": True,\n    \"mail_nickname\": slugify(group.name),\n}"},
	} {
		sum := sha256.Sum256([]byte("emulator seed: " + m.managed))
		sum[6] = sum[6]&0x0f | 0x40
		sum[8] = sum[8]&0x3f | 0x80
		pk := fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
		e.st.otherMappings = append(e.st.otherMappings, &otherMapping{PK: pk, Managed: strPtr(m.managed),
			Name: m.name, Expression: m.expr, typ: m.typ})
	}
}
