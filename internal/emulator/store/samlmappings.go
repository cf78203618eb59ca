package store

import "strings"

// Object is a stored object of a generic kind that has no struct of its own.
type Object struct {
	PK    string
	Attrs map[string]any
}

func (s *State) SAMLMappingByPK(pk string) *Object {
	for _, m := range s.SAMLMappings {
		if strings.EqualFold(m.PK, pk) {
			return m
		}
	}
	return nil
}

func (s *State) SAMLMappingRef(pk string) string {
	if m := s.SAMLMappingByPK(pk); m != nil {
		return m.PK
	}
	return ""
}

// MappingNameTaken checks PropertyMapping.name uniqueness over every subclass.
func (s *State) MappingNameTaken(name, self string) bool {
	for _, m := range append(append([]*Object(nil), s.Mappings...), s.SAMLMappings...) {
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
	for _, m := range append(append([]*Object(nil), s.Mappings...), s.SAMLMappings...) {
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
	out := s.SAMLMappings[:0]
	for _, x := range s.SAMLMappings {
		if x != o {
			out = append(out, x)
		}
	}
	s.SAMLMappings = out
	s.sourcesDropMapping(o.PK)
}
