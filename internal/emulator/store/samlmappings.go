package store

import "strings"

// Object is a stored object of a generic kind that has no struct of its own.
type Object struct {
	PK    string
	Attrs map[string]any
}

func (s *State) SamlMappingByPK(pk string) *Object {
	for _, m := range s.SamlMappings {
		if strings.EqualFold(m.PK, pk) {
			return m
		}
	}
	return nil
}

func (s *State) SamlMappingRef(pk string) string {
	if m := s.SamlMappingByPK(pk); m != nil {
		return m.PK
	}
	return ""
}

// MappingNameTaken checks PropertyMapping.name uniqueness over every subclass.
func (s *State) MappingNameTaken(name, self string) bool {
	for _, m := range append(append([]*Object(nil), s.Mappings...), s.SamlMappings...) {
		if m.Attrs["name"] == name && m.PK != self {
			return true
		}
	}
	for _, m := range s.OtherMappings {
		if m.Name() == name && m.PK != self {
			return true
		}
	}
	return false
}

// MappingManagedTaken checks PropertyMapping.managed uniqueness over every subclass.
func (s *State) MappingManagedTaken(managed, self string) bool {
	for _, m := range append(append([]*Object(nil), s.Mappings...), s.SamlMappings...) {
		if m.Attrs["managed"] == managed && m.PK != self {
			return true
		}
	}
	for _, m := range s.OtherMappings {
		if m.Attrs["managed"] == managed && m.PK != self {
			return true
		}
	}
	return false
}

// DeleteSAMLMapping removes a mapping: providers drop it from
// property_mappings; name_id_mapping / authn_context_class_ref_mapping
// (on_delete=SET_DEFAULT, default None) become null.
func (s *State) DeleteSAMLMapping(o *Object) {
	for _, p := range s.Providers {
		p.PropertyMappings = RemoveStr(p.PropertyMappings, o.PK)
		for _, f := range []string{"name_id_mapping", "authn_context_class_ref_mapping"} {
			if p.Attrs != nil && p.Attrs[f] == o.PK {
				p.Attrs[f] = nil
			}
		}
	}
	out := s.SamlMappings[:0]
	for _, x := range s.SamlMappings {
		if x != o {
			out = append(out, x)
		}
	}
	s.SamlMappings = out
	s.sourcesDropMapping(o.PK)
}
