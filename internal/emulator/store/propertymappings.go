package store

import "strings"

// DeleteOtherMapping removes a seeded mapping of another type; providers
// drop it from property_mappings.
func (s *State) DeleteOtherMapping(o *OtherMapping) {
	for _, p := range s.Providers {
		p.PropertyMappings = RemoveStr(p.PropertyMappings, o.PK)
	}
	s.sourcesDropMapping(o.PK)
	s.transportsDropMapping(o.PK)
	out := s.OtherMappings[:0]
	for _, x := range s.OtherMappings {
		if x != o {
			out = append(out, x)
		}
	}
	s.OtherMappings = out
}

func (s *State) otherMappingRef(pk string) string {
	for _, m := range s.OtherMappings {
		if strings.EqualFold(m.PK, pk) {
			return m.PK
		}
	}
	return ""
}
