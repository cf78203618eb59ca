package emulator

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
	"github.com/provision/provision/internal/pyexpr"
)

// Policies: one Policy table (authentik/policies/models.py, Policy.name
// unique across every type) with a subclass per type, each served by the
// generic layer from its serializer's fields (authentik/policies/<type>/
// api.py, defaults from its models.py); /policies/all/ is
// authentik/policies/api/policies.py (PolicyViewSet: list, retrieve,
// delete). A policy binding may bind any of them (bindings.go).

type policyType struct {
	typ       string
	prefix    string
	model     string // Python class
	app       string // the app label's suffix: authentik_policies_<app>
	component string
	verbose   string // the model's Meta.verbose_name
	plural    string // its Meta.verbose_name_plural ("Expression Policies")
	fields    []fieldDef
	validate  func(e *Emulator, f *httpapi.Form, p *store.Policy) *httpapi.Resp
}

func (t *policyType) metaModel() string {
	return "authentik_policies_" + t.app + "." + strings.ToLower(t.model)
}

var policyTypes = []*policyType{
	// ExpressionPolicySerializer.validate_expression compiles it.
	{typ: "expression", prefix: "policies/expression/", model: "ExpressionPolicy", app: "expression",
		component: "ak-policy-expression-form", verbose: "Expression Policy", plural: "Expression Policies",
		fields: []fieldDef{{name: "expression", typ: ftString, required: true}}},
	{typ: "password", prefix: "policies/password/", model: "PasswordPolicy", app: "password",
		component: "ak-policy-password-form", verbose: "Password Policy", plural: "Password Policies",
		fields: []fieldDef{
			{name: "password_field", typ: ftString, def: "password", filter: "exact"},
			{name: "amount_digits", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "amount_uppercase", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "amount_lowercase", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "amount_symbols", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "length_min", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "symbol_charset", typ: ftString, def: `!\"#$%&'()*+,-./:;<=>?@[\]^_` + "`{|}~ ", filter: "exact"},
			{name: "error_message", typ: ftString, blank: true, def: "", filter: "exact"},
			{name: "check_static_rules", typ: ftBool, def: true, filter: "exact"},
			{name: "check_have_i_been_pwned", typ: ftBool, def: false, filter: "exact"},
			{name: "check_zxcvbn", typ: ftBool, def: false, filter: "exact"},
			{name: "hibp_allowed_count", typ: ftUint, def: int64(0), filter: "exact"},
			{name: "zxcvbn_score_threshold", typ: ftUint, def: int64(2), filter: "exact"},
		}},
	// ReputationPolicySerializer.validate reads check_ip and
	// check_username from the body (attrs.get(..., False)).
	{typ: "reputation", prefix: "policies/reputation/", model: "ReputationPolicy", app: "reputation",
		component: "ak-policy-reputation-form", verbose: "Reputation Policy", plural: "Reputation Policies",
		fields: []fieldDef{
			{name: "check_ip", typ: ftBool, def: true, filter: "exact"},
			{name: "check_username", typ: ftBool, def: true, filter: "exact"},
			{name: "threshold", typ: ftInt32, def: int64(-5), filter: "exact"},
		},
		validate: func(e *Emulator, f *httpapi.Form, p *store.Policy) *httpapi.Resp {
			ip, user := false, false
			f.Boolean("check_ip", &ip)
			f.Boolean("check_username", &user)
			if !ip && !user {
				r := httpapi.NonFieldError("Either IP or Username must be checked")
				return &r
			}
			return nil
		}},
	// EventMatcherPolicySerializer.validate (authentik/policies/
	// event_matcher/api.py): attrs["action"] == "" and attrs["client_ip"]
	// == "" and ...: at least one criteria when all four are "". It reads
	// attrs, the body's fields only, by subscript: a key it reaches that the
	// body lacks is a KeyError, a 500 (a PATCH without action, say). action
	// is a choice with no blank, so it is never "" there and the check
	// never refuses (TestEventMatcherValidate).
	{typ: "event_matcher", prefix: "policies/event_matcher/", model: "EventMatcherPolicy", app: "event_matcher",
		component: "ak-policy-event-matcher-form", verbose: "Event Matcher Policy", plural: "Event Matcher Policies",
		fields: []fieldDef{
			{name: "action", typ: ftChoiceNull, choices: eventActions, filter: "exact"},
			{name: "client_ip", typ: ftNullString, filter: "exact"},
			// ChoiceFields over the installed apps and models: any name
			// here (see FIDELITY.md).
			{name: "app", typ: ftNullString},
			{name: "model", typ: ftNullString},
		},
		validate: func(e *Emulator, f *httpapi.Form, p *store.Policy) *httpapi.Resp {
			for _, k := range []string{"action", "client_ip", "app", "model"} {
				if !f.Has(k) {
					r := httpapi.ServerError()
					return &r
				}
				if v, ok := p.Attrs[k].(string); !ok || v != "" {
					return nil
				}
			}
			r := httpapi.NonFieldError("At least one criteria must be set.")
			return &r
		}},
	{typ: "expiry", prefix: "policies/password_expiry/", model: "PasswordExpiryPolicy", app: "expiry",
		component: "ak-policy-password-expiry-form", verbose: "Password Expiry Policy", plural: "Password Expiry Policies",
		fields: []fieldDef{
			{name: "days", typ: ftInt32, required: true, filter: "exact"},
			{name: "deny_only", typ: ftBool, def: false, filter: "exact"},
		}},
	{typ: "dummy", prefix: "policies/dummy/", model: "DummyPolicy", app: "dummy",
		component: "ak-policy-dummy-form", verbose: "Dummy Policy", plural: "Dummy Policies",
		fields: []fieldDef{
			{name: "result", typ: ftBool, def: false, filter: "exact"},
			{name: "wait_min", typ: ftInt32, def: int64(5), filter: "exact"},
			{name: "wait_max", typ: ftInt32, def: int64(30), filter: "exact"},
		}},
	{typ: "geoip", prefix: "policies/geoip/", model: "GeoIPPolicy", app: "geoip",
		component: "ak-policy-geoip-form", verbose: "GeoIP Policy", plural: "GeoIP Policies",
		fields: []fieldDef{
			{name: "asns", typ: ftIntList, allowEmpty: true, def: []int64{}},
			{name: "countries", typ: ftStrList, required: true, allowEmpty: true, def: []string{}},
			{name: "check_history_distance", typ: ftBool, def: false},
			{name: "history_max_distance_km", typ: ftUint, def: int64(100), max: 9223372036854775807},
			{name: "distance_tolerance_km", typ: ftUint, def: int64(50)},
			{name: "history_login_count", typ: ftUint, def: int64(5)},
			{name: "check_impossible_travel", typ: ftBool, def: false},
			{name: "impossible_tolerance_km", typ: ftUint, def: int64(100)},
		}},
	// UniquePasswordPolicySerializer has EnterpriseRequiredMixin
	// (authentik/enterprise/api.py): a fresh install has no license
	// (Options.Enterprise).
	{typ: "unique_password", prefix: "policies/unique_password/", model: "UniquePasswordPolicy", app: "unique_password",
		component: "ak-policy-password-uniqueness-form", verbose: "Password Uniqueness Policy", plural: "Password Uniqueness Policies",
		fields: []fieldDef{
			{name: "password_field", typ: ftString, def: "password", filter: "exact"},
			{name: "num_historical_passwords", typ: ftUint, def: int64(1), filter: "exact"},
		},
		validate: func(e *Emulator, f *httpapi.Form, p *store.Policy) *httpapi.Resp { return e.enterpriseRequired() }},
}

// eventActions are EventAction's values (authentik/events/models.py).
var eventActions = []string{"login", "login_failed", "logout", "user_write", "suspicious_request", "password_set",
	"secret_view", "secret_rotate", "invitation_used", "authorize_application", "source_linked", "impersonation_started",
	"impersonation_ended", "flow_execution", "policy_execution", "policy_exception", "property_mapping_exception",
	"system_task_execution", "system_task_exception", "system_exception", "configuration_error", "model_created",
	"model_updated", "model_deleted", "email_sent", "update_available", "export_ready", "custom_",
	// authentik 2026.2.2's EventAction has these too (its default
	// blueprint events-default.yaml matches configuration_warning);
	// schema.yml of the 2026.2.0 API module does not list them (the
	// contract check adds them: contract.NewerEventActions).
	"configuration_warning", "review_initiated", "review_overdue", "review_attested", "review_completed"}

var policyTypeByName = map[string]*policyType{}

func init() {
	for _, t := range policyTypes {
		policyTypeByName[t.typ] = t
	}
}

// kind builds the generic kind of a policy type.
func (t *policyType) kind() *kindDef[*store.Policy] {
	fields := append([]fieldDef{{name: "execution_logging", typ: ftBool, def: false, filter: "exact"}}, t.fields...)
	meta := t.metaModel()
	return &kindDef[*store.Policy]{
		kind: strings.ToLower(t.model), model: t.model, metaModel: meta, prefix: t.prefix, fields: fields,
		list: httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.IExact("policy_uuid", "pk")}, SearchFields: []string{"name"}, Order: []string{"name"}},
		all: func(e *Emulator) []*store.Policy {
			var out []*store.Policy
			for _, p := range e.st.Policies {
				if p.Type == t.typ {
					out = append(out, p)
				}
			}
			return out
		},
		byID: func(e *Emulator, id string) (*store.Policy, bool) {
			p := e.st.PolicyByPK(id)
			return p, p != nil && p.Type == t.typ
		},
		fresh:  func(e *Emulator) *store.Policy { return &store.Policy{Type: t.typ, Attrs: map[string]any{}} },
		clone:  func(p *store.Policy) *store.Policy { n := *p; n.Attrs = cloneAttrs(p.Attrs); return &n },
		commit: func(_ *Emulator, dst, src *store.Policy) { *dst = *src },
		insert: func(e *Emulator, p *store.Policy) {
			p.PK = e.newUUID()
			e.st.Policies = append(e.st.Policies, p)
		},
		remove: func(e *Emulator, p *store.Policy) { e.st.DeletePolicy(p) },
		attrs:  func(p *store.Policy) map[string]any { return p.Attrs },
		key:    func(p *store.Policy) string { return httpapi.FmtVal(p.Attrs["name"]) },
		pk:     func(p *store.Policy) string { return p.PK },
		readBase: func(e *Emulator, f *httpapi.Form, p *store.Policy) {
			var name string
			if f.Str("name", true, false, &name) {
				p.Attrs["name"] = name
				for _, o := range e.st.Policies {
					if o.PK != p.PK && o.Attrs["name"] == name {
						f.Fail("name", "policy with this name already exists.")
					}
				}
			}
		},
		fieldChecks: func(e *Emulator, f *httpapi.Form, p *store.Policy) {
			if t.typ != "expression" || f.Errs["expression"] != nil || !f.Has("expression") {
				return
			}
			// PolicyEvaluator(name).validate: "temp-policy" on create.
			name := "temp-policy"
			if p.PK != "" {
				name = httpapi.FmtVal(e.st.PolicyByPK(p.PK).Attrs["name"])
			}
			if err := pyexpr.CheckExpression(httpapi.FmtVal(p.Attrs["expression"])); err != nil {
				f.Fail("expression", "Expression Syntax Error: "+err.Format(name))
			}
		},
		validate: t.validate,
		render:   func(e *Emulator, _ *httpapi.Call, p *store.Policy) map[string]any { return e.renderPolicyBase(p) },
	}
}

// renderPolicyBase is PolicySerializer: the base fields with the concrete
// type's component and names, and bound_to.
func (e *Emulator) renderPolicyBase(p *store.Policy) map[string]any {
	t := policyTypeByName[p.Type]
	bound := 0
	for _, b := range e.st.Bindings {
		if pk, ok := b.Attrs["policy"].(string); ok && strings.EqualFold(pk, p.PK) {
			bound++
		}
	}
	return map[string]any{"pk": p.PK, "name": p.Attrs["name"], "execution_logging": p.Attrs["execution_logging"],
		"component": t.component, "verbose_name": t.verbose, "verbose_name_plural": t.plural,
		"meta_model_name": t.metaModel(), "bound_to": bound}
}

// policyKindOf is the generic kind of a policy type.
func policyKindOf(typ string) *kindDef[*store.Policy] {
	for _, k := range policyKinds {
		if d := k.(*kindDef[*store.Policy]); d.prefix == policyTypeByName[typ].prefix {
			return d
		}
	}
	return nil
}

var policyKinds = func() []genericKind {
	var out []genericKind
	for _, t := range policyTypes {
		out = append(out, t.kind())
	}
	return out
}()

// allPoliciesKind is /policies/all/ (authentik/policies/api/policies.py,
// PolicyViewSet): list, retrieve and delete any type.
var allPoliciesKind = &kindDef[*store.Policy]{
	kind: "policy", model: "Policy", prefix: "policies/all/", noWrite: true,
	list:   httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name")}, SearchFields: []string{"name"}, Order: []string{"name"}},
	all:    func(e *Emulator) []*store.Policy { return e.st.Policies },
	byID:   func(e *Emulator, id string) (*store.Policy, bool) { p := e.st.PolicyByPK(id); return p, p != nil },
	remove: func(e *Emulator, p *store.Policy) { e.st.DeletePolicy(p) },
	attrs:  func(*store.Policy) map[string]any { return map[string]any{} },
	key:    func(p *store.Policy) string { return httpapi.FmtVal(p.Attrs["name"]) },
	pk:     func(p *store.Policy) string { return p.PK },
	render: func(e *Emulator, _ *httpapi.Call, p *store.Policy) map[string]any { return e.renderPolicyBase(p) },
	fast: func(p *store.Policy, name string) (any, bool) {
		if name == "name" {
			return p.Attrs["name"], true
		}
		return nil, false
	},
}

// PolicyFields returns the type and writable fields of the policy with
// this name (nil when there is none), for tests.
func (e *Emulator) PolicyFields(name string) (string, map[string]any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.st.Policies {
		if p.Attrs["name"] == name {
			m := e.naturalFields(policyTypeByName[p.Type].fields, p.Attrs)
			m["name"], m["execution_logging"] = name, p.Attrs["execution_logging"]
			return p.Type, m
		}
	}
	return "", nil
}

// PolicyBinding is a policy binding as tests see it: what it binds by name
// ("policy:corp-email", "group:Staff", "user:akadmin") and its fields.
type PolicyBinding struct {
	Binds         string
	Order         int
	Enabled       bool
	Negate        bool
	Timeout       int
	FailureResult bool
}

// PolicyBindingsOn returns the bindings on an application (by slug), a
// flow (by slug), a flow's stage binding ("flow-slug/stage-name"), a
// source (by slug) or a notification rule (by name), in order, for tests.
func (e *Emulator) PolicyBindingsOn(kind, key string) []PolicyBinding {
	e.mu.Lock()
	defer e.mu.Unlock()
	target := ""
	switch kind {
	case "application":
		if a := e.st.AppBySlug(key); a != nil {
			target = a.PK
		}
	case "flow":
		if f := e.st.FlowBySlug(key); f != nil {
			target = f.PBMUUID
		}
	case "source":
		if s := e.st.SourceBySlug(key); s != nil {
			target = s.PK
		}
	case "notification rule":
		for _, r := range e.st.Rules {
			if r.Attrs["name"] == key {
				target = r.PK
			}
		}
	case "flow stage binding":
		slug, stage, _ := strings.Cut(key, "/")
		if f := e.st.FlowBySlug(slug); f != nil {
			for _, b := range e.st.FlowBindingsOf(f.PK) {
				if s := e.st.StageByPK(httpapi.FmtVal(b.Attrs["stage"])); s != nil && s.Attrs["name"] == stage {
					target = b.PBMUUID
				}
			}
		}
	}
	out := []PolicyBinding{}
	for _, b := range e.st.Bindings {
		if target == "" || !strings.EqualFold(b.Target, target) {
			continue
		}
		a := b.Attrs
		order, _ := a["order"].(int64)
		timeout, _ := a["timeout"].(int64)
		pb := PolicyBinding{Order: int(order), Enabled: a["enabled"] == true, Negate: a["negate"] == true,
			Timeout: int(timeout), FailureResult: a["failure_result"] == true}
		switch {
		case a["policy"] != nil:
			pb.Binds = "policy:" + e.naturalKey("policy", httpapi.FmtVal(a["policy"]))
		case a["group"] != nil:
			pb.Binds = "group:" + e.naturalKey("group", httpapi.FmtVal(a["group"]))
		case a["user"] != nil:
			if u := e.st.UserByPK(int32(a["user"].(int64))); u != nil {
				pb.Binds = "user:" + u.Username
			}
		}
		out = append(out, pb)
	}
	slices.SortStableFunc(out, func(a, b PolicyBinding) int { return a.Order - b.Order })
	return out
}
