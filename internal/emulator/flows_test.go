package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fresh install has the flows, stages, prompts and bindings of
// blueprints/default/*.yaml (authentik 2026.2.2), e.g.
// flow-default-authentication-flow.yaml's four bindings.
func TestSeededBlueprintFlowsStagesAndBindings(t *testing.T) {
	e := newEnv(t)
	flows := res(e.c.FlowsApi.FlowsInstancesList(e.ctx).PageSize(100).Execute()).must(t)
	assert.EqualValues(t, 14, flows.Pagination.Count)

	// One filtered list per flow; stage_obj carries the concrete type.
	list := res(e.c.FlowsApi.FlowsBindingsList(e.ctx).Target(e.flow("default-authentication-flow")).Execute()).must(t)
	var got []string
	for _, b := range list.Results {
		got = append(got, fmt.Sprintf("%d %s %s", b.Order, b.StageObj.Name, b.StageObj.Component))
	}
	assert.Equal(t, []string{
		"10 default-authentication-identification ak-stage-identification-form",
		"20 default-authentication-password ak-stage-password-form",
		"30 default-authentication-mfa-validation ak-stage-authenticator-validate-form",
		"100 default-authentication-login ak-stage-user-login-form",
	}, got)

	typ, pw, ok := e.emu.StageFields("default-authentication-password")
	require.True(t, ok)
	assert.Equal(t, "password", typ)
	assert.Equal(t, "default-password-change", pw["configure_flow"], "the !Find resolves: password-change is meta-applied first")
	assert.Equal(t, []string{"authentik.core.auth.InbuiltBackend", "authentik.sources.kerberos.auth.KerberosBackend",
		"authentik.sources.ldap.auth.LDAPBackend", "authentik.core.auth.TokenBackend"}, pw["backends"])

	_, us, _ := e.emu.StageFields("default-user-settings")
	assert.Equal(t, []string{"default-user-settings-field-username", "default-user-settings-field-name",
		"default-user-settings-field-email", "default-user-settings-field-locale"}, us["fields"])
	assert.Equal(t, []string{"default-user-settings-authorization"}, us["validation_policies"], "the blueprint's expression policy is seeded")

	// Block scalars lose their final newline through the serializer.
	p := e.emu.PromptFields("default-user-settings-field-email")
	assert.Equal(t, "try:\n    return user.email\nexcept:\n    return ''", p["initial_value"])
	assert.Equal(t, 202, p["order"])

	oobe := e.emu.FlowBindings("initial-setup")
	require.Len(t, oobe, 3)
	assert.Equal(t, "default-authentication-login", oobe[2].Stage, "oobe reuses the login stage of the authentication flow")
	assert.True(t, oobe[0].EvaluateOnPlan)
	assert.False(t, oobe[0].ReEvaluatePolicies)
	assert.Equal(t, map[string]int{"flow": 14, "stage": 18, "prompt": 11, "flowstagebinding": 20},
		map[string]int{"flow": e.emu.Counts()["flow"], "stage": e.emu.Counts()["stage"], "prompt": e.emu.Counts()["prompt"],
			"flowstagebinding": e.emu.Counts()["flowstagebinding"]})

	all := res(e.c.StagesApi.StagesAllList(e.ctx).PageSize(100).Execute()).must(t)
	assert.EqualValues(t, 18, all.Pagination.Count)
	one := res(e.c.StagesApi.StagesAllRetrieve(e.ctx, e.emu.StagePK("default-authentication-login")).Execute()).must(t)
	assert.Equal(t, "authentik_stages_user_login.userloginstage", one.MetaModelName)
	assert.Len(t, one.FlowSet, 2, "bound to the authentication and the oobe flow")
}

// Every stage type: create with the minimal body, model defaults on the
// response, retrieve, list by name, PUT, PATCH, delete; all through the
// contract check.
func TestStageCRUDEveryType(t *testing.T) {
	e := newEnv(t)
	promptPK := e.emu.PromptPK("initial-setup-field-email")
	for _, tc := range []struct {
		prefix, body string
		want         map[string]any
	}{
		{"identification/", `"user_fields":["username"]`, map[string]any{"case_insensitive_matching": true,
			"show_matched_user": true, "pretend_user_exists": true, "enable_remember_me": false, "password_stage": nil,
			"sources": []any{}, "component": "ak-stage-identification-form"}},
		{"password/", `"backends":["authentik.core.auth.InbuiltBackend"]`, map[string]any{"failed_attempts_before_cancel": 5.0,
			"allow_show_password": false, "configure_flow": nil}},
		{"user_login/", ``, map[string]any{"session_duration": "seconds=0", "remember_device": "days=30",
			"network_binding": "no_binding", "geoip_binding": "no_binding", "terminate_other_sessions": false}},
		{"user_logout/", ``, map[string]any{"verbose_name": "User Logout Stage"}},
		{"user_write/", ``, map[string]any{"user_creation_mode": "create_when_required", "user_type": "external",
			"user_path_template": "", "create_users_group": nil}},
		{"prompt/stages/", `"fields":["` + promptPK + `"]`, map[string]any{"fields": []any{promptPK}, "validation_policies": []any{}}},
		{"consent/", ``, map[string]any{"mode": "expiring", "consent_expire_in": "weeks=4"}},
		{"deny/", ``, map[string]any{"deny_message": ""}},
		{"redirect/", `"mode":"static","target_static":"https://example.com/"`, map[string]any{"keep_context": true, "target_flow": nil}},
		{"email/", `"password":"secret"`, map[string]any{"host": "localhost", "port": 25.0, "from_address": "system@authentik.local",
			"template": "email/password_reset.html", "token_expiry": "minutes=30", "recovery_max_attempts": 5.0,
			"recovery_cache_timeout": "minutes=5", "subject": "authentik", "timeout": 10.0}},
		{"invitation/stages/", ``, map[string]any{"continue_flow_without_invitation": false}},
		{"captcha/", `"public_key":"site","private_key":"secret"`, map[string]any{"score_min_threshold": 0.5,
			"score_max_threshold": 1.0, "error_on_invalid_score": true, "interactive": false,
			"js_url": "https://www.recaptcha.net/recaptcha/api.js"}},
		{"authenticator/validate/", ``, map[string]any{"not_configured_action": "skip", "last_auth_threshold": "seconds=0",
			"device_classes": []any{"static", "totp", "webauthn", "duo", "sms", "email"}, "webauthn_allowed_device_types_obj": []any{}}},
		{"authenticator/totp/", `"digits":"6"`, map[string]any{"digits": "6", "friendly_name": "", "configure_flow": nil}},
		{"authenticator/webauthn/", ``, map[string]any{"user_verification": "preferred", "authenticator_attachment": nil,
			"resident_key_requirement": "preferred", "max_attempts": 0.0, "device_type_restrictions_obj": []any{}}},
		{"authenticator/static/", ``, map[string]any{"token_count": 6.0, "token_length": 12.0}},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			col := "/api/v3/stages/" + tc.prefix
			body := `{"name":"s-` + tc.prefix + `"`
			if tc.body != "" {
				body += "," + tc.body
			}
			m := e.mustCreate(col, body+"}")
			for k, v := range tc.want {
				assert.Equal(t, v, m[k], k)
			}
			assert.NotContains(t, m, "password", "write-only")
			assert.NotContains(t, m, "private_key", "write-only")
			assert.Equal(t, []any{}, m["flow_set"])
			pk := m["pk"].(string)
			st, got := e.rawJSON(http.MethodGet, col+pk+"/", "")
			require.Equal(t, 200, st)
			assert.Equal(t, m, got)
			st, l := e.rawJSON(http.MethodGet, col+"?name=s-"+tc.prefix, "")
			require.Equal(t, 200, st, "%v", l)
			assert.EqualValues(t, 1, l["pagination"].(map[string]any)["count"])
			st, got = e.rawJSON(http.MethodPut, col+pk+"/", `{"name":"renamed-`+tc.prefix+`"`+map[bool]string{true: "", false: "," + tc.body}[tc.body == ""]+`}`)
			require.Equal(t, 200, st, "%v", got)
			assert.Equal(t, "renamed-"+tc.prefix, got["name"])
			st, _ = e.rawJSON(http.MethodDelete, col+pk+"/", "")
			assert.Equal(t, 204, st)
			st, _ = e.rawJSON(http.MethodGet, "/api/v3/stages/all/"+pk+"/", "")
			assert.Equal(t, 404, st)
		})
	}
}

// Serializer validation: authentik/stages/*/api.py validate() and
// validate_<field>(), model validators, and Stage.name unique across types.
func TestStageValidation(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "identification/", `{"name":"x"}`,
			`{"non_field_errors":["When no user fields are selected, at least one source must be selected"]}`},
		// validate() reads the body only: a PATCH without user_fields fails.
		{"PATCH", "identification/{default-authentication-identification}/", `{"show_matched_user":false}`,
			`{"non_field_errors":["When no user fields are selected, at least one source must be selected"]}`},
		{"POST", "identification/", `{"name":"x","user_fields":["phone"]}`, `{"user_fields":{"0":["\"phone\" is not a valid choice."]}}`},
		{"POST", "identification/", `{"name":"x","user_fields":["email"],"password_stage":"{default-authentication-login}"}`,
			`{"password_stage":["Invalid pk \"{default-authentication-login}\" - object does not exist."]}`},
		{"POST", "user_logout/", `{"name":"default-authentication-login"}`, `{"name":["stage with this name already exists."]}`},
		{"POST", "prompt/stages/", `{"name":"default-user-settings","fields":["{default-user-settings-field-name}"]}`,
			`{"name":["This field must be unique."]}`},
		{"POST", "prompt/stages/", `{"name":"y","fields":[]}`, `{"fields":["This list may not be empty."]}`},
		{"POST", "redirect/", `{"name":"x","mode":"static"}`, `{"non_field_errors":["Target URL should be present when mode is Static."]}`},
		{"POST", "redirect/", `{"name":"x","mode":"flow","target_flow":null}`, `{"non_field_errors":["Target Flow should be present when mode is Flow."]}`},
		{"POST", "email/", `{"name":"x","template":"custom.html","from_address":"nope"}`,
			`{"from_address":["Enter a valid email address."],"template":["Invalid template 'custom.html' specified."]}`},
		{"POST", "authenticator/validate/", `{"name":"x","not_configured_action":"configure"}`,
			`{"not_configured_action":["When \"Not configured action\" is set to \"Configure\", you must set a configuration stage."]}`},
		{"POST", "authenticator/static/", `{"name":"x","token_length":101}`, `{"token_length":["Ensure this value is less than or equal to 100."]}`},
		{"POST", "authenticator/totp/", `{"name":"x","digits":7}`, `{"digits":["\"7\" is not a valid choice."]}`},
		{"POST", "user_login/", `{"name":"x","session_duration":"forever"}`,
			`{"session_duration":["forever is not in the correct format of 'hours=3;minutes=1'."]}`},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			st, body := e.raw(tc.method, "/api/v3/stages/"+e.subst(tc.path), e.subst(tc.body))
			assert.Equal(t, 400, st)
			assert.JSONEq(t, e.subst(tc.want), body)
		})
	}
	// A prompt stage named like a stage of another type passes the
	// serializer (its UniqueValidator looks at prompt stages only) and
	// fails in the database: a 500.
	st, _ := e.raw("POST", "/api/v3/stages/prompt/stages/", e.subst(`{"name":"default-authentication-login","fields":["{default-user-settings-field-name}"]}`))
	assert.Equal(t, 500, st)
}

// subst replaces {name} by the pk of the stage or prompt with that name.
func (e *env) subst(s string) string {
	return nameRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if pk := e.emu.StagePK(name); pk != "" {
			return pk
		}
		if pk := e.emu.PromptPK(name); pk != "" {
			return pk
		}
		return m
	})
}

var nameRef = regexp.MustCompile(`\{[a-z0-9-]+\}`)

// Flows: full CRUD looked up by slug (FlowViewSet.lookup_field), slug
// validated and unique, model defaults.
func TestFlowCRUDBySlug(t *testing.T) {
	e := newEnv(t)
	const col = "/api/v3/flows/instances/"
	m := e.mustCreate(col, `{"name":"Corp","slug":"corp-login","title":"Welcome","designation":"authentication"}`)
	for k, want := range map[string]any{"layout": "stacked", "denied_action": "message_continue", "authentication": "none",
		"policy_engine_mode": "any", "compatibility_mode": false, "background": "", "stages": []any{},
		"export_url": "/api/v3/flows/instances/corp-login/export/"} {
		assert.Equal(t, want, m[k], k)
	}
	st, body := e.raw("POST", col, `{"name":"Corp","slug":"corp-login","title":"W","designation":"authentication"}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"slug":["Flow with this slug already exists."]}`, body)
	st, body = e.raw("POST", col, `{"name":"Corp","slug":"corp login","title":"W","designation":"login"}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"slug":["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."],"designation":["\"login\" is not a valid choice."]}`, body)

	st, got := e.rawJSON("PATCH", col+"default-authentication-flow/", `{"title":"Sign in to Corp"}`)
	require.Equal(t, 200, st, "%v", got)
	f := e.emu.FlowFields("default-authentication-flow")
	assert.Equal(t, "Sign in to Corp", f["title"])
	assert.Equal(t, "Welcome to authentik!", f["name"], "other fields untouched")

	st, got = e.rawJSON("PUT", col+"corp-login/", `{"name":"Corp","slug":"corp-auth","title":"Welcome","designation":"authentication","layout":"sidebar_left"}`)
	require.Equal(t, 200, st, "%v", got)
	assert.Equal(t, "sidebar_left", got["layout"])
	st, _ = e.rawJSON("GET", col+"corp-login/", "")
	assert.Equal(t, 404, st)
	st, _ = e.rawJSON("GET", col+"?designation=login", "")
	assert.Equal(t, 400, st, "ChoiceFilter")
	st, l := e.rawJSON("GET", col+"?slug=corp-auth", "")
	require.Equal(t, 200, st)
	assert.EqualValues(t, 1, l["pagination"].(map[string]any)["count"])
	st, _ = e.rawJSON("DELETE", col+"corp-auth/", "")
	assert.Equal(t, 204, st)
}

// Flow-stage bindings: FlowStageBindingSerializer (validate(), the
// unique_together), filters, stage_obj, and the cascades of deleting a
// stage or a flow.
func TestFlowStageBindings(t *testing.T) {
	e := newEnv(t)
	const col = "/api/v3/flows/bindings/"
	flow := e.mustCreate("/api/v3/flows/instances/", `{"name":"C","slug":"c","title":"C","designation":"authentication"}`)["pk"].(string)
	ident := e.mustCreate("/api/v3/stages/identification/", `{"name":"c-id","user_fields":["email"]}`)["pk"].(string)
	b := e.mustCreate(col, fmt.Sprintf(`{"target":%q,"stage":%q,"order":10}`, flow, ident))
	assert.Equal(t, false, b["evaluate_on_plan"])
	assert.Equal(t, true, b["re_evaluate_policies"])
	assert.Equal(t, "retry", b["invalid_response_action"])
	assert.Equal(t, flow, b["target"])
	assert.Equal(t, "c-id", b["stage_obj"].(map[string]any)["name"])
	e.mustCreate(col, fmt.Sprintf(`{"target":%q,"stage":%q,"order":100}`, flow, e.emu.StagePK("default-authentication-login")))

	st, body := e.raw("POST", col, fmt.Sprintf(`{"target":%q,"stage":%q,"order":10}`, flow, ident))
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"non_field_errors":["The fields target, stage, order must make a unique set."]}`, body)
	st, body = e.raw("PATCH", col+b["pk"].(string)+"/", `{"re_evaluate_policies":false}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"non_field_errors":["Either evaluation on plan or evaluation on run must be enabled"]}`, body)

	l := res(e.c.FlowsApi.FlowsBindingsList(e.ctx).Target(flow).Execute()).must(t)
	require.Len(t, l.Results, 2)
	assert.EqualValues(t, []int32{10, 100}, []int32{l.Results[0].Order, l.Results[1].Order})
	st, _ = e.raw("GET", col+"?target="+e.emu.StagePK("c-id"), "")
	assert.Equal(t, 400, st, "a stage pk is no flow")
	st, m := e.rawJSON("GET", col+"?stage="+ident, "")
	require.Equal(t, 200, st)
	assert.EqualValues(t, 1, m["pagination"].(map[string]any)["count"])
	st, m = e.rawJSON("GET", col+"?search=c-id", "")
	require.Equal(t, 200, st)
	assert.EqualValues(t, 1, m["pagination"].(map[string]any)["count"])

	st, fl := e.rawJSON("GET", "/api/v3/flows/instances/c/", "")
	require.Equal(t, 200, st)
	assert.Equal(t, []any{ident, e.emu.StagePK("default-authentication-login")}, fl["stages"])

	// Deleting the stage deletes its binding; deleting the flow its others
	// and nulls the stage references to it.
	st, _ = e.raw("DELETE", "/api/v3/stages/all/"+ident+"/", "")
	assert.Equal(t, 204, st)
	assert.Len(t, e.emu.FlowBindings("c"), 1)
	e.mustCreate("/api/v3/stages/authenticator/totp/", fmt.Sprintf(`{"name":"t","digits":"8","configure_flow":%q}`, flow))
	st, _ = e.raw("DELETE", "/api/v3/flows/instances/c/", "")
	assert.Equal(t, 204, st)
	_, totp, _ := e.emu.StageFields("t")
	assert.Nil(t, totp["configure_flow"])
	assert.Equal(t, 20, e.emu.Counts()["flowstagebinding"], "the seeded bindings remain")
}

// Prompts: PromptSerializer, prompt_stages_obj, and a prompt stage's
// fields losing a deleted prompt.
func TestPromptsAndPromptStages(t *testing.T) {
	e := newEnv(t)
	const col = "/api/v3/stages/prompt/prompts/"
	p := e.mustCreate(col, `{"name":"corp-phone","field_key":"phone","label":"Phone","type":"text","order":10}`)
	for k, want := range map[string]any{"required": true, "placeholder": "", "initial_value": "", "sub_text": "",
		"placeholder_expression": false, "initial_value_expression": false, "order": 10.0, "prompt_stages_obj": []any{}} {
		assert.Equal(t, want, p[k], k)
	}
	st, body := e.raw("POST", col, `{"name":"corp-phone","field_key":"phone","label":"Phone","type":"phone"}`)
	assert.Equal(t, 400, st)
	assert.JSONEq(t, `{"name":["Prompt with this name already exists."],"type":["\"phone\" is not a valid choice."]}`, body)
	s := e.mustCreate("/api/v3/stages/prompt/stages/", fmt.Sprintf(`{"name":"corp-prompt","fields":[%q]}`, p["pk"]))
	st, got := e.rawJSON("GET", col+p["pk"].(string)+"/", "")
	require.Equal(t, 200, st)
	ps := got["prompt_stages_obj"].([]any)
	require.Len(t, ps, 1)
	assert.Equal(t, "corp-prompt", ps[0].(map[string]any)["name"])
	st, l := e.rawJSON("GET", "/api/v3/stages/prompt/stages/?fields="+p["pk"].(string), "")
	require.Equal(t, 200, st)
	assert.EqualValues(t, 1, l["pagination"].(map[string]any)["count"])
	st, _ = e.rawJSON("GET", "/api/v3/stages/prompt/stages/?fields="+s["pk"].(string), "")
	assert.Equal(t, 400, st, "ModelMultipleChoiceFilter: a stage pk is no prompt")
	st, _ = e.raw("DELETE", col+p["pk"].(string)+"/", "")
	assert.Equal(t, 204, st)
	_, f, _ := e.emu.StageFields("corp-prompt")
	assert.Equal(t, []string{}, f["fields"])
	l2 := res(e.c.StagesApi.StagesPromptPromptsList(e.ctx).PageSize(100).Execute()).must(t)
	b, _ := json.Marshal(l2.Results[0].Name)
	assert.NotEmpty(t, string(b))
}

// A fresh install has the policy bindings of blueprints/default/*.yaml,
// on the flows and flow-stage bindings their !KeyOf names, with the
// blueprint's attrs (failure_result: true on the authentication flow's
// two), and events-default.yaml's five on its notification rules.
func TestSeededBlueprintPolicyBindings(t *testing.T) {
	e := newEnv(t)
	flows := res(e.c.FlowsApi.FlowsInstancesList(e.ctx).PageSize(100).Execute()).must(t)
	target := map[string]string{}
	for _, f := range flows.Results {
		target[f.Pk] = "flow " + f.Slug
	}
	fsbs := res(e.c.FlowsApi.FlowsBindingsList(e.ctx).PageSize(100).Execute()).must(t)
	for _, b := range fsbs.Results {
		target[b.Pk] = fmt.Sprintf("binding %s/%s@%d", strings.TrimPrefix(target[b.Target], "flow "), b.StageObj.Name, b.Order)
	}
	rules := res(e.c.EventsApi.EventsRulesList(e.ctx).PageSize(100).Execute()).must(t)
	for _, r := range rules.Results {
		target[r.Pk] = "rule " + r.Name
	}
	list := res(e.c.PoliciesApi.PoliciesBindingsList(e.ctx).PageSize(100).Execute()).must(t)
	var got []string
	for _, b := range list.Results {
		got = append(got, fmt.Sprintf("%s: %s order %d failure_result %v enabled %v", target[b.Target],
			b.PolicyObj.Name, b.Order, b.GetFailureResult(), b.GetEnabled()))
	}
	assert.ElementsMatch(t, []string{
		"binding default-authentication-flow/default-authentication-password@20: default-authentication-flow-password-stage order 10 failure_result true enabled true",
		"binding default-authentication-flow/default-authentication-mfa-validation@30: default-authentication-flow-authenticator-validate-stage order 10 failure_result true enabled true",
		"flow default-source-authentication: default-source-authentication-if-sso order 0 failure_result false enabled true",
		"flow default-source-enrollment: default-source-enrollment-if-sso order 0 failure_result false enabled true",
		"binding default-source-enrollment/default-source-enrollment-prompt@0: default-source-enrollment-if-username order 0 failure_result false enabled true",
		"flow initial-setup: default-oobe-password-usable order 0 failure_result false enabled true",
		"binding initial-setup/default-password-change-write@20: default-oobe-prefill-user order 0 failure_result false enabled true",
		"binding initial-setup/default-authentication-login@100: default-oobe-flow-set-authentication order 0 failure_result false enabled true",
		"rule default-notify-configuration-error: default-match-configuration-error order 0 failure_result false enabled true",
		"rule default-notify-configuration-warning: default-match-configuration-warning order 0 failure_result false enabled true",
		"rule default-notify-update: default-match-update order 0 failure_result false enabled true",
		"rule default-notify-exception: default-match-policy-exception order 0 failure_result false enabled true",
		"rule default-notify-exception: default-match-property-mapping-exception order 1 failure_result false enabled true",
	}, got)
	assert.Equal(t, 13, e.emu.Counts()["binding"])

	// The same pks on every emulator with the same seed.
	again := res(newEnv(t).c.PoliciesApi.PoliciesBindingsList(e.ctx).PageSize(100).Execute()).must(t)
	require.Len(t, again.Results, len(list.Results))
	for i := range list.Results {
		assert.Equal(t, list.Results[i].Pk, again.Results[i].Pk)
	}
}
