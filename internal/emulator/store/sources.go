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
// identification stages drop it. A SCIM source's service account goes
// with its token and memberships (sources/scim/signals.py
// scim_source_post_delete: the internal service account
// ak-source-scim-<pk>; Token.user CASCADE).
func (s *State) DeleteSource(x *Source) {
	s.deleteBindingsFor(x.PK)
	s.ClearStageRefs("source", x.PK)
	s.Sources = slices.DeleteFunc(s.Sources, func(o *Source) bool { return o == x })
	for _, p := range s.Providers { // SCIMProvider.auth_oauth: SET_DEFAULT (None)
		if p.Attrs["auth_oauth"] == x.PK {
			p.Attrs["auth_oauth"] = nil
		}
	}
	if x.Type != "scim" {
		return
	}
	for _, u := range slices.Clone(s.Users) {
		if u.Username != "ak-source-scim-"+x.PK || u.Type != "internal_service_account" {
			continue
		}
		for _, g := range s.Groups {
			g.Attrs["users"] = slices.DeleteFunc(slices.Clone(g.Users()), func(pk int32) bool { return pk == u.PK })
		}
		s.Tokens = slices.DeleteFunc(s.Tokens, func(t *APIToken) bool { return t.User == u.PK })
		s.Users = slices.DeleteFunc(s.Users, func(o *User) bool { return o == u })
	}
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
