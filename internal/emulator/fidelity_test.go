package emulator_test

// Tests for emulator fidelity round two (issue 15). Each test names the
// authentik source file (tag version/2026.2.2) whose behaviour it pins.

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

// authentik/core/models.py: Provider.backchannel_application is a ForeignKey
// with on_delete=CASCADE, so deleting an application deletes its backchannel
// providers (and their own cascades: outposts drop them).
func TestDeleteApplicationCascadesBackchannelProviders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	main := e.oauth2("bc-main")
	bc := e.proxy("bc-proxy")
	keep := e.oauth2("bc-keep")
	req := api.NewApplicationRequest("BC", "bc-app")
	req.SetProvider(main.Pk)
	req.SetBackchannelProviders([]int32{bc.Pk})
	res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*req).Execute()).must(t)
	op := api.NewOutpostRequest("bc-op", api.OUTPOSTTYPEENUM_PROXY, []int32{bc.Pk}, map[string]any{})
	o := res(e.c.OutpostsApi.OutpostsInstancesCreate(e.ctx).OutpostRequest(*op).Execute()).must(t)

	if st, _ := e.raw("DELETE", "/api/v3/core/applications/bc-app/", ""); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if st, _ := e.raw("GET", "/api/v3/providers/proxy/"+itoa(bc.Pk)+"/", ""); st != 404 {
		t.Errorf("backchannel provider survived its application: %d", st)
	}
	// The main provider is only unlinked (Application.provider is SET_NULL from the other side).
	res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, main.Pk).Execute()).must(t)
	res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, keep.Pk).Execute()).must(t)
	o = res(e.c.OutpostsApi.OutpostsInstancesRetrieve(e.ctx, o.Pk).Execute()).must(t)
	if len(o.Providers) != 0 {
		t.Errorf("outpost still lists the deleted provider: %v", o.Providers)
	}
}

// authentik/outposts/api/outposts.py (validate_config: dacite.from_dict into
// OutpostConfig, then timedelta_string_validator on refresh_interval) and
// authentik/core/api/utils.py (JSONDictField's is_dict message).
func TestOutpostConfigValidated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	px := e.proxy("cfg-px")
	body := func(cfg string) string {
		return `{"name":"cfg","type":"proxy","providers":[` + itoa(px.Pk) + `],"config":` + cfg + `}`
	}
	for _, tc := range []struct {
		name, cfg string
		status    int
		want      string
	}{
		{"not a dict", `"x"`, 400, `{"config":["Value must be a dictionary, and not have any duplicate keys."]}`},
		{"list", `[1]`, 400, `{"config":["Value must be a dictionary, and not have any duplicate keys."]}`},
		{"int for str", `{"refresh_interval":5}`, 400,
			`{"config":["Failed to validate config: wrong value type for field \"refresh_interval\" - should be \"str\" instead of value \"5\" of type \"int\""]}`},
		{"str for int", `{"kubernetes_replicas":"2"}`, 400,
			`{"config":["Failed to validate config: wrong value type for field \"kubernetes_replicas\" - should be \"int\" instead of value \"2\" of type \"str\""]}`},
		{"first field in dataclass order wins", `{"kubernetes_replicas":"2","log_level":null}`, 400,
			`{"config":["Failed to validate config: wrong value type for field \"log_level\" - should be \"str\" instead of value \"None\" of type \"NoneType\""]}`},
		{"dict values are checked", `{"docker_labels":{"a":1,"b":"x"}}`, 400,
			`{"config":["Failed to validate config: wrong value type for field \"docker_labels\" - should be \"dict[str, str] | None\" instead of value \"{'a': 1, 'b': 'x'}\" of type \"dict\""]}`},
		{"float", `{"authentik_host_insecure":1.0}`, 400,
			`{"config":["Failed to validate config: wrong value type for field \"authentik_host_insecure\" - should be \"bool\" instead of value \"1.0\" of type \"float\""]}`},
		{"bad interval", `{"refresh_interval":"5m"}`, 400,
			`{"config":["5m is not in the correct format of 'hours=3;minutes=1'."]}`},
		// Keys are lower-cased but not stripped (authentik/lib/utils/time.py).
		{"leading space in key", `{"refresh_interval":" hours=1"}`, 400,
			`{"config":[" hours=1 is not in the correct format of 'hours=3;minutes=1'."]}`},
		{"timedelta overflow is an uncaught OverflowError", `{"refresh_interval":"days=inf"}`, 500, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, b := e.raw("POST", "/api/v3/outposts/instances/", body(tc.cfg))
			if st != tc.status || (tc.want != "" && b != tc.want) {
				t.Errorf("got %d %s\nwant %d %s", st, b, tc.status, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		cfg  string
		secs float64
	}{
		{`{}`, 300},
		{`{"refresh_interval":"Hours=1","unknown_key":[1]}`, 3600},
		{`{"refresh_interval":"hours=1;bogus=x;Minutes=1.5","kubernetes_replicas":true,"docker_labels":null}`, 3690},
	} {
		st, m := e.rawJSON("POST", "/api/v3/outposts/instances/", body(tc.cfg))
		if st != 201 {
			t.Errorf("%s: %d %v", tc.cfg, st, m)
			continue
		}
		if m["refresh_interval_s"] != tc.secs {
			t.Errorf("%s: refresh_interval_s = %v, want %v", tc.cfg, m["refresh_interval_s"], tc.secs)
		}
		e.raw("DELETE", "/api/v3/outposts/instances/"+m["pk"].(string)+"/", "")
	}
}

// authentik/lib/utils/time.py: keys are lower-cased, so provider durations
// accept "Hours=1"; parts with unknown keys are skipped unparsed.
func TestProviderDurationsFollowTimedeltaFromString(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.oauth2("dur")
	path := "/api/v3/providers/oauth2/" + itoa(p.Pk) + "/"
	for _, tc := range []struct {
		val    string
		status int
	}{
		{"Hours=1", 200}, {"hours=1;foo=bar", 200}, {"hours=1_000", 200}, {"hours=-1.5e1", 200},
		{"hours", 400}, {"hours=1=2", 400}, {"foo=1", 400}, {"hours=nan", 400}, {"hours=0x10", 400},
		{"weeks=1e20", 500},
	} {
		st, b := e.raw("PATCH", path, `{"access_token_validity":"`+tc.val+`"}`)
		if st != tc.status {
			t.Errorf("%q: %d %s, want %d", tc.val, st, b, tc.status)
		}
	}
}

// authentik/core/api/property_mappings.py (validate_expression) with
// authentik/lib/expression/evaluator.py (wrap_expression, validate): the
// expression is compiled inside a function body; the file name is the
// stored mapping's name, or "None" on create.
func TestScopeMappingExpressionSyntaxChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, b := e.raw("POST", "/api/v3/propertymappings/provider/scope/",
		`{"name":"bad","scope_name":"bad","expression":"return {\"a\": 1"}`)
	if want := `{"expression":["Expression Syntax Error: '{' was never closed (None, line 2)"]}`; st != 400 || b != want {
		t.Errorf("create: %d %s, want 400 %s", st, b, want)
	}
	// A body without return, or with a bare return, is valid Python.
	st, m := e.rawJSON("POST", "/api/v3/propertymappings/provider/scope/",
		`{"name":"ok","scope_name":"ok","expression":"x = {\"a\": 1}\nif x:\n    return x\nreturn"}`)
	if st != 201 {
		t.Fatalf("valid expression: %d %v", st, m)
	}
	path := "/api/v3/propertymappings/provider/scope/" + m["pk"].(string) + "/"
	st, b = e.raw("PATCH", path, `{"name":"renamed","expression":"if True:\nreturn 1"}`)
	if want := `{"expression":["Expression Syntax Error: expected an indented block after 'if' statement on line 2 (ok, line 3)"]}`; st != 400 || b != want {
		t.Errorf("update: %d %s, want 400 %s", st, b, want)
	}
}

// SAMLPropertyMappingSerializer inherits PropertyMappingSerializer's
// validate_expression (authentik/providers/saml/api/property_mappings.py).
func TestSAMLMappingExpressionSyntaxChecked(t *testing.T) {
	e := newEnv(t)
	st, b := e.raw("POST", "/api/v3/propertymappings/provider/saml/",
		`{"name":"bad","saml_name":"bad","expression":"return {\"a\": 1"}`)
	if want := `{"expression":["Expression Syntax Error: '{' was never closed (None, line 2)"]}`; st != 400 || b != want {
		t.Errorf("create: %d %s, want 400 %s", st, b, want)
	}
}

// authentik/providers/oauth2/api/scopes.py: no_space rejects " " only.
func TestScopeNameRejectsSpacesOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, b := e.raw("POST", "/api/v3/propertymappings/provider/scope/", `{"name":"tab","scope_name":"a\tb","expression":"return {}"}`)
	if st != 201 {
		t.Errorf("tab in scope_name: %d %s", st, b)
	}
	st, b = e.raw("POST", "/api/v3/propertymappings/provider/scope/", `{"name":"sp","scope_name":"a b","expression":"return {}"}`)
	if st != 400 || b != `{"scope_name":["Value must not contain spaces."]}` {
		t.Errorf("space in scope_name: %d %s", st, b)
	}
}

// django-filter ChoiceFilter/MultipleChoiceFilter/AllValuesMultipleFilter as
// declared in authentik/flows/api/flows.py (filterset_fields designation,
// denied_action), authentik/providers/oauth2/api/providers.py (client_type,
// sub_mode, issuer_mode), authentik/core/api/property_mappings.py (managed)
// and authentik/crypto/api.py (key_type): an unknown value is a 400.
func TestUnknownChoiceFilterValuesAre400(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct{ path, param, value string }{
		{"/api/v3/flows/instances/", "designation", "nope"},
		{"/api/v3/flows/instances/", "denied_action", "nope"},
		{"/api/v3/providers/oauth2/", "client_type", "secret"},
		{"/api/v3/providers/oauth2/", "sub_mode", "email"},
		{"/api/v3/providers/oauth2/", "issuer_mode", "local"},
		{"/api/v3/propertymappings/provider/scope/", "managed", "goauthentik.io/nope"},
		{"/api/v3/crypto/certificatekeypairs/", "key_type", "dsa2"},
	} {
		st, b := e.raw("GET", tc.path+"?"+tc.param+"="+tc.value, "")
		want := `{"` + tc.param + `":["Select a valid choice. ` + tc.value + ` is not one of the available choices."]}`
		if st != 400 || b != want {
			t.Errorf("%s?%s=%s: %d %s, want 400 %s", tc.path, tc.param, tc.value, st, b, want)
		}
	}
	for _, path := range []string{
		"/api/v3/flows/instances/?designation=invalidation",
		"/api/v3/providers/oauth2/?client_type=public&sub_mode=user_email&issuer_mode=global",
		"/api/v3/propertymappings/provider/scope/?managed=goauthentik.io/providers/oauth2/scope-email",
		"/api/v3/crypto/certificatekeypairs/?key_type=ec",
	} {
		if st, b := e.raw("GET", path, ""); st != 200 {
			t.Errorf("%s: %d %s", path, st, b)
		}
	}
	// Filter errors of one filterset come back together.
	st, m := e.rawJSON("GET", "/api/v3/providers/oauth2/?client_type=x&signing_key=00000000-0000-4000-8000-000000000000", "")
	if st != 400 || m["client_type"] == nil || m["signing_key"] == nil {
		t.Errorf("combined filter errors: %d %v", st, m)
	}
}

// Django's UUIDField.to_python message reaches the body through
// PrimaryKeyRelatedField (queryset.get raises django ValidationError, which
// DRF's Serializer.to_internal_value reports on the field).
func TestMalformedUUIDInBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, b := e.raw("POST", "/api/v3/providers/oauth2/", `{"name":"u","authorization_flow":"abc","invalidation_flow":"`+
		e.flow("default-provider-invalidation-flow")+`","redirect_uris":[]}`)
	if want := `{"authorization_flow":["“abc” is not a valid UUID."]}`; st != 400 || b != want {
		t.Errorf("got %d %s, want 400 %s", st, b, want)
	}
}

// authentik/providers/proxy/api.py: validate_basic_auth_enabled is a field
// validator over initial_data, so its error is keyed basic_auth_enabled and
// the object-level validate() (internal_host) does not run.
func TestProxyBasicAuthErrorIsAFieldError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := `{"name":"ba","authorization_flow":"` + e.flow("default-provider-authorization-implicit-consent") +
		`","invalidation_flow":"` + e.flow("default-provider-invalidation-flow") +
		`","external_host":"https://ba.example.com","basic_auth_enabled":true,"basic_auth_user_attribute":"u"}`
	st, b := e.raw("POST", "/api/v3/providers/proxy/", body)
	if want := `{"basic_auth_enabled":["User and password attributes must be set when basic auth is enabled."]}`; st != 400 || b != want {
		t.Errorf("got %d %s, want 400 %s", st, b, want)
	}
}

// authentik/providers/proxy/api.py: filterset_fields has
// internal_host_ssl_validation: ["iexact"].
func TestProxyListInternalHostSSLValidationFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.proxy("ssl-on")
	st, m := e.rawJSON("GET", "/api/v3/providers/proxy/?internal_host_ssl_validation__iexact=false", "")
	if st != 200 || len(m["results"].([]any)) != 0 {
		t.Errorf("filter false: %d %v", st, m)
	}
	st, m = e.rawJSON("GET", "/api/v3/providers/proxy/?internal_host_ssl_validation__iexact=true", "")
	if st != 200 || len(m["results"].([]any)) != 1 {
		t.Errorf("filter true: %d %v", st, m)
	}
}

// authentik/core/api/groups.py: parents is declared on GroupSerializer, so
// a PUT without it keeps the parents; users has extra_kwargs default=list.
func TestGroupPutKeepsParentsClearsUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, parent := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"parent"}`)
	_, child := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"child","parents":["`+parent["pk"].(string)+`"],"users":[`+itoa(e.emu.AdminUserPK())+`]}`)
	st, m := e.rawJSON("PUT", "/api/v3/core/groups/"+child["pk"].(string)+"/", `{"name":"child"}`)
	if st != 200 {
		t.Fatalf("put: %d %v", st, m)
	}
	if ps := m["parents"].([]any); len(ps) != 1 || ps[0] != parent["pk"] {
		t.Errorf("parents after PUT = %v, want kept", ps)
	}
	if us := m["users"].([]any); len(us) != 0 {
		t.Errorf("users after PUT = %v, want cleared", us)
	}
}

// authentik/core/models.py: Group.num_pk is int(str(self.pk.int)[:5]).
func TestGroupNumPKFromUUID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st, m := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"n"}`)
	if st != 201 {
		t.Fatalf("%d %v", st, m)
	}
	n, ok := new(big.Int).SetString(strings.ReplaceAll(m["pk"].(string), "-", ""), 16)
	if !ok {
		t.Fatal("bad uuid")
	}
	want := n.String()[:5]
	if got := fmt.Sprint(m["num_pk"]); got != strings.TrimLeft(want, "0") {
		t.Errorf("num_pk = %s, want %s", got, want)
	}
}

// authentik/core/api/users.py: UserSelfSerializer.get_groups iterates
// all_groups().order_by("name"), so ancestor groups are listed.
func TestUsersMeListsAncestorGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, top := e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"a-top"}`)
	e.rawJSON("POST", "/api/v3/core/groups/", `{"name":"b-leaf","parents":["`+top["pk"].(string)+`"],"users":[`+itoa(e.emu.AdminUserPK())+`]}`)
	_, me := e.rawJSON("GET", "/api/v3/core/users/me/", "")
	var names []string
	for _, g := range me["user"].(map[string]any)["groups"].([]any) {
		names = append(names, g.(map[string]any)["name"].(string))
	}
	if got := strings.Join(names, ","); got != "a-top,authentik Admins,b-leaf" {
		t.Errorf("groups = %s", got)
	}
}

// authentik/policies/api/bindings.py: PolicyBindingModelForeignKey
// represents the target as the subclass pk (a flow's flow_uuid), while the
// target filter is a model choice filter on pbm_uuid.
func TestFlowBindingEchoesFlowUUID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, flow := e.rawJSON("GET", "/api/v3/flows/instances/default-authentication-flow/", "")
	flowUUID, pbm := flow["pk"].(string), flow["policybindingmodel_ptr_id"].(string)
	st, b := e.rawJSON("POST", "/api/v3/policies/bindings/", `{"target":"`+pbm+`","user":`+itoa(e.emu.AdminUserPK())+`,"order":0}`)
	if st != 201 || b["target"] != flowUUID {
		t.Errorf("create: %d target=%v, want %s", st, b["target"], flowUUID)
	}
	st, l := e.rawJSON("GET", "/api/v3/policies/bindings/?target="+pbm, "")
	if st != 200 || len(l["results"].([]any)) != 1 {
		t.Errorf("filter by pbm_uuid: %d %v", st, l)
	}
	if st, _ := e.raw("GET", "/api/v3/policies/bindings/?target="+flowUUID, ""); st != 400 {
		t.Errorf("filter by flow_uuid: %d, want 400 (not a PolicyBindingModel pk)", st)
	}
}

// Regex redirect URIs are compiled with Python's re
// (authentik/providers/oauth2/api/providers.py, RedirectURISerializer /
// validate_redirect_uris), which accepts lookarounds and backreferences that
// Go's RE2 refuses (issue 15, #12).
func TestRegexRedirectURIsFollowPythonRe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	authz, inval := e.flow("default-provider-authorization-implicit-consent"), e.flow("default-provider-invalidation-flow")
	// Possessive quantifiers and atomic groups: re has both since 3.11
	// (issue 28's correction of #12).
	for i, pattern := range []string{`https://(?!evil\\.)\\w+\\.example\\.com/cb`, `https://(?P<a>[a-z]+)\\.example\\.com/(?P=a)`,
		`https://[a-z]++\\.example\\.com/cb`, `https://(?>app|web)\\.example\\.com/cb`} {
		body := `{"name":"re` + string(rune('a'+i)) + `","authorization_flow":"` + authz + `","invalidation_flow":"` + inval +
			`","redirect_uris":[{"matching_mode":"regex","url":"` + pattern + `"}]}`
		status, out := e.raw("POST", "/api/v3/providers/oauth2/", body)
		if status != 201 {
			t.Errorf("%s: status %d: %s", pattern, status, out)
		}
	}
	status, out := e.raw("POST", "/api/v3/providers/oauth2/", `{"name":"bad","authorization_flow":"`+authz+`","invalidation_flow":"`+inval+`","redirect_uris":[{"matching_mode":"regex","url":"https://(a"}]}`)
	if status != 400 || out != `{"redirect_uris":["Invalid Regex Pattern: https://(a"]}` {
		t.Errorf("unbalanced pattern: %d %s", status, out)
	}
}
