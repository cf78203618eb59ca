package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// binding is a policies.PolicyBinding of a policy, a group or a user, on
// an application, a flow or a flow-stage binding.
type binding struct {
	PK            string
	Target        string // pbm uuid of an application or flow
	Policy        *string
	Group         *string
	User          *int32
	Order         int
	Enabled       bool
	Negate        bool
	Timeout       int
	FailureResult bool
}

type partialGroupOut struct {
	PK          string `json:"pk"`
	NumPK       int32  `json:"num_pk"`
	Name        string `json:"name"`
	IsSuperuser bool   `json:"is_superuser"`
	Attributes  any    `json:"attributes"`
}

type bindingOut struct {
	PK            string           `json:"pk"`
	Policy        *string          `json:"policy"`
	Group         *string          `json:"group"`
	User          *int32           `json:"user"`
	PolicyObj     map[string]any   `json:"policy_obj"`
	GroupObj      *partialGroupOut `json:"group_obj"`
	UserObj       *partialUserOut  `json:"user_obj"`
	Target        string           `json:"target"`
	Negate        bool             `json:"negate"`
	Enabled       bool             `json:"enabled"`
	Order         int              `json:"order"`
	Timeout       int              `json:"timeout"`
	FailureResult bool             `json:"failure_result"`
}

func (e *Emulator) renderBinding(b *binding) map[string]any {
	out := bindingOut{PK: b.PK, Policy: b.Policy, Group: b.Group, User: b.User, Target: e.st.targetRepr(b.Target),
		Negate: b.Negate, Enabled: b.Enabled, Order: b.Order, Timeout: b.Timeout, FailureResult: b.FailureResult}
	if b.Group != nil {
		if g := e.st.groupByPK(*b.Group); g != nil {
			out.GroupObj = &partialGroupOut{PK: g.PK, NumPK: g.NumPK, Name: g.Name, IsSuperuser: g.IsSuperuser, Attributes: g.Attributes}
		}
	}
	if b.User != nil {
		if u := e.st.userByPK(*b.User); u != nil {
			pu := renderPartialUser(u)
			out.UserObj = &pu
		}
	}
	return toMap(out)
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

func (e *Emulator) listBindings(c *call) resp {
	if r := e.checkRefFilters(c, map[string]func(string) bool{
		"target": func(v string) bool { return isUUID(v) && e.st.pbmRef(strings.ToLower(v)) != "" },
		"policy": func(v string) bool { return isUUID(v) && e.st.policyRef(v) != "" },
	}, map[string]func(string) bool{
		"target_in": func(v string) bool { return isUUID(v) && e.st.pbmRef(strings.ToLower(v)) != "" },
	}); r != nil {
		return *r
	}
	bs := e.st.bindings
	l := lazyList{n: len(bs), render: func(i int) map[string]any {
		m := e.renderBinding(bs[i])
		m["_target"] = bs[i].Target // filters compare the stored pbm_uuid
		return m
	}, fast: func(i int, name string) (any, bool) {
		b := bs[i]
		switch name {
		case "_target":
			return b.Target, true
		case "pk":
			return b.PK, true
		case "order":
			return json.Number(strconv.Itoa(b.Order)), true
		case "timeout":
			return json.Number(strconv.Itoa(b.Timeout)), true
		case "enabled":
			return b.Enabled, true
		}
		return nil, false
	}}
	res := e.listLazy(c, l, listSpec{
		filters: []filterSpec{iexact("target", "_target"), {param: "target_in", multi: true, match: func(o getter, v []string) bool {
			for _, t := range v {
				if strings.EqualFold(t, fmtVal(o("_target"))) {
					return true
				}
			}
			return false
		}}, isNull("policy__isnull", "policy"), boolExact("enabled", "enabled"), exact("order", "order"),
			exact("timeout", "timeout")},
		searchFields: []string{"_policy_name"},
		order:        []string{"order", "pk"},
		orderFields:  []string{"order", "target", "pk"},
	})
	stripPrivate(res)
	return res
}

func (e *Emulator) bindingFromURL(c *call) (*binding, *resp) {
	if !isUUID(c.id) {
		r := notFound()
		return nil, &r
	}
	for _, b := range e.st.bindings {
		if strings.EqualFold(b.PK, c.id) {
			return b, nil
		}
	}
	r := noMatch("PolicyBinding")
	return nil, &r
}

func (e *Emulator) getBinding(c *call) resp {
	b, r := e.bindingFromURL(c)
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderBinding(b)}
}

func (e *Emulator) createBinding(c *call) resp {
	b := &binding{Enabled: true, Timeout: 30}
	if r := e.writeBinding(c, b, false); r.status != 0 {
		return r
	}
	b.PK = e.newUUID()
	e.st.bindings = append(e.st.bindings, b)
	return resp{status: http.StatusCreated, body: e.renderBinding(b)}
}

func (e *Emulator) putBinding(c *call) resp   { return e.updateBinding(c, false) }
func (e *Emulator) patchBinding(c *call) resp { return e.updateBinding(c, true) }

func (e *Emulator) updateBinding(c *call, partial bool) resp {
	b, r := e.bindingFromURL(c)
	if r != nil {
		return *r
	}
	next := *b
	if r := e.writeBinding(c, &next, partial); r.status != 0 {
		return r
	}
	*b = next
	return resp{status: 200, body: e.renderBinding(b)}
}

// writeBinding validates a binding body into b (PolicyBindingSerializer).
func (e *Emulator) writeBinding(c *call, b *binding, partial bool) resp {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return *perr
	}
	var target *string
	if f.uuidRef("target", true, false, e.st.targetRef, &target) {
		b.Target = *target
	}
	f.uuidRef("policy", false, true, e.st.policyRef, &b.Policy)
	f.uuidRef("group", false, true, e.st.groupRef, &b.Group)
	f.intRef("user", false, true, e.st.userExists, &b.User)
	f.integer("order", true, -2147483648, 2147483647, &b.Order)
	f.boolean("enabled", &b.Enabled)
	f.boolean("negate", &b.Negate)
	f.integer("timeout", false, 0, 2147483647, &b.Timeout)
	f.boolean("failure_result", &b.FailureResult)
	if !f.ok() {
		return f.result()
	}
	// The model's unique_together (policy, target, order): DRF's
	// UniqueTogetherValidator skips it when policy is null.
	if b.Policy != nil {
		for _, o := range e.st.bindings {
			if o.PK != b.PK && o.Policy != nil && strings.EqualFold(*o.Policy, *b.Policy) &&
				strings.EqualFold(o.Target, b.Target) && o.Order == b.Order {
				return nonFieldError("The fields policy, target, order must make a unique set.")
			}
		}
	}
	// validate() reads the target from the body; without it authentik
	// dereferences None and answers 500.
	if !f.has("target") {
		return serverError()
	}
	set := 0
	for _, k := range []string{"group", "policy", "user"} {
		if f.has(k) && !f.isNull(k) {
			set++
		}
	}
	switch {
	case set > 1:
		return nonFieldError("Only one of 'group', 'policy', 'user' can be set.")
	case set == 0:
		return nonFieldError("One of 'group', 'policy', 'user' must be set.")
	}
	return resp{}
}

func (e *Emulator) deleteBinding(c *call) resp {
	b, r := e.bindingFromURL(c)
	if r != nil {
		return *r
	}
	out := e.st.bindings[:0]
	for _, x := range e.st.bindings {
		if x != b {
			out = append(out, x)
		}
	}
	e.st.bindings = out
	return resp{status: http.StatusNoContent}
}
