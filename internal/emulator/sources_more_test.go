package emulator_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Plex source: plex_token required and rendered (PlexSourceSerializer
// lists it as a plain field), client_id generated (generate_id, 40
// letters and digits), the type's static icon.
func TestPlexSource(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/sources/plex/", `{"name":"Plex","slug":"plex"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `"plex_token":["This field is required."]`)
	st, m := e.rawJSON("POST", "/api/v3/sources/plex/", `{"name":"Plex","slug":"plex","plex_token":"tok","allowed_servers":["srv1"]}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	assert.Equal(t, "tok", m["plex_token"])
	assert.Len(t, m["client_id"], 40)
	assert.Equal(t, []any{"srv1"}, m["allowed_servers"])
	assert.Equal(t, true, m["allow_friends"])
	assert.Equal(t, "/static/authentik/sources/plex.svg", m["icon_url"])
	assert.Equal(t, "authentik_sources_plex.plexsource", m["meta_model_name"])
}

// A Kerberos source: its three credentials write-only, realm unique
// (KerberosSource.realm unique=True), kadmin_type MIT or Heimdal only at
// 2026.2.2, connectivity null until a sync ran.
func TestKerberosSource(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON("POST", "/api/v3/sources/kerberos/", `{"name":"K","slug":"krb","realm":"CORP.EXAMPLE","sync_password":"pw","sync_keytab":"kt","spnego_keytab":"sk"}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	for _, f := range []string{"sync_password", "sync_keytab", "spnego_keytab"} {
		assert.NotContains(t, m, f)
	}
	assert.Nil(t, m["connectivity"])
	assert.Equal(t, "MIT", m["kadmin_type"])
	assert.Equal(t, false, m["sync_users"])
	assert.Equal(t, "/static/authentik/sources/kerberos.png", m["icon_url"])
	st, body := e.raw("POST", "/api/v3/sources/kerberos/", `{"name":"K2","slug":"krb2","realm":"CORP.EXAMPLE"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, "Kerberos Source with this realm already exists.")
	st, body = e.raw("PATCH", "/api/v3/sources/kerberos/krb/", `{"kadmin_type":"other"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `\"other\" is not a valid choice.`)
}

// A SCIM source has SCIMSourceSerializer's own fields only; authentik
// creates its service account and a managed, non-expiring API token
// (scim_source_post_save), renames the account with the source, and
// deletes both with it (scim_source_post_delete, Token.user CASCADE).
func TestSCIMSourceServiceAccountAndToken(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON("POST", "/api/v3/sources/scim/", `{"name":"HR","slug":"hr","promoted":true}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	pk := m["pk"].(string)
	assert.NotContains(t, m, "promoted", "not a field of SCIMSourceSerializer")
	assert.NotContains(t, m, "icon_url")
	assert.Contains(t, m["root_url"], "/source/scim/hr/v2")
	tok, ok := m["token_obj"].(map[string]any)
	require.True(t, ok, "%v", m["token_obj"])
	id := "ak-source-scim-" + pk
	assert.Equal(t, id, tok["identifier"])
	assert.Equal(t, "goauthentik.io/sources/scim/"+pk, tok["managed"])
	assert.Equal(t, false, tok["expiring"])
	assert.Equal(t, "api", tok["intent"])
	assert.NotContains(t, tok, "key")

	st, users := e.rawJSON("GET", "/api/v3/core/users/?username="+id, "")
	require.Equal(t, http.StatusOK, st)
	require.Len(t, users["results"], 1)
	u := users["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "internal_service_account", u["type"])
	assert.Equal(t, "SCIM Source HR Service-Account", u["name"])

	st, body := e.raw("PATCH", "/api/v3/sources/scim/hr/", `{"name":"People"}`)
	require.Equal(t, http.StatusOK, st, body)
	_, users = e.rawJSON("GET", "/api/v3/core/users/?username="+id, "")
	assert.Equal(t, "SCIM Source People Service-Account", users["results"].([]any)[0].(map[string]any)["name"])
	_, toks := e.rawJSON("GET", "/api/v3/core/tokens/?identifier="+id, "")
	assert.Len(t, toks["results"], 1, "saving again keeps the one token")

	st, _ = e.raw("DELETE", "/api/v3/sources/all/hr/", "")
	require.Equal(t, http.StatusNoContent, st)
	_, users = e.rawJSON("GET", "/api/v3/core/users/?username="+id, "")
	assert.Empty(t, users["results"])
	_, toks = e.rawJSON("GET", "/api/v3/core/tokens/?identifier="+id, "")
	assert.Empty(t, toks["results"])
}

// A Telegram source: bot_token write-only, pre_authentication_flow
// required, and the source goes with that flow (on_delete=CASCADE).
func TestTelegramSource(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/sources/telegram/", `{"name":"T","slug":"tg","bot_username":"corp_bot","bot_token":"123:abc"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `"pre_authentication_flow":["This field is required."]`)
	st, f := e.rawJSON("POST", "/api/v3/flows/instances/", `{"name":"pre","slug":"tg-pre","title":"t","designation":"stage_configuration"}`)
	require.Equal(t, http.StatusCreated, st, "%v", f)
	st, m := e.rawJSON("POST", "/api/v3/sources/telegram/", fmt.Sprintf(`{"name":"T","slug":"tg","bot_username":"corp_bot","bot_token":"123:abc","pre_authentication_flow":%q}`, f["pk"]))
	require.Equal(t, http.StatusCreated, st, "%v", m)
	assert.NotContains(t, m, "bot_token")
	assert.NotContains(t, m, "group_matching_mode", "not a field of TelegramSourceSerializer")
	assert.Equal(t, "/static/authentik/sources/telegram.svg", m["icon_url"])
	st, _ = e.raw("DELETE", "/api/v3/flows/instances/tg-pre/", "")
	require.Equal(t, http.StatusNoContent, st)
	st, _ = e.raw("GET", "/api/v3/sources/telegram/tg/", "")
	assert.Equal(t, http.StatusNotFound, st)
}

// The four source property mapping types are served, compiled on save;
// the Kerberos ones authentik seeds are listed by their own endpoint.
func TestMoreSourcePropertyMappings(t *testing.T) {
	e := newEnv(t)
	for _, typ := range []string{"plex", "kerberos", "scim", "telegram"} {
		st, body := e.raw("POST", "/api/v3/propertymappings/source/"+typ+"/", `{"name":"`+typ+`","expression":"return {"}`)
		assert.Equal(t, http.StatusBadRequest, st, typ)
		assert.Contains(t, body, "Expression Syntax Error", typ)
		st, m := e.rawJSON("POST", "/api/v3/propertymappings/source/"+typ+"/", `{"name":"`+typ+`","expression":"return {}"}`)
		require.Equal(t, http.StatusCreated, st, "%s: %v", typ, m)
		assert.Contains(t, m["meta_model_name"], "authentik_sources_"+typ+".")
	}
	st, krb := e.rawJSON("GET", "/api/v3/propertymappings/source/kerberos/?managed__isnull=false", "")
	require.Equal(t, http.StatusOK, st)
	assert.NotEmpty(t, krb["results"], "the seeded Kerberos mappings are served by their own endpoint")
}
