package emulator_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An OAuth source answers its type's built-in URLs (the registry's
// SourceType), keeps the secret write-only, and is found by slug in its
// own list and in sources/all/; the slug is unique across every type.
func TestOAuthSourceCreateAndTypeDefaults(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON("POST", "/api/v3/sources/oauth/", `{"name":"GitHub","slug":"github","provider_type":"github","consumer_key":"Iv1.x","consumer_secret":"s3cret"}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	assert.NotContains(t, m, "consumer_secret")
	typ := m["type"].(map[string]any)
	assert.Equal(t, "https://github.com/login/oauth/authorize", typ["authorization_url"])
	assert.Equal(t, true, typ["urls_customizable"])
	assert.Nil(t, m["authorization_url"], "the source's own URL stays null")
	assert.Equal(t, "https://token.actions.githubusercontent.com/.well-known/jwks", m["oidc_jwks_url"], "validate() stores the type's JWKS URL")
	assert.Equal(t, "authentik_sources_oauth.oauthsource", m["meta_model_name"])
	assert.Contains(t, m["callback_url"], "/source/oauth/callback/github/")

	st, got := e.rawJSON("GET", "/api/v3/sources/oauth/github/", "")
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, m["pk"], got["pk"])

	st, all := e.rawJSON("GET", "/api/v3/sources/all/?slug=github", "")
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, all["results"], 1)

	st, body := e.raw("POST", "/api/v3/sources/ldap/", `{"name":"x","slug":"github","server_uri":"ldap://dc","base_dn":"dc=x"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "source with this slug already exists.")
}

// OAuthSourceSerializer.validate: a type with no built-in URL needs each
// in the body, on a PATCH too.
func TestOAuthSourceURLsRequiredForOIDC(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/sources/oauth/", `{"name":"o","slug":"o","provider_type":"openidconnect","consumer_key":"k","consumer_secret":"s"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "authorization_url is required for provider OpenID Connect")
	st, body = e.raw("POST", "/api/v3/sources/oauth/", `{"name":"o","slug":"o","provider_type":"openidconnect","consumer_key":"k","consumer_secret":"s",
		"authorization_url":"https://idp/auth","access_token_url":"https://idp/token","profile_url":"https://idp/userinfo"}`)
	require.Equal(t, http.StatusCreated, st, body)
	st, body = e.raw("PATCH", "/api/v3/sources/oauth/o/", `{"pkce":"S256"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "is required for provider OpenID Connect")
}

// LDAPSourceSerializer.validate reads sync_users and its mappings from the
// body; validate_sync_users_password allows one such source.
func TestLDAPSourceValidation(t *testing.T) {
	e := newEnv(t)
	base := `"server_uri":"ldaps://dc.corp","base_dn":"dc=corp"`
	st, body := e.raw("POST", "/api/v3/sources/ldap/", `{"name":"a","slug":"a",`+base+`,"sync_users":true}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "When 'Sync users' is enabled, 'users property mappings' cannot be empty.")
	st, body = e.raw("POST", "/api/v3/sources/ldap/", `{"name":"a","slug":"a","server_uri":"http://dc","base_dn":"dc=corp"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Enter a valid URL.")
	st, body = e.raw("POST", "/api/v3/sources/ldap/", `{"name":"a","slug":"a",`+base+`,"sync_users_password":true}`)
	require.Equal(t, http.StatusCreated, st, body)
	st, body = e.raw("POST", "/api/v3/sources/ldap/", `{"name":"b","slug":"b",`+base+`,"sync_users_password":true}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Only a single LDAP Source with password synchronization is allowed")
	st, m := e.rawJSON("GET", "/api/v3/sources/ldap/a/", "")
	require.Equal(t, http.StatusOK, st)
	assert.NotContains(t, m, "bind_password")
	assert.Equal(t, "deferred_end", m["sync_outgoing_trigger_mode"])
}

// Source property mappings: compiled on save, names unique across every
// mapping type (a seeded LDAP mapping's name is taken), listed by type, and
// dropped from a source's lists when deleted.
func TestSourcePropertyMappings(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/propertymappings/source/oauth/", `{"name":"m","expression":"return {"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Expression Syntax Error")
	st, body = e.raw("POST", "/api/v3/propertymappings/source/oauth/", `{"name":"authentik default LDAP Mapping: Name","expression":"return {}"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Property Mapping with this name already exists.")
	st, m := e.rawJSON("POST", "/api/v3/propertymappings/source/oauth/", `{"name":"m","expression":"return {\"username\": info.get(\"login\")}"}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	pk := m["pk"].(string)
	st, ldap := e.rawJSON("GET", "/api/v3/propertymappings/source/ldap/?managed__isnull=false", "")
	require.Equal(t, http.StatusOK, st)
	assert.NotEmpty(t, ldap["results"], "the seeded LDAP mappings are served by their own endpoint")

	st, body = e.raw("POST", "/api/v3/sources/oauth/", fmt.Sprintf(`{"name":"G","slug":"g","provider_type":"github","consumer_key":"k","consumer_secret":"s","user_property_mappings":[%q]}`, pk))
	require.Equal(t, http.StatusCreated, st, body)
	st, _ = e.raw("DELETE", "/api/v3/propertymappings/all/"+pk+"/", "")
	require.Equal(t, http.StatusNoContent, st)
	_, src := e.rawJSON("GET", "/api/v3/sources/oauth/g/", "")
	assert.Equal(t, []any{}, src["user_property_mappings"])
}

// The built-in source is listed by sources/all/ and cannot be deleted; a
// source takes policy bindings (its pk is its pbm_uuid) and an
// identification stage lists it; deleting it drops both.
func TestSourcesAllBindingsAndStages(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("DELETE", "/api/v3/sources/all/authentik-built-in/", "")
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Built-in sources cannot be deleted")

	st, src := e.rawJSON("POST", "/api/v3/sources/oauth/", `{"name":"D","slug":"discord","provider_type":"discord","consumer_key":"k","consumer_secret":"s"}`)
	require.Equal(t, http.StatusCreated, st, "%v", src)
	pk := src["pk"].(string)
	_, groups := e.rawJSON("GET", "/api/v3/core/groups/?name=authentik%20Admins", "")
	gpk := groups["results"].([]any)[0].(map[string]any)["pk"].(string)
	st, b := e.rawJSON("POST", "/api/v3/policies/bindings/", fmt.Sprintf(`{"target":%q,"group":%q,"order":0}`, pk, gpk))
	require.Equal(t, http.StatusCreated, st, "%v", b)
	assert.Equal(t, pk, b["target"])

	_, stages := e.rawJSON("GET", "/api/v3/stages/identification/?name=default-authentication-identification", "")
	stage := stages["results"].([]any)[0].(map[string]any)
	spk := stage["pk"].(string)
	st, body = e.raw("PATCH", "/api/v3/stages/identification/"+spk+"/", fmt.Sprintf(`{"user_fields":["username","email"],"sources":[%q]}`, pk))
	require.Equal(t, http.StatusOK, st, body)

	st, _ = e.raw("DELETE", "/api/v3/sources/all/discord/", "")
	require.Equal(t, http.StatusNoContent, st)
	_, after := e.rawJSON("GET", "/api/v3/stages/identification/"+spk+"/", "")
	assert.Equal(t, []any{}, after["sources"])
	_, bs := e.rawJSON("GET", "/api/v3/policies/bindings/?target="+pk, "")
	assert.NotContains(t, fmt.Sprint(bs["results"]), gpk)
}
