package store

import "strings"

func (s *State) MappingByPK(pk string) *Object {
	for _, m := range s.Mappings {
		if strings.EqualFold(m.PK, pk) {
			return m
		}
	}
	return nil
}

// MappingRef resolves a PropertyMapping of any subclass.
func (s *State) MappingRef(pk string) string {
	if m := s.MappingByPK(pk); m != nil {
		return m.PK
	}
	if ref := s.SAMLMappingRef(pk); ref != "" {
		return ref
	}
	return s.otherMappingRef(pk)
}

func (s *State) MappingByManaged(managed string) *Object {
	for _, m := range s.Mappings {
		if m.Attrs["managed"] == managed {
			return m
		}
	}
	return nil
}

// DeleteScopeMapping removes a mapping and drops it from every provider.
func (s *State) DeleteScopeMapping(m *Object) {
	for _, p := range s.Providers {
		p.PropertyMappings = RemoveStr(p.PropertyMappings, m.PK)
	}
	out := s.Mappings[:0]
	for _, x := range s.Mappings {
		if x != m {
			out = append(out, x)
		}
	}
	s.Mappings = out
	s.sourcesDropMapping(m.PK)
}
