package store

import (
	"slices"
	"strings"
)

type Flow struct {
	PK      string // flow_uuid
	PBMUUID string // policybindingmodel_ptr_id, the policy binding target
	Slug    string // Attrs["slug"], kept for the protocol views
	Attrs   map[string]any
}

// FlowStagePKs is Flow.stages: the stage of each binding (the M2M through
// FlowStageBinding), in binding order.
func (s *State) FlowStagePKs(f *Flow) []any {
	out := []any{}
	for _, b := range s.FlowBindingsOf(f.PK) {
		out = append(out, b.Attrs["stage"])
	}
	return out
}

func (s *State) FlowBySlug(slug string) *Flow {
	for _, f := range s.Flows {
		if f.Slug == slug {
			return f
		}
	}
	return nil
}

// FlowRef resolves a flow pk (as sent in provider bodies) to its canonical form.
func (s *State) FlowRef(pk string) string {
	for _, f := range s.Flows {
		if strings.EqualFold(f.PK, pk) {
			return f.PK
		}
	}
	return ""
}

// DeleteFlow removes a flow with its cascades: providers authorizing through
// it are deleted, other provider references become null, bindings on it go
// (flow-stage bindings with their own policy bindings), and stage
// references to it become null (SET_NULL / SET_DEFAULT None).
func (s *State) DeleteFlow(f *Flow) {
	s.clearBrandRefs(f.PK)
	for _, p := range append([]*Provider(nil), s.Providers...) {
		if p.AuthorizationFlow == f.PK {
			s.DeleteProvider(p)
			continue
		}
		if p.InvalidationFlow != nil && *p.InvalidationFlow == f.PK {
			p.InvalidationFlow = nil
		}
		if p.AuthenticationFlow != nil && *p.AuthenticationFlow == f.PK {
			p.AuthenticationFlow = nil
		}
	}
	s.deleteBindingsFor(f.PBMUUID)
	s.deleteBindingsFor(f.PK)
	for _, b := range s.FlowBindingsOf(f.PK) {
		s.DeleteFlowBinding(b)
	}
	s.ClearStageRefs("flow", f.PK)
	s.sourcesOnFlowDelete(f.PK)
	s.Flows = slices.DeleteFunc(s.Flows, func(x *Flow) bool { return x == f })
}
