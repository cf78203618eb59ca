package kinds

// Policies: one policies: section, type: picks the policy type. Policy
// names are unique across every type (one Policy table, name unique:
// authentik/policies/models.py Policy), so references name a "policy".
// Each descriptor cites its model; defaults are the model's field
// defaults (execution_logging=False on Policy for every type).
func policy(typ, path, model, schema string, defaults map[string]any) *Kind {
	d := map[string]any{"execution_logging": false}
	for k, v := range defaults {
		d[k] = v
	}
	return &Kind{Name: "policy", Section: "policies", Type: typ, Path: path, AllPath: "policies/all/", AllModel: "authentik_policies.policy", Model: model,
		Schema: schema, Key: "name", PK: "pk", Defaults: d}
}

// policyBinding binds a policy, a group or a user to a target: an
// application, a flow or a flow-stage binding (authentik/policies/models.py
// PolicyBinding, api/bindings.py PolicyBindingSerializer). The target is
// written and read as the target object's own pk (PolicyBindingModel
// ForeignKey.to_internal_value tries every subclass's pk;
// to_representation answers the subclass's pk), so the parent's pk is it.
var policyBinding = &Kind{
	Name:   "policy binding",
	Path:   "policies/bindings/",
	Model:  "authentik_policies.policybinding",
	Schema: "PolicyBindingRequest",
	PK:     "pk",
	Refs:   map[string]string{"policy": "policy", "group": "group", "user": "user"},
	// order has no model default; an omitted order is 0.
	Defaults: map[string]any{"order": 0, "enabled": true, "negate": false, "timeout": 30, "failure_result": false},
	Doc:      "A policy, group or user bound to the entry: who may use it.",
}

// policies is the policies: list an application, a flow or a flow-stage
// binding declares: each item binds exactly one of policy:, group:, user:.
var policies = Child{Field: "policies", Kind: policyBinding, Parent: "target", OneOf: []string{"policy", "group", "user"}}

// application is written by hand (internal/plan/kind_application.go); the
// engine diffs its policies: (its pk is its PolicyBindingModel's).
var application = &Kind{Name: "application", Section: "applications", Path: "core/applications/", Model: "authentik_core.application",
	Key: "slug", PK: "pk", Children: []Child{policies}}

func init() {
	expression := policy("expression", "policies/expression/", "authentik_policies_expression.expressionpolicy", "ExpressionPolicyRequest", nil)
	expression.Code = []string{"expression"}
	// ExpressionPolicySerializer.validate_expression compiles it.
	expression.Python = []string{"expression"}
	eventMatcher := policy("event_matcher", "policies/event_matcher/", "authentik_policies_event_matcher.eventmatcherpolicy", "EventMatcherPolicyRequest",
		map[string]any{"action": nil, "client_ip": nil, "app": nil, "model": nil})
	// EventMatcherPolicySerializer.validate reads attrs["action"],
	// ["client_ip"], ["app"] and ["model"]: every write carries all four,
	// so it never depends on how the server fills an omitted one.
	eventMatcher.SendAlways = []string{"action", "client_ip", "app", "model"}
	// events/models.py EventAction at 2026.2.2 (events-default.yaml's
	// default-match-configuration-warning matches the first).
	eventMatcher.NewerEnum = map[string][]string{"action": {"configuration_warning", "review_initiated", "review_overdue", "review_attested", "review_completed"}}
	reputation := policy("reputation", "policies/reputation/", "authentik_policies_reputation.reputationpolicy", "ReputationPolicyRequest",
		map[string]any{"check_ip": true, "check_username": true, "threshold": -5})
	// ReputationPolicySerializer.validate reads attrs.get("check_ip",
	// False) and check_username: the body only, so every write carries both.
	reputation.SendAlways = []string{"check_ip", "check_username"}
	Register(
		// policies/expression/models.py
		expression,
		// policies/password/models.py (symbol_charset is a raw string:
		// its \" keeps the backslash)
		policy("password", "policies/password/", "authentik_policies_password.passwordpolicy", "PasswordPolicyRequest",
			map[string]any{"password_field": "password", "check_static_rules": true, "check_have_i_been_pwned": false,
				"check_zxcvbn": false, "amount_digits": 0, "amount_uppercase": 0, "amount_lowercase": 0, "amount_symbols": 0,
				"length_min": 0, "symbol_charset": `!\"#$%&'()*+,-./:;<=>?@[\]^_` + "`{|}~ ", "error_message": "",
				"hibp_allowed_count": 0, "zxcvbn_score_threshold": 2}),
		// policies/reputation/models.py
		reputation,
		// policies/event_matcher/models.py
		eventMatcher,
		// policies/expiry/models.py
		policy("expiry", "policies/password_expiry/", "authentik_policies_expiry.passwordexpirypolicy", "PasswordExpiryPolicyRequest",
			map[string]any{"deny_only": false}),
		// policies/dummy/models.py
		policy("dummy", "policies/dummy/", "authentik_policies_dummy.dummypolicy", "DummyPolicyRequest",
			map[string]any{"result": false, "wait_min": 5, "wait_max": 30}),
		// policies/geoip/models.py
		policy("geoip", "policies/geoip/", "authentik_policies_geoip.geoippolicy", "GeoIPPolicyRequest",
			map[string]any{"asns": []any{}, "countries": []string{}, "distance_tolerance_km": 50, "check_history_distance": false,
				"history_max_distance_km": 100, "history_login_count": 5, "check_impossible_travel": false, "impossible_tolerance_km": 100}),
		// enterprise/policies/unique_password/models.py
		policy("unique_password", "policies/unique_password/", "authentik_policies_unique_password.uniquepasswordpolicy", "UniquePasswordPolicyRequest",
			map[string]any{"password_field": "password", "num_historical_passwords": 1}),
	)
	Hosts = append(Hosts, application)
}
