package kinds

// Sources: one sources: section, type: picks the source type. Sources are
// keyed by slug, unique across every type (one Source table,
// authentik/core/models.py Source.slug unique=True), and addressed by slug
// (SourceViewSet and each type's viewset: lookup_field = "slug"). A source
// is a PolicyBindingModel (its pk is its pbm_uuid), so it takes
// policies: like a flow. Defaults are the models' field defaults.
func source(typ, path, model, schema string, refs map[string]string, defaults map[string]any) *Kind {
	r := map[string]string{"authentication_flow": "flow", "enrollment_flow": "flow",
		"user_property_mappings": "property mapping", "group_property_mappings": "property mapping"}
	for k, v := range refs {
		r[k] = v
	}
	// authentik/core/models.py Source.
	d := map[string]any{"enabled": true, "promoted": false, "policy_engine_mode": "any", "user_matching_mode": "identifier",
		"user_path_template": "goauthentik.io/sources/%(slug)s", "icon": "", "authentication_flow": nil, "enrollment_flow": nil}
	for k, v := range defaults {
		d[k] = v
	}
	return &Kind{Name: "source", Section: "sources", Type: typ, Path: path, AllPath: "sources/all/", AllModel: "authentik_core.source", Model: model,
		Schema: schema, Key: "slug", PK: "pk", URLKey: true, Refs: r, Defaults: d, Managed: "managed",
		Children: []Child{policies}}
}

// sourceMapping is a source property mapping: Python whose returned dict
// sets the user's or group's properties when the source syncs or logs one
// in (authentik/core/api/property_mappings.py PropertyMappingSerializer:
// validate_expression compiles it). Mapping names are unique across every
// type (one PropertyMapping table), so references name a "property
// mapping"; authentik's own (managed) ones are never modified or deleted.
func sourceMapping(typ, path, model, schema string) *Kind {
	return &Kind{Name: "property mapping", Section: "property_mappings", Type: typ, Path: path, AllPath: "propertymappings/all/", AllModel: "authentik_core.propertymapping",
		Model: model, Schema: schema, Key: "name", PK: "pk", Omit: []string{"managed"}, Managed: "managed",
		Code: []string{"expression"}, Python: []string{"expression"},
		Docs: map[string]string{"expression": "Python returning a dict of the user's (or group's) properties, e.g. return {\"username\": info.get(\"login\")}."},
		Doc:  "A source property mapping: Python mapping what the source sends to a user's or group's properties."}
}

func init() {
	// sources/oauth/models.py OAuthSource. OAuthSourceSerializer.validate
	// refuses a type without built-in URLs when authorization_url,
	// access_token_url or profile_url is not in the body: every write
	// carries the three.
	oauth := source("oauth", "sources/oauth/", "authentik_sources_oauth.oauthsource", "OAuthSourceRequest", nil,
		map[string]any{"group_matching_mode": "identifier", "additional_scopes": "", "oidc_well_known_url": "",
			"oidc_jwks_url": "", "oidc_jwks": map[string]any{}, "pkce": "none", "authorization_code_auth_method": "basic_auth",
			"request_token_url": nil, "authorization_url": nil, "access_token_url": nil, "profile_url": nil})
	oauth.SendAlways = []string{"authorization_url", "access_token_url", "profile_url"}
	oauth.SensitiveOnly = []string{"consumer_secret"}
	oauth.Doc = "An OAuth or OpenID Connect source: log in with GitHub, Google, Entra ID, Discord or any OIDC provider."
	// sources/ldap/models.py LDAPSource (and lib/sync/incoming/models.py).
	// LDAPSourceSerializer.validate reads sync_users with
	// user_property_mappings (and sync_groups with
	// group_property_mappings) from the body: they travel together.
	ldap := source("ldap", "sources/ldap/", "authentik_sources_ldap.ldapsource", "LDAPSourceRequest",
		map[string]string{"sync_parent_group": "group"},
		map[string]any{"bind_cn": "", "start_tls": false, "sni": false, "additional_user_dn": "", "additional_group_dn": "",
			"user_object_filter": "(objectClass=person)", "group_object_filter": "(objectClass=group)",
			"group_membership_field": "member", "user_membership_attribute": "distinguishedName",
			"object_uniqueness_field": "objectSid", "password_login_update_internal_password": false,
			"sync_users": true, "sync_users_password": true, "sync_groups": true, "sync_parent_group": nil,
			"lookup_groups_from_user": false, "delete_not_found_objects": false, "sync_outgoing_trigger_mode": "deferred_end"})
	ldap.SendTogether = [][]string{{"sync_users", "user_property_mappings"}, {"sync_groups", "group_property_mappings"}}
	ldap.SensitiveOnly = []string{"bind_password"}
	ldap.Doc = "An LDAP source: users and groups synced from a directory, and password logins checked against it."
	// sources/saml/models.py SAMLSource.
	saml := source("saml", "sources/saml/", "authentik_sources_saml.samlsource", "SAMLSourceRequest",
		map[string]string{"pre_authentication_flow": "flow"},
		map[string]any{"group_matching_mode": "identifier", "slo_url": nil, "allow_idp_initiated": false,
			"name_id_policy": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "binding_type": "REDIRECT",
			"digest_algorithm":            "http://www.w3.org/2001/04/xmlenc#sha256",
			"signature_algorithm":         "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
			"temporary_user_delete_after": "days=1", "signed_assertion": true, "signed_response": false})
	saml.Doc = "A SAML source: log in through a SAML identity provider."
	// sources/plex/models.py PlexSource (client_id defaults to a
	// generated id: left to authentik). PlexSourceSerializer has no
	// validate(); plex_token is in its answers: compared through a digest.
	plex := source("plex", "sources/plex/", "authentik_sources_plex.plexsource", "PlexSourceRequest", nil,
		map[string]any{"group_matching_mode": "identifier", "allowed_servers": []any{}, "allow_friends": true})
	plex.SensitiveOnly = []string{"plex_token"}
	plex.Docs = map[string]string{"plex_token": "The Plex token used to check friends, from a sensitive variable only. authentik shows it in its answers; provision never prints or exports it, and rotates it when the variable changes."}
	plex.Doc = "A Plex source: log in with a plex.tv account, limited to members of the allowed servers (or friends)."
	// sources/kerberos/models.py KerberosSource (and lib/sync/incoming/
	// models.py). KerberosSourceSerializer has no validate(); realm is
	// unique across Kerberos sources (KerberosSource.realm unique=True).
	kerberos := source("kerberos", "sources/kerberos/", "authentik_sources_kerberos.kerberossource", "KerberosSourceRequest", nil,
		map[string]any{"group_matching_mode": "identifier", "krb5_conf": "", "kadmin_type": "MIT", "sync_users": false,
			"sync_users_password": true, "sync_principal": "", "sync_ccache": "", "spnego_server_name": "", "spnego_ccache": "",
			"password_login_update_internal_password": false, "sync_outgoing_trigger_mode": "deferred_end"})
	kerberos.SensitiveOnly = []string{"sync_password", "sync_keytab", "spnego_keytab"}
	kerberos.Unique = append(kerberos.Unique, "realm")
	kerberos.Check = func(_ string, fields map[string]any, _ bool) []Problem {
		// schema.yml of the API module still lists "other", which
		// 2026.2.2 removed (sources/kerberos/models.py KAdminType).
		if fields["kadmin_type"] == "other" {
			return []Problem{{Field: "kadmin_type", Msg: "kadmin_type other was removed before authentik 2026.2.2, which knows only MIT and Heimdal; use one of those"}}
		}
		return nil
	}
	kerberos.Docs = map[string]string{"kadmin_type": "The kadmin server type: MIT or Heimdal (\"other\", which the API's schema still lists, was removed before authentik 2026.2.2)."}
	kerberos.Doc = "A Kerberos source: password and SPNEGO logins checked against a Kerberos realm, users synced through kadmin."
	// sources/scim/models.py SCIMSource: SCIMSourceSerializer's fields are
	// name, slug, enabled, the two mapping lists and user_path_template
	// only. authentik creates its service account and API token
	// (sources/scim/signals.py scim_source_post_save: the token
	// "ak-source-scim-<pk>", one of authentik's own, managed
	// goauthentik.io/sources/scim/<pk>), deleted with the source.
	scim := source("scim", "sources/scim/", "authentik_sources_scim.scimsource", "SCIMSourceRequest", nil, nil)
	for _, f := range []string{"authentication_flow", "enrollment_flow"} {
		delete(scim.Refs, f)
	}
	for _, f := range []string{"promoted", "policy_engine_mode", "user_matching_mode", "icon", "authentication_flow", "enrollment_flow"} {
		delete(scim.Defaults, f)
	}
	scim.Outputs = []string{"scim"}
	scim.OutputsDoc = "A SCIM source's output holds SCIM_URL (the source's SCIM base URL, on authentik's public URL) and SCIM_TOKEN (the key of the token authentik made for the source, read by apply through view_key; plans never read it), what the system provisioning users needs."
	scim.Doc = "A SCIM source: another system provisions users and groups into authentik over SCIM; authentik creates its service account and token."
	// sources/telegram/models.py TelegramSource. TelegramSourceSerializer
	// has no validate(); bot_token is write-only.
	telegram := source("telegram", "sources/telegram/", "authentik_sources_telegram.telegramsource", "TelegramSourceRequest",
		map[string]string{"pre_authentication_flow": "flow"}, map[string]any{"request_message_access": false})
	telegram.SensitiveOnly = []string{"bot_token"}
	telegram.Doc = "A Telegram source: log in with Telegram through a bot."
	Register(oauth, ldap, saml, plex, kerberos, scim, telegram,
		// sources/plex/models.py PlexSourcePropertyMapping
		sourceMapping("source_plex", "propertymappings/source/plex/", "authentik_sources_plex.plexsourcepropertymapping", "PlexSourcePropertyMappingRequest"),
		// sources/kerberos/models.py KerberosSourcePropertyMapping
		sourceMapping("source_kerberos", "propertymappings/source/kerberos/", "authentik_sources_kerberos.kerberossourcepropertymapping", "KerberosSourcePropertyMappingRequest"),
		// sources/scim/models.py SCIMSourcePropertyMapping
		sourceMapping("source_scim", "propertymappings/source/scim/", "authentik_sources_scim.scimsourcepropertymapping", "SCIMSourcePropertyMappingRequest"),
		// sources/telegram/models.py TelegramSourcePropertyMapping
		sourceMapping("source_telegram", "propertymappings/source/telegram/", "authentik_sources_telegram.telegramsourcepropertymapping", "TelegramSourcePropertyMappingRequest"),
		// sources/oauth/models.py OAuthSourcePropertyMapping
		sourceMapping("source_oauth", "propertymappings/source/oauth/", "authentik_sources_oauth.oauthsourcepropertymapping", "OAuthSourcePropertyMappingRequest"),
		// sources/saml/models.py SAMLSourcePropertyMapping
		sourceMapping("source_saml", "propertymappings/source/saml/", "authentik_sources_saml.samlsourcepropertymapping", "SAMLSourcePropertyMappingRequest"),
		// sources/ldap/models.py LDAPSourcePropertyMapping
		sourceMapping("source_ldap", "propertymappings/source/ldap/", "authentik_sources_ldap.ldapsourcepropertymapping", "LDAPSourcePropertyMappingRequest"),
	)
}
