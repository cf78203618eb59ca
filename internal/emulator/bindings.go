package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Policy bindings, as authentik/policies/api/bindings.py
// (PolicyBindingSerializer, PolicyBindingViewSet, PolicyBindingFilter) on
// authentik/policies/models.py (PolicyBinding). target is read outside the
// field table (readBase): it accepts any PolicyBindingModel and renders as
// the subclass's pk (PolicyBindingModelForeignKey). The other fields live
// in Attrs.
type binding struct {
	PK     string
	Target string // pbm uuid of an application, a flow or a flow-stage binding
	Attrs  map[string]any
}

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

var bindingKind = &kindDef[*binding]{
	kind: "policybinding", model: "PolicyBinding", prefix: "policies/bindings/", fields: bindingFields,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Iexact("target", "_target"), {Param: "target_in", Multi: true, Match: func(o httpapi.Getter, v []string) bool {
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
		pbm := func(v string) bool { return isUUID(v) && e.st.pbmRef(strings.ToLower(v)) != "" }
		return map[string]func(string) bool{
				"target": pbm,
				"policy": func(v string) bool { return e.refExists("policy", v) != "" },
			}, map[string]func(string) bool{
				"target_in": pbm,
			}
	},
	listExtra: func(e *Emulator, b *binding, m map[string]any) {
		m["_target"] = b.Target // filters compare the stored pbm_uuid
	},
	fast: func(b *binding, name string) (any, bool) {
		if name == "_target" {
			return b.Target, true
		}
		return nil, false
	},
	all: func(e *Emulator) []*binding { return e.st.bindings },
	byID: func(e *Emulator, id string) (*binding, bool) {
		for _, b := range e.st.bindings {
			if strings.EqualFold(b.PK, id) {
				return b, true
			}
		}
		return nil, false
	},
	fresh:  func(e *Emulator) *binding { return &binding{Attrs: map[string]any{}} },
	clone:  func(b *binding) *binding { n := *b; n.Attrs = cloneAttrs(b.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *binding) { *dst = *src },
	insert: func(e *Emulator, b *binding) {
		b.PK = e.newUUID()
		e.st.bindings = append(e.st.bindings, b)
	},
	remove: func(e *Emulator, b *binding) { e.st.deleteBinding(b) },
	attrs:  func(b *binding) map[string]any { return b.Attrs },
	key:    func(b *binding) string { return b.PK },
	pk:     func(b *binding) string { return b.PK },
	readBase: func(e *Emulator, f *httpapi.Form, b *binding) {
		var target *string
		if f.UuidRef("target", true, false, e.st.targetRef, &target) {
			b.Target = *target
		}
	},
	// PolicyBindingSerializer.validate.
	validate: func(e *Emulator, f *httpapi.Form, b *binding) *httpapi.Resp {
		// The model's unique_together (policy, target, order): DRF's
		// UniqueTogetherValidator skips it when policy is null.
		if p, ok := b.Attrs["policy"].(string); ok {
			for _, o := range e.st.bindings {
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
		set := 0
		for _, k := range []string{"group", "policy", "user"} {
			if f.Has(k) && !f.IsNull(k) {
				set++
			}
		}
		switch {
		case set > 1:
			r := httpapi.NonFieldError("Only one of 'group', 'policy', 'user' can be set.")
			return &r
		case set == 0:
			r := httpapi.NonFieldError("One of 'group', 'policy', 'user' must be set.")
			return &r
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, b *binding) map[string]any { return e.renderBindingComputed(b) },
}

type partialGroupOut struct {
	PK          string `json:"pk"`
	NumPK       int32  `json:"num_pk"`
	Name        string `json:"name"`
	IsSuperuser bool   `json:"is_superuser"`
	Attributes  any    `json:"attributes"`
}

// renderBindingComputed renders the serializer's computed fields: target
// as the subclass's pk, and the *_obj of the bound object.
func (e *Emulator) renderBindingComputed(b *binding) map[string]any {
	m := map[string]any{"pk": b.PK, "target": e.st.targetRepr(b.Target), "policy_obj": nil, "group_obj": nil,
		"user_obj": nil}
	if g := e.st.groupByPK(httpapi.FmtVal(b.Attrs["group"])); g != nil && b.Attrs["group"] != nil {
		m["group_obj"] = httpapi.ToMap(partialGroupOut{PK: g.PK, NumPK: g.NumPK, Name: g.name(), IsSuperuser: g.isSuperuser(),
			Attributes: g.attributes()})
	}
	if pk, ok := b.Attrs["user"].(int64); ok {
		if u := e.st.userByPK(int32(pk)); u != nil {
			m["user_obj"] = httpapi.ToMap(renderPartialUser(u))
		}
	}
	return m
}

// targetRef resolves a binding target: an application pk, or a flow's pk or
// policybindingmodel_ptr_id. It returns the canonical pbm uuid.
func (s *state) targetRef(pk string) string {
	if a := s.appByPK(pk); a != nil {
		return a.PK
	}
	if x := s.sourceByPK(pk); x != nil {
		return x.PK // a source's pk is its pbm_uuid
	}
	for _, f := range s.flows {
		if strings.EqualFold(f.PK, pk) || strings.EqualFold(f.PBMUUID, pk) {
			return f.PBMUUID
		}
	}
	for _, b := range s.flowBindings {
		if strings.EqualFold(b.PK, pk) || strings.EqualFold(b.PBMUUID, pk) {
			return b.PBMUUID
		}
	}
	return ""
}

// targetRepr is PolicyBindingModelForeignKey.to_representation
// (authentik/policies/api/bindings.py): the pk of the subclass, so a flow
// target shows its flow_uuid, not its policybindingmodel_ptr_id.
func (s *state) targetRepr(pbm string) string {
	for _, f := range s.flows {
		if strings.EqualFold(f.PBMUUID, pbm) {
			return f.PK
		}
	}
	for _, b := range s.flowBindings {
		if strings.EqualFold(b.PBMUUID, pbm) {
			return b.PK
		}
	}
	return pbm
}

// pbmRef resolves a filter value against PolicyBindingModel's own pk
// (pbm_uuid): an application pk or a flow's policybindingmodel_ptr_id. The
// target/target_in filters are model choice filters on that pk, so a
// flow_uuid is not a valid choice there.
func (s *state) pbmRef(pk string) string {
	if a := s.appByPK(pk); a != nil {
		return a.PK
	}
	if x := s.sourceByPK(pk); x != nil {
		return x.PK
	}
	for _, f := range s.flows {
		if strings.EqualFold(f.PBMUUID, pk) {
			return f.PBMUUID
		}
	}
	for _, b := range s.flowBindings {
		if strings.EqualFold(b.PBMUUID, pk) {
			return b.PBMUUID
		}
	}
	return ""
}

func (s *state) deleteBindingsFor(target string) {
	out := s.bindings[:0]
	for _, b := range s.bindings {
		if !strings.EqualFold(b.Target, target) {
			out = append(out, b)
		}
	}
	s.bindings = out
}

// deleteBinding removes one binding.
func (s *state) deleteBinding(b *binding) {
	out := s.bindings[:0]
	for _, x := range s.bindings {
		if x != b {
			out = append(out, x)
		}
	}
	s.bindings = out
}
