package store

import (
	"slices"
	"sort"
)

type FlowStageBinding struct {
	PK      string // fsb_uuid
	PBMUUID string // policybindingmodel_ptr_id
	Attrs   map[string]any
}

// FlowBindingsOf returns a flow's stage bindings ordered by order (the
// Model's Meta ordering: target, order).
func (s *State) FlowBindingsOf(flowPK string) []*FlowStageBinding {
	var out []*FlowStageBinding
	for _, b := range s.FlowBindings {
		if b.Attrs["target"] == flowPK {
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Attrs["order"].(int64) < out[j].Attrs["order"].(int64)
	})
	return out
}

// DeleteFlowBinding removes a binding and the policy bindings on it.
func (s *State) DeleteFlowBinding(b *FlowStageBinding) {
	s.deleteBindingsFor(b.PBMUUID)
	s.FlowBindings = slices.DeleteFunc(s.FlowBindings, func(x *FlowStageBinding) bool { return x == b })
}
