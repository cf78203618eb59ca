package store

import (
	"slices"
	"strings"
)

type Stage struct {
	PK    string // stage_uuid
	Type  string // the stageTypes key, e.g. "identification"
	Attrs map[string]any
}

func (s *State) StageByPK(pk string) *Stage {
	for _, x := range s.Stages {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

func (s *State) FlowByPK(pk string) *Flow {
	for _, f := range s.Flows {
		if strings.EqualFold(f.PK, pk) {
			return f
		}
	}
	return nil
}

// DeleteStage removes a stage with its cascades: its flow bindings go,
// references from other stages become null or leave their lists.
func (s *State) DeleteStage(x *Stage) {
	for _, b := range append([]*FlowStageBinding(nil), s.FlowBindings...) {
		if b.Attrs["stage"] == x.PK {
			s.DeleteFlowBinding(b)
		}
	}
	s.Stages = slices.DeleteFunc(s.Stages, func(o *Stage) bool { return o == x })
	s.ClearStageRefs("stage", x.PK)
}

// ClearStageRefs applies on_delete for a deleted object of kind ref
// ("flow", "stage", "group", "prompt"): FKs become null (SET_NULL,
// SET_DEFAULT None), M2M lists drop it.
func (s *State) ClearStageRefs(ref, pk string) {
	for _, x := range s.Stages {
		for _, name := range s.StageRefFields(x.Type, ref) {
			switch v := x.Attrs[name].(type) {
			case string:
				if v == pk {
					x.Attrs[name] = nil
				}
			case []string:
				x.Attrs[name] = slices.DeleteFunc(slices.Clone(v), func(p string) bool { return p == pk })
			}
		}
	}
}
