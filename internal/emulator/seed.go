package emulator

import (
	"encoding/json"
	"fmt"

	"github.com/provision/provision/internal/emulator/store"
)

// seedDefaults creates what a fresh authentik 2026.2 has after its default
// and system blueprints ran. Called from New, before the emulator is shared.
func (e *Emulator) seedDefaults() {
	e.seedLegacyFlows()
	// blueprints/system/providers-oauth2.yaml and providers-proxy.yaml; the
	// serializer trims the block scalars' trailing newline.
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
		e.st.Mappings = append(e.st.Mappings, &store.Object{PK: e.newUUID(), Attrs: map[string]any{"managed": m.managed,
			"name": m.name, "scope_name": m.scope, "description": m.desc, "expression": m.expr}})
	}
	// authentik/crypto/apps.py: self_signed (365 days, a random SAN) and
	// managed_jwt_cert (360 days, SAN goauthentik.io).
	e.addKeypair("authentik Self-signed Certificate", "rsa", true, 365,
		[]string{e.randomString(40) + ".self-signed.goauthentik.io"})
	jwt := e.addKeypair("authentik Internal JWT Certificate", "rsa", true, 360, []string{"goauthentik.io"})
	jwt.Managed, jwt.Internal = store.StrPtr("goauthentik.io/crypto/jwt-managed"), true

	admin := e.addUser("akadmin", "authentik Default Admin")
	e.st.AdminPK = admin.PK
	e.addGroup("authentik Admins", true, admin.PK)

	defer e.seedBlueprints()   // flows, stages, prompts, bindings (seedblueprints.go)
	defer e.seedSAMLMappings() // last, so the pks seeded before stay as they were
	e.st.Outposts = append(e.st.Outposts, &store.Outpost{PK: e.newUUID(), Attrs: map[string]any{
		"name": "authentik Embedded Outpost", "type": "proxy", "providers": []int32{}, "service_connection": nil,
		"managed": store.EmbeddedManaged, "config": json.RawMessage(`{"authentik_host":"","authentik_host_insecure":false,"authentik_host_browser":"","log_level":"info","object_naming_template":"ak-outpost-%(name)s","refresh_interval":"minutes=5","container_image":null,"docker_network":null,"docker_map_ports":true,"docker_labels":null,"kubernetes_replicas":1,"kubernetes_namespace":"default","kubernetes_ingress_annotations":{},"kubernetes_ingress_secret_name":"authentik-outpost-tls","kubernetes_ingress_class_name":null,"kubernetes_ingress_path_type":null,"kubernetes_httproute_annotations":{},"kubernetes_httproute_parent_refs":[],"kubernetes_service_type":"ClusterIP","kubernetes_disabled_components":[],"kubernetes_image_pull_secrets":[],"kubernetes_json_patches":null}`)}})
}

// SeedSynthetic adds n applications "app-0001".. each with an OAuth2
// provider "provider-0001".., and n groups "group-0001"...
func (e *Emulator) SeedSynthetic(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := 1; i <= n; i++ {
		e.seedApp(fmt.Sprintf("%04d", i), nil, nil)
	}
}

// SeedScale adds n applications, each with what provision would create for
// it: an OAuth2 provider, a group and a policy binding of that group to the
// application (4n objects; n=2500 makes a 10,000-object instance). Names are
// "app-00001", "provider-00001", "group-00001". The providers carry what
// provision sets by default (the openid, email and profile scopes, signed
// with the self-signed key pair), so a manifest declaring them plans no
// change.
func (e *Emulator) SeedScale(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var scopes []string
	for _, m := range e.st.Mappings {
		if sn := m.Attrs["scope_name"]; m.Attrs["managed"] != nil && (sn == "openid" || sn == "email" || sn == "profile") {
			scopes = append(scopes, m.PK)
		}
	}
	var signing *string
	for _, k := range e.st.Keypairs {
		if k.Name == "authentik Self-signed Certificate" {
			signing = store.StrPtr(k.PK)
		}
	}
	for i := 1; i <= n; i++ {
		a, g := e.seedApp(fmt.Sprintf("%05d", i), scopes, signing)
		e.st.Bindings = append(e.st.Bindings, &store.Binding{PK: e.newUUID(), Target: a.PK, Attrs: map[string]any{
			"policy": nil, "group": g.PK, "user": nil, "negate": false, "enabled": true, "order": int64(0),
			"timeout": int64(30), "failure_result": false}})
	}
}

// seedApp adds application "app-<num>" with OAuth2 provider
// "provider-<num>" (the default flows, redirect URI
// https://app-<num>.example.com/callback, the given scope mappings and
// signing key) and group "group-<num>".
func (e *Emulator) seedApp(num string, scopes []string, signing *string) (*store.Application, *store.Group) {
	p := e.newOAuth2Defaults()
	p.PropertyMappings = append(p.PropertyMappings, scopes...)
	if signing != nil {
		p.Attrs["signing_key"] = *signing
	}
	p.Name = "provider-" + num
	p.AuthorizationFlow = e.st.FlowBySlug("default-provider-authorization-implicit-consent").PK
	p.InvalidationFlow = store.StrPtr(e.st.FlowBySlug("default-provider-invalidation-flow").PK)
	p.Attrs["redirect_uris"] = []store.RedirectURI{{MatchingMode: "strict", URL: "https://app-" + num + ".example.com/callback"}}
	e.insertProvider(p)
	pk := p.PK
	a := &store.Application{PK: e.newUUID(), Attrs: map[string]any{"name": "app-" + num, "slug": "app-" + num,
		"provider": int64(pk), "open_in_new_tab": false, "meta_launch_url": "", "meta_icon": "",
		"meta_description": "", "meta_publisher": "", "policy_engine_mode": "any", "group": ""}}
	e.st.Apps = append(e.st.Apps, a)
	return a, e.addGroup("group-"+num, false)
}
