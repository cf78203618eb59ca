package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

var bindingFields = []fieldDef{
	{name: "policy", typ: ftRef, ref: "policy"},
	{name: "group", typ: ftRef, ref: "group"},
	{name: "user", typ: ftIntRef, ref: "user"},
	{name: "negate", typ: ftBool, def: false},
	{name: "enabled", typ: ftBool, def: true, filter: "exact"},
	{name: "order", typ: ftInt32, required: true, filter: "exact"},
	{name: "timeout", typ: ftUint, def: int64(30), filter: "exact"},
	{name: "failure_result", typ: ftBool, def: false},
}

var bindingKind = &kindDef[*store.Binding]{
	kind: "policybinding", model: "PolicyBinding", metaModel: "authentik_policies.policybinding", prefix: "policies/bindings/",
	fields: bindingFields,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.IExact("target", "_target"), {Param: "target_in", Multi: true, Match: func(o httpapi.Getter, v []string) bool {
			for _, t := range v {
				if strings.EqualFold(t, httpapi.FmtVal(o("_target"))) {
					return true
				}
			}
			return false
		}}, httpapi.IsNull("policy__isnull", "policy")},
		SearchFields: []string{"_policy_name"},
		Order:        []string{"order", "pk"},
		OrderFields:  []string{"order", "target", "pk"},
	},
	refFilters: func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		pbm := func(v string) bool { return isUUID(v) && e.st.PbmRef(strings.ToLower(v)) != "" }
		return map[string]func(string) bool{
				"target": pbm,
				"policy": func(v string) bool { return e.refExists("policy", v) != "" },
			}, map[string]func(string) bool{
				"target_in": pbm,
			}
	},
	listExtra: func(e *Emulator, b *store.Binding, m map[string]any) {
		m["_target"] = b.Target // filters compare the stored pbm_uuid
	},
	fast: func(b *store.Binding, name string) (any, bool) {
		if name == "_target" {
			return b.Target, true
		}
		return nil, false
	},
	all: func(e *Emulator) []*store.Binding { return e.st.Bindings },
	byID: func(e *Emulator, id string) (*store.Binding, bool) {
		for _, b := range e.st.Bindings {
			if strings.EqualFold(b.PK, id) {
				return b, true
			}
		}
		return nil, false
	},
	fresh:  func(e *Emulator) *store.Binding { return &store.Binding{Attrs: map[string]any{}} },
	clone:  func(b *store.Binding) *store.Binding { n := *b; n.Attrs = cloneAttrs(b.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *store.Binding) { *dst = *src },
	insert: func(e *Emulator, b *store.Binding) {
		b.PK = e.newUUID()
		e.st.Bindings = append(e.st.Bindings, b)
	},
	remove: func(e *Emulator, b *store.Binding) { e.st.DeleteBinding(b) },
	attrs:  func(b *store.Binding) map[string]any { return b.Attrs },
	key:    func(b *store.Binding) string { return b.PK },
	pk:     func(b *store.Binding) string { return b.PK },
	readBase: func(e *Emulator, f *httpapi.Form, b *store.Binding) {
		var target *string
		if f.UUIDRef("target", true, false, e.st.TargetRef, &target) {
			b.Target = *target
		}
	},
	// PolicyBindingSerializer.validate.
	validate: func(e *Emulator, f *httpapi.Form, b *store.Binding) *httpapi.Resp {
		// The model's unique_together (policy, target, order): DRF's
		// UniqueTogetherValidator skips it when policy is null.
		if p, ok := b.Attrs["policy"].(string); ok {
			for _, o := range e.st.Bindings {
				if op, ok := o.Attrs["policy"].(string); ok && o.PK != b.PK && strings.EqualFold(op, p) &&
					strings.EqualFold(o.Target, b.Target) && o.Attrs["order"] == b.Attrs["order"] {
					r := httpapi.NonFieldError("The fields policy, target, order must make a unique set.")
					return &r
				}
			}
		}
		// It reads the target from the body; without it authentik
		// dereferences None and answers 500.
		if !f.Has("target") {
			r := httpapi.ServerError()
			return &r
		}
		// target.supported_policy_binding_targets(): an application
		// entitlement's are group and user (authentik/core/models.py).
		supported := []string{"group", "policy", "user"}
		if e.st.EntitlementByPK(b.Target) != nil {
			supported = []string{"group", "user"}
		}
		set := 0
		for _, k := range supported {
			if f.Has(k) && !f.IsNull(k) {
				set++
			}
		}
		warning := "'" + strings.Join(supported, "', '") + "'"
		switch {
		case set > 1:
			r := httpapi.NonFieldError("Only one of " + warning + " can be set.")
			return &r
		case set == 0:
			r := httpapi.NonFieldError("One of " + warning + " must be set.")
			return &r
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, b *store.Binding) map[string]any { return e.renderBindingComputed(b) },
}

type partialGroupOut struct {
	PK          string `json:"pk"`
	NumPK       int32  `json:"num_pk"`
	Name        string `json:"name"`
	IsSuperuser bool   `json:"is_superuser"`
	Attributes  any    `json:"attributes"`
}

// renderBindingComputed renders the serializer's computed fields: target
// as the subclass's pk, and the *_obj of the bound object
// (authentik/policies/api/bindings.py, PolicyBindingSerializer).
func (e *Emulator) renderBindingComputed(b *store.Binding) map[string]any {
	m := map[string]any{"pk": b.PK, "target": e.st.TargetRepr(b.Target), "policy_obj": nil, "group_obj": nil,
		"user_obj": nil}
	if pk, ok := b.Attrs["policy"].(string); ok {
		if p := e.st.PolicyByPK(pk); p != nil {
			m["policy_obj"] = e.renderPolicyBase(p) // PolicySerializer(source="policy")
		}
	}
	if g := e.st.GroupByPK(httpapi.FmtVal(b.Attrs["group"])); g != nil && b.Attrs["group"] != nil {
		m["group_obj"] = httpapi.ToMap(partialGroupOut{PK: g.PK, NumPK: g.NumPK, Name: g.Name(), IsSuperuser: g.IsSuperuser(),
			Attributes: g.Attributes()})
	}
	if pk, ok := b.Attrs["user"].(int64); ok {
		if u := e.st.UserByPK(int32(pk)); u != nil {
			m["user_obj"] = httpapi.ToMap(renderPartialUser(u))
		}
	}
	return m
}
