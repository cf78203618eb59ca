package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// RACPropertyMappingSerializer (providers/rac/api/property_mappings.py at
// version/2026.2.2): static_settings is a required JSONDictField (a
// mapping), expression is optional and blank, and validate_expression
// compiles a non-empty one only.
func TestRACPropertyMappingSerializer(t *testing.T) {
	cases := map[string]struct {
		body   string
		status int
		want   string // in the answer
	}{
		"static settings only":          {`{"name":"m","static_settings":{"resize-method":"display-update"}}`, http.StatusCreated, `"expression":""`},
		"blank expression":              {`{"name":"m","static_settings":{},"expression":""}`, http.StatusCreated, `"static_settings":{}`},
		"expression":                    {`{"name":"m","static_settings":{},"expression":"return {\"a\": 1}"}`, http.StatusCreated, `"component":"ak-property-mapping-provider-rac-form"`},
		"static settings missing":       {`{"name":"m","expression":"return {}"}`, http.StatusBadRequest, `"static_settings":["This field is required."]`},
		"static settings not a mapping": {`{"name":"m","static_settings":["x"]}`, http.StatusBadRequest, `"static_settings"`},
		"syntax error":                  {`{"name":"m","static_settings":{},"expression":"return {"}`, http.StatusBadRequest, `Expression Syntax Error`},
		"a seeded mapping's name":       {`{"name":"authentik default RAC Mapping: SSH Default settings","static_settings":{}}`, http.StatusBadRequest, "Property Mapping with this name already exists."},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			st, body := e.raw("POST", "/api/v3/propertymappings/provider/rac/", tc.body)
			assert.Equal(t, tc.status, st, body)
			assert.Contains(t, body, tc.want)
		})
	}
}

// authentik's own RAC mappings (blueprints/system/providers-rac.yaml) are
// listed with their static settings, and a RAC provider and endpoint take
// RAC mappings in property_mappings.
func TestRACPropertyMappingsSeededAndUsed(t *testing.T) {
	e := newEnv(t)
	st, list := e.rawJSON("GET", "/api/v3/propertymappings/provider/rac/?managed=goauthentik.io/providers/rac/ssh-default", "")
	require.Equal(t, http.StatusOK, st)
	require.Len(t, list["results"], 1)
	ssh := list["results"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"terminal-type": "xterm-256color"}, ssh["static_settings"])
	assert.Equal(t, "", ssh["expression"])

	st, m := e.rawJSON("POST", "/api/v3/propertymappings/provider/rac/", `{"name":"m","static_settings":{"a":"b"}}`)
	require.Equal(t, http.StatusCreated, st, "%v", m)
	st, p := e.rawJSON("GET", "/api/v3/flows/instances/default-provider-authorization-implicit-consent/", "")
	require.Equal(t, http.StatusOK, st)
	st, rac := e.rawJSON("POST", "/api/v3/providers/rac/", fmt.Sprintf(`{"name":"r","authorization_flow":%q,"property_mappings":[%q]}`, p["pk"], m["pk"]))
	require.Equal(t, http.StatusCreated, st, "%v", rac)
	assert.Equal(t, []any{m["pk"]}, rac["property_mappings"])
	st, ep := e.rawJSON("POST", "/api/v3/rac/endpoints/", fmt.Sprintf(`{"name":"e","provider":%v,"protocol":"ssh","host":"h","auth_mode":"prompt","property_mappings":[%q,%q]}`,
		rac["pk"], m["pk"], ssh["pk"]))
	require.Equal(t, http.StatusCreated, st, "%v", ep)
	assert.ElementsMatch(t, []any{m["pk"], ssh["pk"]}, ep["property_mappings"])
}

// SCIMProviderSerializer at 2026.2.2 has group_filters (a M2M to Group,
// blank), not the schema.yml's filter_group: it checks each pk, lists
// filter by it, a group's delete takes it out, and filter_group is ignored
// (DRF drops fields it does not know).
func TestSCIMProviderGroupFilters(t *testing.T) {
	e := newEnv(t)
	st, g1 := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"g1"}`)
	require.Equal(t, http.StatusCreated, st)
	st, g2 := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"g2"}`)
	require.Equal(t, http.StatusCreated, st)

	st, body := e.raw("POST", "/api/v3/providers/scim/", `{"name":"s","url":"https://x","group_filters":["00000000-0000-4000-8000-000000000000"]}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `"group_filters"`)
	assert.Contains(t, body, "does not exist")

	st, s := e.rawJSON("POST", "/api/v3/providers/scim/", fmt.Sprintf(`{"name":"s","url":"https://x","group_filters":[%q,%q],"filter_group":%q}`, g1["pk"], g2["pk"], g1["pk"]))
	require.Equal(t, http.StatusCreated, st, "%v", s)
	assert.ElementsMatch(t, []any{g1["pk"], g2["pk"]}, s["group_filters"])
	assert.NotContains(t, s, "filter_group")
	st, bare := e.rawJSON("POST", "/api/v3/providers/scim/", `{"name":"t","url":"https://y","exclude_users_service_account":true}`)
	require.Equal(t, http.StatusCreated, st, "%v", bare)
	assert.Equal(t, []any{}, bare["group_filters"], "blank by default")

	for query, want := range map[string][]string{
		"group_filters=" + g2["pk"].(string):  {"s"},
		"exclude_users_service_account=true":  {"t"},
		"exclude_users_service_account=false": {"s"},
		"url=https://y":                       {"t"},
		"group_filters=" + g1["pk"].(string) + "&group_filters=" + g2["pk"].(string): {"s"},
	} {
		st, list := e.rawJSON("GET", "/api/v3/providers/scim/?"+query, "")
		require.Equal(t, http.StatusOK, st, query)
		var names []string
		for _, r := range list["results"].([]any) {
			names = append(names, r.(map[string]any)["name"].(string))
		}
		assert.Equal(t, want, names, query)
	}

	st, _ = e.raw("DELETE", fmt.Sprintf("/api/v3/core/groups/%s/", g1["pk"]), "")
	require.Equal(t, http.StatusNoContent, st)
	st, s = e.rawJSON("GET", fmt.Sprintf("/api/v3/providers/scim/%v/", s["pk"]), "")
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, []any{g2["pk"]}, s["group_filters"], "the deleted group's row goes with it")
}

// auth_mode oauth needs a license (SCIMProviderSerializerMixin
// validate_auth_mode); auth_oauth names an OAuth source only, and the
// source's delete sets it null (SET_DEFAULT).
func TestSCIMProviderOAuthMode(t *testing.T) {
	e := newEnv(t)
	st, body := e.raw("POST", "/api/v3/providers/scim/", `{"name":"s","url":"https://x","auth_mode":"oauth"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Contains(t, body, `"auth_mode":["Enterprise is required to use the OAuth mode."]`)

	srv, emu := newTestServer(t, emulator.Options{Enterprise: true})
	ent := &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
	st, plex := ent.rawJSON("POST", "/api/v3/sources/plex/", `{"name":"p","slug":"p","plex_token":"x"}`)
	require.Equal(t, http.StatusCreated, st, "%v", plex)
	st, body = ent.raw("POST", "/api/v3/providers/scim/", fmt.Sprintf(`{"name":"s","url":"https://x","auth_mode":"oauth","auth_oauth":%q}`, plex["pk"]))
	assert.Equal(t, http.StatusBadRequest, st, "a Plex source is not an OAuth source")
	assert.Contains(t, body, `"auth_oauth"`)
	st, oauth := ent.rawJSON("POST", "/api/v3/sources/oauth/", `{"name":"o","slug":"o","provider_type":"github","consumer_key":"k","consumer_secret":"s"}`)
	require.Equal(t, http.StatusCreated, st, "%v", oauth)
	st, s := ent.rawJSON("POST", "/api/v3/providers/scim/", fmt.Sprintf(`{"name":"s","url":"https://x","auth_mode":"oauth","auth_oauth":%q}`, oauth["pk"]))
	require.Equal(t, http.StatusCreated, st, "%v", s)
	assert.Equal(t, oauth["pk"], s["auth_oauth"])
	st, _ = ent.raw("DELETE", "/api/v3/sources/all/o/", "")
	require.Equal(t, http.StatusNoContent, st)
	st, s = ent.rawJSON("GET", fmt.Sprintf("/api/v3/providers/scim/%v/", s["pk"]), "")
	require.Equal(t, http.StatusOK, st)
	assert.Nil(t, s["auth_oauth"])
}
