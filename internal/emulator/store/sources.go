package store

import (
	"slices"
	"strings"
)

type Source struct {
	PK    string // pbm_uuid
	Type  string // the sourceTypes key; "" for the built-in Source
	Attrs map[string]any
}

func (s *State) SourceBySlug(slug string) *Source {
	for _, x := range s.Sources {
		if x.Attrs["slug"] == slug {
			return x
		}
	}
	return nil
}

func (s *State) SourceByPK(pk string) *Source {
	for _, x := range s.Sources {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

func (s *State) SourceRef(pk string) string {
	if x := s.SourceByPK(pk); x != nil {
		return x.PK
	}
	return ""
}

// DeleteSource removes a source with its cascades: its policy bindings go,
// identification stages drop it.
func (s *State) DeleteSource(x *Source) {
	s.deleteBindingsFor(x.PK)
	s.ClearStageRefs("source", x.PK)
	s.Sources = slices.DeleteFunc(s.Sources, func(o *Source) bool { return o == x })
}

// sourcesOnFlowDelete applies a flow's deletion to sources:
// pre_authentication_flow CASCADE, the other two SET_NULL.
func (s *State) sourcesOnFlowDelete(flowPK string) {
	for _, x := range slices.Clone(s.Sources) {
		if x.Attrs["pre_authentication_flow"] == flowPK {
			s.DeleteSource(x)
			continue
		}
		for _, f := range []string{"authentication_flow", "enrollment_flow"} {
			if x.Attrs[f] == flowPK {
				x.Attrs[f] = nil
			}
		}
	}
}

// sourcesDropMapping removes a deleted mapping from every source's lists.
func (s *State) sourcesDropMapping(pk string) {
	for _, x := range s.Sources {
		for _, f := range []string{"user_property_mappings", "group_property_mappings"} {
			if l, ok := x.Attrs[f].([]string); ok {
				x.Attrs[f] = slices.DeleteFunc(slices.Clone(l), func(p string) bool { return strings.EqualFold(p, pk) })
			}
		}
	}
}
