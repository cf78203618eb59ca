package emulator_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fresh install has events-default.yaml's transports, event matcher
// policies and rules. The rules' blueprint entries set group:, which
// migration 0010 renamed destination_group: the serializer ignores it, so
// on authentik as on the emulator they notify no group.
func TestSeededNotificationRules(t *testing.T) {
	e := newEnv(t)
	st, l := e.rawJSON("GET", "/api/v3/events/transports/?ordering=name", "")
	require.Equal(t, 200, st)
	ts := l["results"].([]any)
	require.Len(t, ts, 2)
	email, local := ts[0].(map[string]any), ts[1].(map[string]any)
	assert.Equal(t, "default-email-transport", email["name"])
	assert.Equal(t, "email", email["mode"])
	assert.Equal(t, "Email", email["mode_verbose"])
	assert.Equal(t, "authentik Notification: ", email["email_subject_prefix"])
	assert.Equal(t, "email/event_notification.html", email["email_template"])
	assert.Equal(t, "local", local["mode"])

	st, l = e.rawJSON("GET", "/api/v3/events/rules/?name=default-notify-configuration-warning", "")
	require.Equal(t, 200, st)
	require.Len(t, l["results"], 1)
	r := l["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "warning", r["severity"])
	assert.Nil(t, r["destination_group"])
	assert.ElementsMatch(t, []any{email["pk"], local["pk"]}, r["transports"])

	st, l = e.rawJSON("GET", "/api/v3/policies/event_matcher/?name=default-match-update", "")
	require.Equal(t, 200, st)
	require.Len(t, l["results"], 1)
	assert.Equal(t, "update_available", l["results"].([]any)[0].(map[string]any)["action"])
}

// NotificationTransportSerializer.validate reads mode and webhook_url from
// the body; validate_email_template takes only a known template.
func TestNotificationTransportValidation(t *testing.T) {
	e := newEnv(t)
	cases := map[string]struct {
		body string
		want int
		err  string
	}{
		"WebhookWithoutURL":  {`{"name":"t1","mode":"webhook"}`, 400, `{"webhook_url":["Webhook URL may not be empty."]}`},
		"SlackWithBlankURL":  {`{"name":"t2","mode":"webhook_slack","webhook_url":""}`, 400, `{"webhook_url":["Webhook URL may not be empty."]}`},
		"WebhookBadURL":      {`{"name":"t3","mode":"webhook","webhook_url":"not a url"}`, 400, `{"webhook_url":["Enter a valid URL."]}`},
		"UnknownTemplate":    {`{"name":"t4","email_template":"email/nope.html"}`, 400, `{"email_template":["Invalid template 'email/nope.html' specified."]}`},
		"BadMode":            {`{"name":"t5","mode":"pager"}`, 400, `{"mode":["\"pager\" is not a valid choice."]}`},
		"Webhook":            {`{"name":"hook","mode":"webhook","webhook_url":"https://hooks.example.com/x"}`, 201, ""},
		"LocalWithoutURL":    {`{"name":"plain"}`, 201, ""},
		"DuplicateName":      {`{"name":"default-local-transport"}`, 400, `{"name":["notification transport with this name already exists."]}`},
		"UnknownBodyMapping": {`{"name":"t6","webhook_mapping_body":"00000000-0000-4000-8000-000000000000"}`, 400, `{"webhook_mapping_body":["Invalid pk \"00000000-0000-4000-8000-000000000000\" - object does not exist."]}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, body := e.raw("POST", "/api/v3/events/transports/", tc.body)
			require.Equal(t, tc.want, st, body)
			if tc.err != "" {
				assert.JSONEq(t, tc.err, body)
			}
		})
	}
	_, l := e.rawJSON("GET", "/api/v3/events/transports/?name=hook", "")
	pk := l["results"].([]any)[0].(map[string]any)["pk"].(string)
	st, _ := e.raw("PATCH", "/api/v3/events/transports/"+pk+"/", `{"send_once":true}`)
	assert.Equal(t, 200, st, "a PATCH without mode is not checked")
	st, body := e.raw("PATCH", "/api/v3/events/transports/"+pk+"/", `{"mode":"webhook_slack"}`)
	assert.Equal(t, 400, st, "mode without webhook_url in the body: %s", body)
}

// A rule names transports and a group; deletes cascade as the models say,
// and a policy binding may target the rule.
func TestNotificationRuleCascades(t *testing.T) {
	e := newEnv(t)
	_, g := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"Corp Admins"}`)
	_, m := e.rawJSON("POST", "/api/v3/propertymappings/notification/", `{"name":"body","expression":"return {}"}`)
	_, tr := e.rawJSON("POST", "/api/v3/events/transports/", mustJSON(t, map[string]any{"name": "hook", "mode": "webhook",
		"webhook_url": "https://hooks.example.com/x", "webhook_mapping_body": m["pk"]}))
	require.Equal(t, m["pk"], tr["webhook_mapping_body"])
	st, r := e.rawJSON("POST", "/api/v3/events/rules/", mustJSON(t, map[string]any{"name": "admins", "severity": "alert",
		"destination_group": g["pk"], "transports": []any{tr["pk"]}}))
	require.Equal(t, 201, st, r)
	assert.Equal(t, "Corp Admins", r["destination_group_obj"].(map[string]any)["name"])
	_, p := e.rawJSON("POST", "/api/v3/policies/event_matcher/", `{"name":"failed","action":"login_failed","client_ip":null,"app":null,"model":null}`)
	st, b := e.rawJSON("POST", "/api/v3/policies/bindings/", mustJSON(t, map[string]any{"policy": p["pk"], "target": r["pk"], "order": 0}))
	require.Equal(t, 201, st, b)
	assert.Equal(t, r["pk"], b["target"])

	st, l := e.rawJSON("GET", "/api/v3/events/rules/?destination_group__name=Corp+Admins", "")
	require.Equal(t, 200, st)
	assert.Len(t, l["results"], 1)

	st, _ = e.raw("DELETE", "/api/v3/propertymappings/all/"+m["pk"].(string)+"/", "")
	require.Equal(t, 204, st)
	_, tr = e.rawJSON("GET", "/api/v3/events/transports/"+tr["pk"].(string)+"/", "")
	assert.Nil(t, tr["webhook_mapping_body"], "SET_DEFAULT None")
	st, _ = e.raw("DELETE", "/api/v3/core/groups/"+g["pk"].(string)+"/", "")
	require.Equal(t, 204, st)
	st, _ = e.raw("DELETE", "/api/v3/events/transports/"+tr["pk"].(string)+"/", "")
	require.Equal(t, 204, st)
	_, r = e.rawJSON("GET", "/api/v3/events/rules/"+r["pk"].(string)+"/", "")
	assert.Nil(t, r["destination_group"], "SET_NULL")
	assert.Equal(t, []any{}, r["transports"])
	st, _ = e.raw("DELETE", "/api/v3/events/rules/"+r["pk"].(string)+"/", "")
	require.Equal(t, 204, st)
	st, _ = e.raw("GET", "/api/v3/policies/bindings/"+b["pk"].(string)+"/", "")
	assert.Equal(t, 404, st, "the rule's bindings go with it")
}

func TestSeededEventMatchersList(t *testing.T) {
	e := newEnv(t)
	st, l := e.rawJSON("GET", "/api/v3/policies/event_matcher/", "")
	require.Equal(t, 200, st)
	assert.Len(t, l["results"], 5)
}

// EventMatcherPolicySerializer.validate subscripts attrs: a body without
// action is a KeyError, a 500. action is never "" (a choice field with no
// blank), so the "At least one criteria" check never refuses a body.
func TestEventMatcherValidate(t *testing.T) {
	e := newUncheckedEnv(t)
	cases := map[string]struct {
		body string
		want int
	}{
		"NoAction":         {`{"name":"m1"}`, 500},
		"NoActionButIP":    {`{"name":"m2","client_ip":"10.0.0.1"}`, 500},
		"BlankAction":      {`{"name":"m3","action":"","client_ip":"","app":"","model":""}`, 400},
		"ActionOnly":       {`{"name":"m4","action":"login_failed"}`, 201},
		"NewerAction":      {`{"name":"m5","action":"configuration_warning"}`, 201},
		"NullsAndAnAction": {`{"name":"m6","action":"login","client_ip":null,"app":null,"model":null}`, 201},
		"NullAction":       {`{"name":"m7","action":null}`, 201},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, body := e.raw("POST", "/api/v3/policies/event_matcher/", tc.body)
			assert.Equal(t, tc.want, st, body)
		})
	}
	_, l := e.rawJSON("GET", "/api/v3/policies/event_matcher/?name=m4", "")
	pk := l["results"].([]any)[0].(map[string]any)["pk"].(string)
	st, _ := e.raw("PATCH", "/api/v3/policies/event_matcher/"+pk+"/", `{"execution_logging":true}`)
	assert.Equal(t, 500, st, "a PATCH without action")
}
