package emulator

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/protocol"
	"github.com/provision/provision/internal/emulator/store"
	"github.com/provision/provision/internal/pyexpr"
)

// Sources: one Source table (authentik/core/models.py Source: slug unique
// across every type; a PolicyBindingModel, its pk is its pbm_uuid) with a
// subclass per type, each served by the generic layer from its
// serializer's fields (authentik/core/api/sources.py SourceSerializer, and
// sources/oauth/api/source.py, sources/ldap/api.py, sources/saml/api/
// source.py at version/2026.2.2; defaults from each models.py). Every
// viewset looks sources up by slug. /sources/all/ is SourceViewSet (list,
// retrieve, delete). The source property mappings of those three types are
// generic kinds too, stored with the other seeded mapping types
// (seed_mappings.go).

type sourceType struct {
	typ, prefix, model, component, verbose string
	// base are the SourceSerializer fields the type's serializer keeps
	// (SCIMSourceSerializer lists its own); nil means all of them.
	base   []fieldDef
	fields []fieldDef
	// fresh sets a new object's generated defaults (a Plex source's
	// client_id); saved is the model's post_save signal (a SCIM
	// source's service account and token), after create and update.
	fresh       func(e *Emulator, s *store.Source)
	saved       func(e *Emulator, s *store.Source)
	fieldChecks func(e *Emulator, f *httpapi.Form, s *store.Source)
	validate    func(e *Emulator, f *httpapi.Form, s *store.Source) *httpapi.Resp
	render      func(e *Emulator, c *httpapi.Call, s *store.Source, m map[string]any)
}

func (t *sourceType) baseFields() []fieldDef {
	if t.base != nil {
		return t.base
	}
	return sourceBaseFields
}

func (t *sourceType) metaModel() string {
	return "authentik_sources_" + t.typ + "." + strings.ToLower(t.model)
}

// sourceBaseFields are SourceSerializer's writable fields besides name and
// slug (read by readBase: slug is unique across every type).
var sourceBaseFields = []fieldDef{
	{name: "enabled", typ: ftBool, def: true, filter: "exact"},
	{name: "promoted", typ: ftBool, def: false},
	{name: "authentication_flow", typ: ftRef, ref: "flow"},
	{name: "enrollment_flow", typ: ftRef, ref: "flow"},
	// ManyToManyField("PropertyMapping", blank=True): any mapping type.
	{name: "user_property_mappings", typ: ftRefList, ref: "propertymapping", allowEmpty: true, def: []string{}},
	{name: "group_property_mappings", typ: ftRefList, ref: "propertymapping", allowEmpty: true, def: []string{}},
	{name: "policy_engine_mode", typ: ftChoice, choices: []string{"all", "any"}, def: "any"},
	{name: "user_matching_mode", typ: ftChoice, choices: []string{"identifier", "email_link", "email_deny", "username_link", "username_deny"}, def: "identifier"},
	{name: "user_path_template", typ: ftString, def: "goauthentik.io/sources/%(slug)s"},
	{name: "icon", typ: ftFile, blank: true, def: ""},
}

var groupMatchingMode = fieldDef{name: "group_matching_mode", typ: ftChoice, choices: []string{"identifier", "name_link", "name_deny"}, def: "identifier"}

// oauthSourceType is one entry of authentik's OAuth source type registry
// (authentik/sources/oauth/types/*.py, SourceType subclasses): its
// built-in URLs, None ("") where the source must set them.
type oauthSourceType struct {
	name, verbose                                                      string
	customizable                                                       bool
	requestToken, authorization, accessToken, profile, wellKnown, jwks *string
}

func u(s string) *string { return &s }

// oauthSourceTypes are registered in this order (ProviderTypeEnum).
var oauthSourceTypes = []oauthSourceType{
	{name: "apple", verbose: "Apple", authorization: u("https://appleid.apple.com/auth/authorize"), accessToken: u("https://appleid.apple.com/auth/token"), profile: u("")},
	{name: "openidconnect", verbose: "OpenID Connect", customizable: true},
	{name: "entraid", verbose: "Entra ID", customizable: true, authorization: u("https://login.microsoftonline.com/common/oauth2/v2.0/authorize"),
		accessToken: u("https://login.microsoftonline.com/common/oauth2/v2.0/token"), profile: u("https://graph.microsoft.com/v1.0/me"),
		jwks: u("https://login.microsoftonline.com/common/discovery/keys")},
	{name: "azuread", verbose: "Azure AD", customizable: true},
	{name: "discord", verbose: "Discord", authorization: u("https://discord.com/api/oauth2/authorize"), accessToken: u("https://discord.com/api/oauth2/token"), profile: u("https://discord.com/api/users/@me")},
	{name: "facebook", verbose: "Facebook", authorization: u("https://www.facebook.com/v7.0/dialog/oauth"), accessToken: u("https://graph.facebook.com/v7.0/oauth/access_token"), profile: u("https://graph.facebook.com/v7.0/me?fields=id,name,email")},
	{name: "github", verbose: "GitHub", customizable: true, authorization: u("https://github.com/login/oauth/authorize"), accessToken: u("https://github.com/login/oauth/access_token"),
		profile: u("https://api.github.com/user"), wellKnown: u("https://token.actions.githubusercontent.com/.well-known/openid-configuration"),
		jwks: u("https://token.actions.githubusercontent.com/.well-known/jwks")},
	{name: "gitlab", verbose: "GitLab", customizable: true, authorization: u("https://gitlab.com/oauth/authorize"), accessToken: u("https://gitlab.com/oauth/token"),
		profile: u("https://gitlab.com/oauth/userinfo"), wellKnown: u("https://gitlab.com/.well-known/openid-configuration"), jwks: u("https://gitlab.com/oauth/discovery/keys")},
	{name: "google", verbose: "Google", authorization: u("https://accounts.google.com/o/oauth2/auth"), accessToken: u("https://oauth2.googleapis.com/token"),
		profile: u("https://www.googleapis.com/oauth2/v1/userinfo"), wellKnown: u("https://accounts.google.com/.well-known/openid-configuration"), jwks: u("https://www.googleapis.com/oauth2/v3/certs")},
	{name: "mailcow", verbose: "Mailcow", customizable: true},
	{name: "okta", verbose: "Okta", customizable: true},
	{name: "patreon", verbose: "Patreon", authorization: u("https://www.patreon.com/oauth2/authorize"), accessToken: u("https://www.patreon.com/api/oauth2/token"), profile: u("https://www.patreon.com/api/oauth2/api/current_user")},
	{name: "reddit", verbose: "Reddit", authorization: u("https://www.reddit.com/api/v1/authorize"), accessToken: u("https://www.reddit.com/api/v1/access_token"), profile: u("https://oauth.reddit.com/api/v1/me")},
	{name: "slack", verbose: "Slack", authorization: u("https://slack.com/oauth/v2/authorize"), accessToken: u("https://slack.com/api/oauth.v2.access"), profile: u("https://slack.com/api/openid.connect.userInfo")},
	{name: "twitch", verbose: "Twitch", authorization: u("https://id.twitch.tv/oauth2/authorize"), accessToken: u("https://id.twitch.tv/oauth2/token"), profile: u("https://id.twitch.tv/oauth2/userinfo")},
	{name: "twitter", verbose: "Twitter", authorization: u("https://twitter.com/i/oauth2/authorize"), accessToken: u("https://api.twitter.com/2/oauth2/token"), profile: u("https://api.twitter.com/2/users/me")},
	{name: "wechat", verbose: "WeChat", authorization: u("https://open.weixin.qq.com/connect/qrconnect"), accessToken: u("https://api.weixin.qq.com/sns/oauth2/access_token"), profile: u("https://api.weixin.qq.com/sns/userinfo")},
}

// findOAuthType is registry.find_type: an unknown name gives the default
// SourceType (no URLs).
func findOAuthType(name string) oauthSourceType {
	for _, t := range oauthSourceTypes {
		if t.name == name {
			return t
		}
	}
	return oauthSourceType{name: "default", verbose: "Default source type"}
}

func nullable(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

var sourceTypes = []*sourceType{
	{typ: "oauth", prefix: "sources/oauth/", model: "OAuthSource", component: "ak-source-oauth-form", verbose: "OAuth Source",
		fields: []fieldDef{
			groupMatchingMode,
			{name: "provider_type", typ: ftChoice, required: true, choices: func() []string {
				var out []string
				for _, t := range oauthSourceTypes {
					out = append(out, t.name)
				}
				return out
			}(), filter: "exact"},
			// extra_kwargs allow_blank on the four URLs; model null=True.
			{name: "request_token_url", typ: ftNullString},
			{name: "authorization_url", typ: ftNullString},
			{name: "access_token_url", typ: ftNullString},
			{name: "profile_url", typ: ftNullString},
			{name: "pkce", typ: ftChoice, choices: []string{"none", "plain", "S256"}, def: "none"},
			{name: "consumer_key", typ: ftString, required: true, filter: "exact"},
			{name: "consumer_secret", typ: ftString, required: true, writeOnly: true},
			{name: "additional_scopes", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "oidc_well_known_url", typ: ftString, blank: true, def: ""},
			{name: "oidc_jwks_url", typ: ftString, blank: true, def: ""},
			{name: "oidc_jwks", typ: ftObject, def: json.RawMessage(`{}`)},
			{name: "authorization_code_auth_method", typ: ftChoice, choices: []string{"basic_auth", "post_body"}, def: "basic_auth"},
		},
		// OAuthSourceSerializer.validate: provider_type from the body or
		// the instance; a type without a built-in URL needs it in the
		// body. The well-known and JWKS documents are not fetched
		// (FIDELITY.md); the JWKS URL is stored as validate() stores it.
		validate: func(e *Emulator, f *httpapi.Form, s *store.Source) *httpapi.Resp {
			st := findOAuthType(httpapi.FmtVal(s.Attrs["provider_type"]))
			var jwks string
			_ = decodeRaw(f, "oidc_jwks_url", &jwks)
			if jwks == "" && st.jwks != nil {
				jwks = *st.jwks
			}
			if jwks != "" {
				s.Attrs["oidc_jwks_url"] = jwks
			}
			for _, url := range []struct {
				name string
				def  *string
			}{{"authorization_url", st.authorization}, {"access_token_url", st.accessToken}, {"profile_url", st.profile}} {
				if url.def == nil && !f.Has(url.name) {
					r := httpapi.NonFieldError(fmt.Sprintf("%s is required for provider %s", url.name, st.verbose))
					return &r
				}
			}
			return nil
		},
		render: func(e *Emulator, c *httpapi.Call, s *store.Source, m map[string]any) {
			st := findOAuthType(httpapi.FmtVal(s.Attrs["provider_type"]))
			m["callback_url"] = "/source/oauth/callback/" + httpapi.FmtVal(s.Attrs["slug"]) + "/"
			if c != nil && c.R != nil {
				m["callback_url"] = protocol.BaseURL(c.R) + m["callback_url"].(string)
			}
			m["type"] = map[string]any{"name": st.name, "verbose_name": st.verbose, "urls_customizable": st.customizable,
				"request_token_url": nullable(st.requestToken), "authorization_url": nullable(st.authorization),
				"access_token_url": nullable(st.accessToken), "profile_url": nullable(st.profile),
				"oidc_well_known_url": nullable(st.wellKnown), "oidc_jwks_url": nullable(st.jwks)}
		}},
	{typ: "ldap", prefix: "sources/ldap/", model: "LDAPSource", component: "ak-source-ldap-form", verbose: "LDAP Source",
		fields: []fieldDef{
			{name: "server_uri", typ: ftString, required: true, filter: "exact"},
			{name: "peer_certificate", typ: ftKeypair, filter: "exact"},
			{name: "client_certificate", typ: ftKeypair, filter: "exact"},
			{name: "bind_cn", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "bind_password", typ: ftString, blank: true, def: "", writeOnly: true},
			{name: "start_tls", typ: ftBool, def: false, filter: "exact"},
			{name: "sni", typ: ftBool, def: false, filter: "exact"},
			{name: "base_dn", typ: ftString, required: true, filter: "exact"},
			{name: "additional_user_dn", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "additional_group_dn", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "user_object_filter", typ: ftString, def: "(objectClass=person)", filter: "exact"},
			{name: "group_object_filter", typ: ftString, def: "(objectClass=group)", filter: "exact"},
			{name: "group_membership_field", typ: ftString, def: "member", filter: "exact"},
			{name: "user_membership_attribute", typ: ftString, def: "distinguishedName", filter: "exact"},
			{name: "object_uniqueness_field", typ: ftString, def: "objectSid", filter: "exact"},
			{name: "password_login_update_internal_password", typ: ftBool, def: false, filter: "exact"},
			{name: "sync_users", typ: ftBool, def: true, filter: "exact"},
			{name: "sync_users_password", typ: ftBool, def: true, filter: "exact"},
			{name: "sync_groups", typ: ftBool, def: true, filter: "exact"},
			{name: "sync_parent_group", typ: ftRef, ref: "group", filter: "exact"},
			{name: "lookup_groups_from_user", typ: ftBool, def: false, filter: "exact"},
			{name: "delete_not_found_objects", typ: ftBool, def: false, filter: "exact"},
			{name: "sync_outgoing_trigger_mode", typ: ftChoice, choices: []string{"none", "immediate", "deferred_end"}, def: "deferred_end"},
		},
		fieldChecks: func(e *Emulator, f *httpapi.Form, s *store.Source) {
			// LDAPSource.server_uri: MultiURLValidator(schemes=["ldap", "ldaps"]),
			// each comma-separated URI.
			if uri, ok := s.Attrs["server_uri"].(string); ok && f.Has("server_uri") && f.Errs["server_uri"] == nil {
				for _, one := range strings.Split(uri, ",") {
					scheme, rest, ok := strings.Cut(strings.TrimSpace(one), "://")
					if !ok || rest == "" || (strings.ToLower(scheme) != "ldap" && strings.ToLower(scheme) != "ldaps") {
						f.Fail("server_uri", "Enter a valid URL.")
						break
					}
				}
			}
			// LDAPSourceSerializer.validate_sync_users_password: one source
			// with password synchronization.
			if on, _ := s.Attrs["sync_users_password"].(bool); on && f.Has("sync_users_password") {
				for _, o := range e.st.Sources {
					if o.Type == "ldap" && o.PK != s.PK && o.Attrs["sync_users_password"] == true {
						f.Fail("sync_users_password", "Only a single LDAP Source with password synchronization is allowed")
						break
					}
				}
			}
		},
		// LDAPSourceSerializer.validate: sync_<type>s and its mappings are
		// read from the body (attrs.get(..., False) / [])
		validate: func(e *Emulator, f *httpapi.Form, s *store.Source) *httpapi.Resp {
			for _, typ := range []string{"user", "group"} {
				var on bool
				var maps []any
				_ = decodeRaw(f, "sync_"+typ+"s", &on)
				_ = decodeRaw(f, typ+"_property_mappings", &maps)
				if on && len(maps) == 0 {
					r := httpapi.FieldError(typ+"_property_mappings", fmt.Sprintf("When 'Sync %ss' is enabled, '%ss property mappings' cannot be empty.", typ, typ))
					return &r
				}
			}
			return nil
		},
		render: func(e *Emulator, c *httpapi.Call, s *store.Source, m map[string]any) { m["connectivity"] = nil }},
	{typ: "saml", prefix: "sources/saml/", model: "SAMLSource", component: "ak-source-saml-form", verbose: "SAML Source",
		fields: []fieldDef{
			groupMatchingMode,
			{name: "pre_authentication_flow", typ: ftRef, ref: "flow", required: true, filter: "exact"},
			{name: "issuer", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "sso_url", typ: ftURL, required: true, filter: "exact"},
			{name: "slo_url", typ: ftNullString, filter: "exact"},
			{name: "allow_idp_initiated", typ: ftBool, def: false, filter: "exact"},
			{name: "name_id_policy", typ: ftChoice, choices: []string{"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
				"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
				"urn:oasis:names:tc:SAML:2.0:nameid-format:WindowsDomainQualifiedName", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
				"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"}, def: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", filter: "exact"},
			{name: "binding_type", typ: ftChoice, choices: []string{"REDIRECT", "POST", "POST_AUTO"}, def: "REDIRECT", filter: "exact"},
			{name: "verification_kp", typ: ftKeypair, filter: "exact"},
			{name: "signing_kp", typ: ftKeypair, filter: "exact"},
			{name: "digest_algorithm", typ: ftChoice, choices: []string{"http://www.w3.org/2000/09/xmldsig#sha1",
				"http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#sha384",
				"http://www.w3.org/2001/04/xmlenc#sha512"}, def: "http://www.w3.org/2001/04/xmlenc#sha256", filter: "exact"},
			{name: "signature_algorithm", typ: ftChoice, choices: []string{"http://www.w3.org/2000/09/xmldsig#rsa-sha1",
				"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
				"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
				"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
				"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "http://www.w3.org/2000/09/xmldsig#dsa-sha1"},
				def: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", filter: "exact"},
			{name: "temporary_user_delete_after", typ: ftDuration, def: "days=1", filter: "exact"},
			{name: "encryption_kp", typ: ftKeypair, filter: "exact"},
			{name: "signed_assertion", typ: ftBool, def: true},
			{name: "signed_response", typ: ftBool, def: false},
		},
		// SAMLSourceSerializer.validate reads the body only.
		validate: func(e *Emulator, f *httpapi.Form, s *store.Source) *httpapi.Resp {
			var kp *string
			var assertion, response bool
			_ = decodeRaw(f, "verification_kp", &kp)
			_ = decodeRaw(f, "signed_assertion", &assertion)
			_ = decodeRaw(f, "signed_response", &response)
			if kp != nil && *kp != "" && !assertion && !response {
				r := httpapi.NonFieldError("With a Verification Certificate selected, at least one of 'Verify Assertion Signature' or 'Verify Response Signature' must be selected.")
				return &r
			}
			return nil
		}},
	// sources/plex/api/source.py PlexSourceSerializer: no validate();
	// plex_token is a plain field (rendered). PlexSource.client_id
	// defaults to generate_id() (lib/generators.py: 40 letters and digits).
	{typ: "plex", prefix: "sources/plex/", model: "PlexSource", component: "ak-source-plex-form", verbose: "Plex Source",
		fields: []fieldDef{
			groupMatchingMode,
			{name: "client_id", typ: ftString, filter: "exact"},
			{name: "allowed_servers", typ: ftStrList, allowEmpty: true, def: []string{}},
			{name: "allow_friends", typ: ftBool, def: true, filter: "exact"},
			{name: "plex_token", typ: ftString, required: true},
		},
		fresh: func(e *Emulator, s *store.Source) { s.Attrs["client_id"] = e.randomString(40) }},
	// sources/kerberos/api/source.py KerberosSourceSerializer: no
	// validate(); the three credentials write_only (extra_kwargs);
	// connectivity is the cached status, None until a sync ran.
	{typ: "kerberos", prefix: "sources/kerberos/", model: "KerberosSource", component: "ak-source-kerberos-form", verbose: "Kerberos Source",
		fields: []fieldDef{
			groupMatchingMode,
			{name: "realm", typ: ftString, required: true, filter: "exact", unique: "Kerberos Source with this realm already exists."},
			{name: "krb5_conf", typ: ftString, blank: true, def: ""},
			{name: "kadmin_type", typ: ftChoice, choices: []string{"MIT", "Heimdal"}, def: "MIT", filter: "exact"},
			{name: "sync_users", typ: ftBool, def: false, filter: "exact"},
			{name: "sync_users_password", typ: ftBool, def: true, filter: "exact"},
			{name: "sync_principal", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "sync_password", typ: ftString, blank: true, def: "", writeOnly: true},
			{name: "sync_keytab", typ: ftString, blank: true, def: "", writeOnly: true},
			{name: "sync_ccache", typ: ftString, blank: true, def: ""},
			{name: "spnego_server_name", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "spnego_keytab", typ: ftString, blank: true, def: "", writeOnly: true},
			{name: "spnego_ccache", typ: ftString, blank: true, def: ""},
			{name: "password_login_update_internal_password", typ: ftBool, def: false, filter: "exact"},
			{name: "sync_outgoing_trigger_mode", typ: ftChoice, choices: []string{"none", "immediate", "deferred_end"}, def: "deferred_end"},
		},
		render: func(e *Emulator, c *httpapi.Call, s *store.Source, m map[string]any) { m["connectivity"] = nil }},
	// sources/scim/api/sources.py SCIMSourceSerializer: its own field
	// list (no flows, modes or icon), no validate(); root_url and the
	// token authentik creates (signals.py scim_source_post_save).
	{typ: "scim", prefix: "sources/scim/", model: "SCIMSource", component: "ak-source-scim-form", verbose: "SCIM Source",
		base:  pickFields(sourceBaseFields, "enabled", "user_property_mappings", "group_property_mappings", "user_path_template"),
		saved: (*Emulator).scimSourceSaved,
		render: func(e *Emulator, c *httpapi.Call, s *store.Source, m map[string]any) {
			delete(m, "icon_url")
			delete(m, "icon_themed_urls")
			m["root_url"] = "/source/scim/" + httpapi.FmtVal(s.Attrs["slug"]) + "/v2"
			if c != nil && c.R != nil {
				m["root_url"] = protocol.BaseURL(c.R) + m["root_url"].(string)
			}
			m["token_obj"] = nil
			if t := e.scimSourceToken(s); t != nil {
				m["token_obj"] = e.renderToken(t)
			}
		}},
	// sources/telegram/api/source.py TelegramSourceSerializer: no
	// validate(); bot_token write_only. pre_authentication_flow is
	// on_delete=CASCADE (store.sourcesOnFlowDelete).
	{typ: "telegram", prefix: "sources/telegram/", model: "TelegramSource", component: "ak-source-telegram-form", verbose: "Telegram Source",
		fields: []fieldDef{
			{name: "bot_username", typ: ftString, required: true, filter: "exact"},
			{name: "bot_token", typ: ftString, required: true, writeOnly: true},
			{name: "request_message_access", typ: ftBool, def: false, filter: "exact"},
			{name: "pre_authentication_flow", typ: ftRef, ref: "flow", required: true},
		}},
}

// scimSourceSaved is sources/scim/signals.py scim_source_post_save: the
// service account ak-source-scim-<pk> (an internal service account under
// goauthentik.io/sources/scim, named after the source on every save) and
// its API token of the same identifier, never expiring, managed
// goauthentik.io/sources/scim/<pk>. store.DeleteSource removes the
// account (scim_source_post_delete) and with it the token (CASCADE).
func (e *Emulator) scimSourceSaved(s *store.Source) {
	id := "ak-source-scim-" + s.PK
	name := fmt.Sprintf("SCIM Source %s Service-Account", httpapi.FmtVal(s.Attrs["name"]))
	var u *store.User
	for _, x := range e.st.Users {
		if x.Username == id {
			u = x
		}
	}
	if u == nil {
		u = e.addUser(id, name)
		u.Email = ""
	}
	u.Name, u.Type, u.Path = name, "internal_service_account", "goauthentik.io/sources/scim"
	managed := "goauthentik.io/sources/scim/" + s.PK
	for _, t := range e.st.Tokens {
		if t.Identifier == id {
			t.User, t.Intent, t.Expiring, t.Managed = u.PK, "api", false, &managed
			return
		}
	}
	e.st.Tokens = append(e.st.Tokens, &store.APIToken{PK: e.newUUID(), Identifier: id, Key: e.randomString(128),
		Intent: "api", User: u.PK, Expiring: false, Managed: &managed})
}

// scimSourceToken is SCIMSource.token, nil when there is none.
func (e *Emulator) scimSourceToken(s *store.Source) *store.APIToken {
	for _, t := range e.st.Tokens {
		if t.Identifier == "ak-source-scim-"+s.PK {
			return t
		}
	}
	return nil
}

// pickFields are the named fields of defs, in defs' order.
func pickFields(defs []fieldDef, names ...string) []fieldDef {
	var out []fieldDef
	for _, fd := range defs {
		if slices.Contains(names, fd.name) {
			out = append(out, fd)
		}
	}
	return out
}

var sourceTypeByName = map[string]*sourceType{}

func init() {
	for _, t := range sourceTypes {
		sourceTypeByName[t.typ] = t
	}
}

// kind builds the generic kind of a source type.
func (t *sourceType) kind() *kindDef[*store.Source] {
	return &kindDef[*store.Source]{
		kind: strings.ToLower(t.model), model: t.model, metaModel: t.metaModel(), prefix: t.prefix, keyID: true,
		fields: append(slices.Clone(t.baseFields()), t.fields...),
		list: httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.Exact("slug", "slug"), httpapi.IExact("pbm_uuid", "pk")},
			SearchFields: []string{"name", "slug"}, Order: []string{"name"}},
		all: func(e *Emulator) []*store.Source {
			var out []*store.Source
			for _, s := range e.st.Sources {
				if s.Type == t.typ {
					out = append(out, s)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.Source, bool) {
			s := e.st.SourceBySlug(id)
			return s, s != nil && s.Type == t.typ
		},
		fresh: func(e *Emulator) *store.Source {
			s := &store.Source{Type: t.typ, Attrs: map[string]any{"managed": nil}}
			// Every Source column holds its model default, those the
			// type's serializer leaves out too (SourceSerializer in
			// /sources/all/ renders them).
			for _, fd := range sourceBaseFields {
				s.Attrs[fd.name] = fd.def
			}
			if t.fresh != nil {
				t.fresh(e, s)
			}
			return s
		},
		clone: func(s *store.Source) *store.Source { n := *s; n.Attrs = cloneAttrs(s.Attrs); return &n },
		commit: func(e *Emulator, dst, src *store.Source) {
			*dst = *src
			if t.saved != nil {
				t.saved(e, dst)
			}
		},
		insert: func(e *Emulator, s *store.Source) {
			s.PK = e.newUUID()
			e.st.Sources = append(e.st.Sources, s)
			if t.saved != nil {
				t.saved(e, s)
			}
		},
		remove:      func(e *Emulator, s *store.Source) { e.st.DeleteSource(s) },
		attrs:       func(s *store.Source) map[string]any { return s.Attrs },
		key:         func(s *store.Source) string { return httpapi.FmtVal(s.Attrs["slug"]) },
		pk:          func(s *store.Source) string { return s.PK },
		urlID:       func(s *store.Source) string { return httpapi.FmtVal(s.Attrs["slug"]) },
		readBase:    func(e *Emulator, f *httpapi.Form, s *store.Source) { e.readSourceBase(f, s) },
		fieldChecks: t.fieldChecks,
		validate:    t.validate,
		render: func(e *Emulator, c *httpapi.Call, s *store.Source) map[string]any {
			m := e.renderSourceBase(s)
			if t.render != nil {
				t.render(e, c, s, m)
			}
			return m
		},
	}
}

// readSourceBase reads name and slug (Source.slug: validate_slug, unique
// across every type).
func (e *Emulator) readSourceBase(f *httpapi.Form, s *store.Source) {
	var name, slug string
	if f.Str("name", true, false, &name) {
		s.Attrs["name"] = name
	}
	if f.Str("slug", true, false, &slug) {
		if !slugRe.MatchString(slug) {
			f.Fail("slug", msgSlug)
			return
		}
		if o := e.st.SourceBySlug(slug); o != nil && o.PK != s.PK {
			f.Fail("slug", "source with this slug already exists.")
		}
		s.Attrs["slug"] = slug
	}
}

// renderSourceBase is SourceSerializer's read-only part, with name and
// slug (a built-in Source renders every base field from it too).
func (e *Emulator) renderSourceBase(s *store.Source) map[string]any {
	component, verbose, meta := "", "Source", "authentik_core.source"
	if t := sourceTypeByName[s.Type]; t != nil {
		component, verbose, meta = t.component, t.verbose, t.metaModel()
	}
	// Source.icon_url: the icon's URL, None without one; LDAPSource and
	// SAMLSource fall back to their static image, OAuthSource to its
	// type's (icon_url properties in each models.py; STATIC_URL /static/).
	var icon any
	if v := httpapi.FmtVal(s.Attrs["icon"]); v != "" && s.Type != "ldap" {
		icon = v // LDAPSource.icon_url ignores the icon
	} else {
		switch s.Type {
		case "ldap":
			icon = "/static/authentik/sources/ldap.png"
		case "saml":
			icon = "/static/authentik/sources/saml.png"
		case "oauth":
			icon = "/static/authentik/sources/" + httpapi.FmtVal(s.Attrs["provider_type"]) + ".svg"
		case "plex", "telegram":
			icon = "/static/authentik/sources/" + s.Type + ".svg"
		case "kerberos", "scim":
			icon = "/static/authentik/sources/" + s.Type + ".png"
		}
	}
	return map[string]any{"pk": s.PK, "name": s.Attrs["name"], "slug": s.Attrs["slug"], "component": component,
		"verbose_name": verbose, "verbose_name_plural": verbose + "s", "meta_model_name": meta,
		"managed": s.Attrs["managed"], "icon_url": icon, "icon_themed_urls": nil}
}

// renderAnySource is SourceSerializer over select_subclasses().
func (e *Emulator) renderAnySource(s *store.Source) map[string]any {
	m := e.renderSourceBase(s)
	for _, fd := range sourceBaseFields {
		m[fd.name] = renderValue(s.Attrs[fd.name])
	}
	return m
}

var sourceKinds = func() []genericKind {
	var out []genericKind
	for _, t := range sourceTypes {
		out = append(out, t.kind())
	}
	for _, t := range sourceMappingTypes {
		out = append(out, t.kind())
	}
	return out
}()

// allSourcesKind is /sources/all/ (authentik/core/api/sources.py
// SourceViewSet): list, retrieve and delete any type by slug; destroy()
// refuses the built-in source.
var allSourcesKind = &kindDef[*store.Source]{
	kind: "source", model: "Source", prefix: "sources/all/", keyID: true, noWrite: true,
	list: httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.Exact("slug", "slug"), httpapi.Exact("managed", "managed"), httpapi.IExact("pbm_uuid", "pk")},
		SearchFields: []string{"slug", "name"}, Order: []string{"name"}},
	all:    func(e *Emulator) []*store.Source { return e.st.Sources },
	byID:   func(e *Emulator, id string) (*store.Source, bool) { s := e.st.SourceBySlug(id); return s, s != nil },
	remove: func(e *Emulator, s *store.Source) { e.st.DeleteSource(s) },
	destroy: func(e *Emulator, s *store.Source) *httpapi.Resp {
		if s.Attrs["managed"] == sourceInbuilt {
			return &httpapi.Resp{Status: http.StatusBadRequest, Body: map[string]any{"detail": "Built-in sources cannot be deleted"}}
		}
		return nil
	},
	attrs:  func(*store.Source) map[string]any { return map[string]any{} },
	key:    func(s *store.Source) string { return httpapi.FmtVal(s.Attrs["slug"]) },
	pk:     func(s *store.Source) string { return s.PK },
	urlID:  func(s *store.Source) string { return httpapi.FmtVal(s.Attrs["slug"]) },
	render: func(e *Emulator, _ *httpapi.Call, s *store.Source) map[string]any { return e.renderAnySource(s) },
	fast: func(s *store.Source, name string) (any, bool) {
		switch name {
		case "name", "slug", "managed":
			return s.Attrs[name], true
		}
		return nil, false
	},
}

// sourceInbuilt is Source.MANAGED_INBUILT.
const sourceInbuilt = "goauthentik.io/sources/inbuilt"

// seedSources creates what authentik/core/apps.py (source_inbuilt) creates
// on start: the built-in Source, a plain Source (no subclass). Its pk is
// derived, so seeding it moves no other pk.
func (e *Emulator) seedSources() {
	a := map[string]any{"name": "authentik Built-in", "slug": "authentik-built-in", "managed": sourceInbuilt}
	for _, fd := range sourceBaseFields {
		a[fd.name] = fd.def
	}
	e.st.Sources = append(e.st.Sources, &store.Source{PK: derivedPK(sourceInbuilt), Attrs: a})
}

// derivedPK is a stable uuid for a seeded object, from its managed key.
func derivedPK(managed string) string {
	sum := sha256.Sum256([]byte("emulator seed: " + managed))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// ---- source property mappings ----

// sourceMappingType is a source property mapping type served by the
// generic layer: its serializer is PropertyMappingSerializer with the
// model swapped (sources/<type>/api/property_mappings.py), so its fields
// are name, managed and expression.
type sourceMappingType struct {
	prefix, model string
	typ           *store.MappingType
	// fields replace sourceMappingFields when set (a RAC mapping's
	// static_settings, its expression optional).
	fields []fieldDef
}

// defs are the type's serializer fields besides name and managed.
func (t sourceMappingType) defs() []fieldDef {
	if t.fields != nil {
		return t.fields
	}
	return sourceMappingFields
}

var (
	oauthsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-oauth-form", Verbose: "OAuth Source Property Mapping",
		VerbosePlural: "OAuth Source Property Mappings", Model: "authentik_sources_oauth.oauthsourcepropertymapping"}
	samlsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-saml-form", Verbose: "SAML Source Property Mapping",
		VerbosePlural: "SAML Source Property Mappings", Model: "authentik_sources_saml.samlsourcepropertymapping"}
)

var (
	plexsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-plex-form", Verbose: "Plex Source Property Mapping",
		VerbosePlural: "Plex Source Property Mappings", Model: "authentik_sources_plex.plexsourcepropertymapping"}
	scimsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-scim-form", Verbose: "SCIM Source Property Mapping",
		VerbosePlural: "SCIM Source Property Mappings", Model: "authentik_sources_scim.scimsourcepropertymapping"}
	telegramsourceMappingType = store.MappingType{Component: "ak-property-mapping-source-telegram-form", Verbose: "Telegram Source Property Mapping",
		VerbosePlural: "Telegram Source Property Mappings", Model: "authentik_sources_telegram.telegramsourcepropertymapping"}
)

var sourceMappingTypes = []sourceMappingType{
	// sources/<type>/api/property_mappings.py at version/2026.2.2; the
	// Kerberos ones are seeded (seed_mappings.go).
	{"propertymappings/source/plex/", "PlexSourcePropertyMapping", &plexsourceMappingType, nil},
	{"propertymappings/source/kerberos/", "KerberosSourcePropertyMapping", &kerberossourceMappingType, nil},
	{"propertymappings/source/scim/", "SCIMSourcePropertyMapping", &scimsourceMappingType, nil},
	{"propertymappings/source/telegram/", "TelegramSourcePropertyMapping", &telegramsourceMappingType, nil},
	{"propertymappings/source/oauth/", "OAuthSourcePropertyMapping", &oauthsourceMappingType, nil},
	{"propertymappings/source/saml/", "SAMLSourcePropertyMapping", &samlsourceMappingType, nil},
	{"propertymappings/source/ldap/", "LDAPSourcePropertyMapping", &ldapsourceMappingType, nil},
	// Provider mappings of the same shape (PropertyMappingSerializer with
	// the model swapped): providers/radius/api/property_mappings.py,
	// providers/scim/api/property_mappings.py.
	{"propertymappings/provider/radius/", "RadiusProviderPropertyMapping", &radiusMappingType, nil},
	{"propertymappings/provider/scim/", "SCIMMapping", &scimMappingType, nil},
	// providers/rac/api/property_mappings.py RACPropertyMappingSerializer:
	// static_settings a JSONDictField (required, a mapping), expression
	// CharField(allow_blank=True, required=False), validate_expression
	// skipping "". The seeded RAC mappings are listed here too.
	{"propertymappings/provider/rac/", "RACPropertyMapping", &racMappingType, racMappingFields},
}

// racMappingFields are RACPropertyMappingSerializer's own fields, with
// RACPropertyMapping's model defaults (PropertyMapping.expression is a
// TextField without a default: an omitted expression stores "").
var racMappingFields = []fieldDef{
	{name: "expression", typ: ftString, blank: true, def: ""},
	{name: "static_settings", typ: ftObject, required: true},
}

var sourceMappingFields = []fieldDef{{name: "expression", typ: ftString, required: true}}

func (t sourceMappingType) kind() *kindDef[*store.OtherMapping] {
	return &kindDef[*store.OtherMapping]{
		// metaModel left empty: the LDAP ones are seeded by
		// seedOtherMappings, with derived pks.
		kind: strings.ToLower(t.model), model: t.model, prefix: t.prefix, fields: t.defs(),
		list: httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.InList("managed", "managed"), httpapi.IsNull("managed__isnull", "managed")},
			SearchFields: []string{"name"}, Order: []string{"name"}},
		choiceFilters: func(e *Emulator) (single, multi map[string][]string) {
			var managed []string
			for _, m := range e.st.OtherMappings {
				if s, ok := m.Attrs["managed"].(string); ok && m.Typ == t.typ {
					managed = append(managed, s)
				}
			}
			return nil, map[string][]string{"managed": managed}
		},
		all: func(e *Emulator) []*store.OtherMapping {
			var out []*store.OtherMapping
			for _, m := range e.st.OtherMappings {
				if m.Typ == t.typ {
					out = append(out, m)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.OtherMapping, bool) {
			for _, m := range e.st.OtherMappings {
				if m.Typ == t.typ && strings.EqualFold(m.PK, id) {
					return m, true
				}
			}
			return nil, false
		},
		fresh: func(e *Emulator) *store.OtherMapping {
			return &store.OtherMapping{Typ: t.typ, Attrs: map[string]any{"managed": nil}}
		},
		clone:  func(m *store.OtherMapping) *store.OtherMapping { n := *m; n.Attrs = cloneAttrs(m.Attrs); return &n },
		commit: func(_ *Emulator, dst, src *store.OtherMapping) { *dst = *src },
		insert: func(e *Emulator, m *store.OtherMapping) {
			m.PK = e.newUUID()
			e.st.OtherMappings = append(e.st.OtherMappings, m)
		},
		remove: func(e *Emulator, m *store.OtherMapping) { e.st.DeleteOtherMapping(m) },
		attrs:  func(m *store.OtherMapping) map[string]any { return m.Attrs },
		key:    func(m *store.OtherMapping) string { return m.Name() },
		pk:     func(m *store.OtherMapping) string { return m.PK },
		readBase: func(e *Emulator, f *httpapi.Form, m *store.OtherMapping) {
			var name string
			if f.Str("name", true, false, &name) {
				if e.st.MappingNameTaken(name, m.PK) {
					f.Fail("name", "Property Mapping with this name already exists.")
				}
				m.Attrs["name"] = name
			}
			var managed *string
			if f.Has("managed") && f.NullStr("managed", &managed) {
				if managed == nil {
					m.Attrs["managed"] = nil
				} else {
					if e.st.MappingManagedTaken(*managed, m.PK) {
						f.Fail("managed", "Property Mapping with this Managed by authentik already exists.")
					}
					m.Attrs["managed"] = *managed
				}
			}
		},
		// PropertyMappingSerializer.validate_expression compiles it; the
		// evaluator's file name is the stored name, or str(None) on create.
		fieldChecks: func(e *Emulator, f *httpapi.Form, m *store.OtherMapping) {
			if !f.Has("expression") || f.Errs["expression"] != nil {
				return
			}
			if m.Expression() == "" && t.fields != nil {
				return // RACPropertyMappingSerializer.validate_expression: "" is not compiled
			}
			filename := "None"
			for _, o := range e.st.OtherMappings {
				if o.PK == m.PK && m.PK != "" {
					filename = o.Name()
				}
			}
			if err := pyexpr.CheckExpression(m.Expression()); err != nil {
				f.Fail("expression", "Expression Syntax Error: "+err.Format(filename))
			}
		},
		render: func(e *Emulator, _ *httpapi.Call, m *store.OtherMapping) map[string]any {
			return map[string]any{"pk": m.PK, "managed": m.Attrs["managed"], "name": m.Attrs["name"],
				"component": t.typ.Component, "verbose_name": t.typ.Verbose, "verbose_name_plural": t.typ.VerbosePlural,
				"meta_model_name": t.typ.Model}
		},
	}
}

// SourceFields returns the type and writable fields of the source with
// this slug (write-only ones too), references by natural key, for tests;
// ok is false when there is none.
func (e *Emulator) SourceFields(slug string) (typ string, fields map[string]any, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.SourceBySlug(slug)
	if s == nil {
		return "", nil, false
	}
	defs := sourceBaseFields
	if t := sourceTypeByName[s.Type]; t != nil {
		defs = append(slices.Clone(t.baseFields()), t.fields...)
	}
	m := e.naturalFields(defs, s.Attrs)
	m["name"], m["slug"] = s.Attrs["name"], slug
	return s.Type, m, true
}
