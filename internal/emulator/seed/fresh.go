package seed

import (
	"encoding/json"

	"github.com/provision/provision/internal/emulator/store"
)

// The objects of a fresh install that are data (authentik's system
// blueprints and migrations); each draws its pk from newUUID, in order, so
// the emulator's seeded pks stay as they were.

// ScopeMappings creates the managed scope mappings of
// blueprints/system/providers-oauth2.yaml and providers-proxy.yaml; the
// serializer trims the block scalars' trailing newline.
func ScopeMappings(st *store.State, newUUID func() string) {
	for _, m := range []struct{ managed, scope, name, desc, expr string }{
		{"goauthentik.io/providers/oauth2/scope-openid", "openid", "authentik default OAuth Mapping: OpenID 'openid'",
			"",
			"# This scope is required by the OpenID-spec, and must as such exist in authentik.\n# The scope by itself does not grant any information\nreturn {}"},
		{"goauthentik.io/providers/oauth2/scope-profile", "profile", "authentik default OAuth Mapping: OpenID 'profile'",
			"General Profile Information",
			"return {\n    # Because authentik only saves the user's full name, and has no concept of first and last names,\n    # the full name is used as given name.\n    # You can override this behaviour in custom mappings, i.e. `request.user.name.split(\" \")`\n    \"name\": request.user.name,\n    \"given_name\": request.user.name,\n    \"preferred_username\": request.user.username,\n    \"nickname\": request.user.username,\n    \"groups\": [group.name for group in request.user.groups.all()],\n}"},
		{"goauthentik.io/providers/oauth2/scope-email", "email", "authentik default OAuth Mapping: OpenID 'email'",
			"Email address",
			"return {\n    \"email\": request.user.email,\n    \"email_verified\": False\n}"},
		{"goauthentik.io/providers/oauth2/scope-entitlements", "entitlements", "authentik default OAuth Mapping: Application Entitlements",
			"Application entitlements",
			"entitlements = [entitlement.name for entitlement in request.user.app_entitlements(provider.application)]\nreturn {\n    \"entitlements\": entitlements,\n    \"roles\": entitlements,\n}"},
		{"goauthentik.io/providers/oauth2/scope-offline_access", "offline_access", "authentik default OAuth Mapping: OpenID 'offline_access'",
			"Access to request new tokens without interaction",
			"# This scope grants the application a refresh token that can be used to refresh user data\n# and let the application access authentik without the users interaction\nreturn {}"},
		{"goauthentik.io/providers/oauth2/scope-authentik_api", "goauthentik.io/api", "authentik default OAuth Mapping: authentik API access",
			"authentik API Access on behalf of your user",
			"# This scope grants the application the ability to access the authentik API\n# on behalf of the authorizing user\nreturn {}"},
		{"goauthentik.io/providers/proxy/scope-proxy", "ak_proxy", "authentik default OAuth Mapping: Proxy outpost",
			"authentik Proxy - User information",
			"# This mapping is used by the authentik proxy. It passes extra user attributes,\n# which are used for example for the HTTP-Basic Authentication mapping.\nreturn {\n    \"ak_proxy\": {\n        \"user_attributes\": request.user.group_attributes(request),\n        \"is_superuser\": request.user.is_superuser,\n    }\n}"},
	} {
		st.Mappings = append(st.Mappings, &store.Object{PK: newUUID(), Attrs: map[string]any{"managed": m.managed,
			"name": m.name, "scope_name": m.scope, "description": m.desc, "expression": m.expr}})
	}
}

// EmbeddedOutpost creates the embedded outpost of a fresh install,
// with its default config.
func EmbeddedOutpost(st *store.State, newUUID func() string) {
	st.Outposts = append(st.Outposts, &store.Outpost{PK: newUUID(), Attrs: map[string]any{
		"name": "authentik Embedded Outpost", "type": "proxy", "providers": []int32{}, "service_connection": nil,
		"managed": store.EmbeddedManaged, "config": json.RawMessage(`{"authentik_host":"","authentik_host_insecure":false,"authentik_host_browser":"","log_level":"info","object_naming_template":"ak-outpost-%(name)s","refresh_interval":"minutes=5","container_image":null,"docker_network":null,"docker_map_ports":true,"docker_labels":null,"kubernetes_replicas":1,"kubernetes_namespace":"default","kubernetes_ingress_annotations":{},"kubernetes_ingress_secret_name":"authentik-outpost-tls","kubernetes_ingress_class_name":null,"kubernetes_ingress_path_type":null,"kubernetes_httproute_annotations":{},"kubernetes_httproute_parent_refs":[],"kubernetes_service_type":"ClusterIP","kubernetes_disabled_components":[],"kubernetes_image_pull_secrets":[],"kubernetes_json_patches":null}`)}})
}

// SAMLMappings creates blueprints/system/providers-saml.yaml. Blueprints
// go through the serializer, so the block-scalar expressions lose their
// trailing newline (CharField trims). Each draws its pk from newUUID, in order.
func SAMLMappings(st *store.State, newUUID func() string) {
	for _, m := range []struct{ managed, name, samlName, expr string }{
		{"goauthentik.io/providers/saml/upn", "authentik default SAML Mapping: UPN",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
			"return request.user.attributes.get('upn', request.user.email)"},
		{"goauthentik.io/providers/saml/name", "authentik default SAML Mapping: Name",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "return request.user.name"},
		{"goauthentik.io/providers/saml/email", "authentik default SAML Mapping: Email",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "return request.user.email"},
		{"goauthentik.io/providers/saml/username", "authentik default SAML Mapping: Username",
			"http://schemas.goauthentik.io/2021/02/saml/username", "return request.user.username"},
		{"goauthentik.io/providers/saml/uid", "authentik default SAML Mapping: User ID",
			"http://schemas.goauthentik.io/2021/02/saml/uid", "return request.user.pk"},
		{"goauthentik.io/providers/saml/groups", "authentik default SAML Mapping: Groups",
			"http://schemas.xmlsoap.org/claims/Group", "for group in request.user.groups.all():\n    yield group.name"},
		{"goauthentik.io/providers/saml/ms-windowsaccountname", "authentik default SAML Mapping: WindowsAccountname (Username)",
			"http://schemas.microsoft.com/ws/2008/06/identity/claims/windowsaccountname", "return request.user.username"},
	} {
		st.SAMLMappings = append(st.SAMLMappings, &store.Object{PK: newUUID(), Attrs: map[string]any{
			"managed": m.managed, "name": m.name, "expression": m.expr, "saml_name": m.samlName, "friendly_name": nil,
		}})
	}
}
