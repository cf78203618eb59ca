package store

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

type Group struct {
	PK    string
	NumPK int32
	Attrs map[string]any // name, is_superuser, parents, users, attributes, roles
}

func (g *Group) Name() string { return httpapi.FmtVal(g.Attrs["name"]) }

func (g *Group) IsSuperuser() bool { return g.Attrs["is_superuser"] == true }

func (g *Group) Parents() []string { l, _ := g.Attrs["parents"].([]string); return l }

func (g *Group) Users() []int32 { l, _ := g.Attrs["users"].([]int32); return l }

func (g *Group) Attributes() json.RawMessage {
	r, _ := g.Attrs["attributes"].(json.RawMessage)
	return r
}

// ChildrenOf lists the groups that have g as a parent, in store order.
func (s *State) ChildrenOf(g *Group) []*Group {
	if s.Idx != nil {
		return s.childIndex()[g.PK]
	}
	var out []*Group
	for _, x := range s.Groups {
		if slices.Contains(x.Parents(), g.PK) {
			out = append(out, x)
		}
	}
	return out
}

func (s *State) GroupByPK(pk string) *Group {
	if s.Idx != nil {
		return s.groupIndex()[lowerKey(pk)]
	}
	for _, g := range s.Groups {
		if strings.EqualFold(g.PK, pk) {
			return g
		}
	}
	return nil
}

func (s *State) GroupRef(pk string) string {
	if g := s.GroupByPK(pk); g != nil {
		return g.PK
	}
	return ""
}

func (s *State) UserExists(pk int32) bool { return s.UserByPK(pk) != nil }

// DeleteGroup removes the group, its bindings and its parent links.
func (s *State) DeleteGroup(g *Group) {
	for _, x := range s.Groups {
		x.Attrs["parents"] = RemoveStr(x.Parents(), g.PK)
	}
	bs := s.Bindings[:0]
	for _, b := range s.Bindings {
		if b.Attrs["group"] != g.PK {
			bs = append(bs, b)
		}
	}
	s.Bindings = bs
	s.ClearStageRefs("group", g.PK) // user_write create_users_group: SET_DEFAULT None
	s.rulesDropGroup(g.PK)
	for _, p := range s.Providers { // SCIMProvider.group_filters: the M2M rows go with the group
		if l, ok := p.Attrs["group_filters"].([]string); ok {
			p.Attrs["group_filters"] = RemoveStr(l, g.PK)
		}
	}
	s.Groups = slices.DeleteFunc(s.Groups, func(x *Group) bool { return x == g })
}
