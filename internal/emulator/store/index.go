package store

import (
	"slices"
	"strings"
)

// ReadIndex holds lookups by key over the store, built lazily during one
// read-only request and dropped after it (dispatch sets and clears
// State.idx). Reads render objects that point at others (an application's
// Provider, a provider's application); without it each of those is a scan
// of a whole table, so a page would cost O(page × objects). Write requests
// never see an index, so nothing can go stale.
type ReadIndex struct {
	Providers     map[int32]*Provider
	appsByPK      map[string]*Application // lower-case pk
	appsBySlug    map[string]*Application
	appByProvider map[int32]*Application
	Backchannel   map[string][]*Provider // application pk -> providers, in store order
	Groups        map[string]*Group      // lower-case pk
	Children      map[string][]*Group    // parent pk (as stored) -> children, in store order
}

func (s *State) providerIndex() map[int32]*Provider {
	x := s.Idx
	if x.Providers == nil {
		x.Providers = make(map[int32]*Provider, len(s.Providers))
		x.Backchannel = map[string][]*Provider{}
		for _, p := range s.Providers {
			if _, dup := x.Providers[p.PK]; !dup {
				x.Providers[p.PK] = p
			}
			if p.BackchannelApp != "" {
				x.Backchannel[p.BackchannelApp] = append(x.Backchannel[p.BackchannelApp], p)
			}
		}
	}
	return x.Providers
}

func (s *State) appIndex() *ReadIndex {
	x := s.Idx
	if x.appsByPK == nil {
		x.appsByPK = make(map[string]*Application, len(s.Apps))
		x.appsBySlug = make(map[string]*Application, len(s.Apps))
		x.appByProvider = make(map[int32]*Application, len(s.Apps))
		for _, a := range s.Apps {
			if k := lowerKey(a.PK); x.appsByPK[k] == nil {
				x.appsByPK[k] = a
			}
			if x.appsBySlug[a.Slug()] == nil {
				x.appsBySlug[a.Slug()] = a
			}
			if pk := a.Provider(); pk != nil && x.appByProvider[*pk] == nil {
				x.appByProvider[*pk] = a
			}
		}
	}
	return x
}

func (s *State) groupIndex() map[string]*Group {
	x := s.Idx
	if x.Groups == nil {
		x.Groups = make(map[string]*Group, len(s.Groups))
		for _, g := range s.Groups {
			if k := lowerKey(g.PK); x.Groups[k] == nil {
				x.Groups[k] = g
			}
		}
	}
	return x.Groups
}

// lowerKey is strings.ToLower without an allocation for the usual
// already-lower-case uuid.
func lowerKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

func (s *State) childIndex() map[string][]*Group {
	x := s.Idx
	if x.Children == nil {
		x.Children = map[string][]*Group{}
		for _, g := range s.Groups {
			parents := g.Parents()
			for i, p := range parents {
				if !slices.Contains(parents[:i], p) { // once per child
					x.Children[p] = append(x.Children[p], g)
				}
			}
		}
	}
	return x.Children
}
