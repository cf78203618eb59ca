package emulator

import (
	"slices"
	"strings"
)

// readIndex holds lookups by key over the store, built lazily during one
// read-only request and dropped after it (dispatch sets and clears
// state.idx). Reads render objects that point at others (an application's
// provider, a provider's application); without it each of those is a scan
// of a whole table, so a page would cost O(page × objects). Write requests
// never see an index, so nothing can go stale.
type readIndex struct {
	providers     map[int32]*provider
	appsByPK      map[string]*application // lower-case pk
	appsBySlug    map[string]*application
	appByProvider map[int32]*application
	backchannel   map[string][]*provider // application pk -> providers, in store order
	groups        map[string]*group      // lower-case pk
	children      map[string][]*group    // parent pk (as stored) -> children, in store order
}

func (s *state) providerIndex() map[int32]*provider {
	x := s.idx
	if x.providers == nil {
		x.providers = make(map[int32]*provider, len(s.providers))
		x.backchannel = map[string][]*provider{}
		for _, p := range s.providers {
			if _, dup := x.providers[p.PK]; !dup {
				x.providers[p.PK] = p
			}
			if p.BackchannelApp != "" {
				x.backchannel[p.BackchannelApp] = append(x.backchannel[p.BackchannelApp], p)
			}
		}
	}
	return x.providers
}

func (s *state) appIndex() *readIndex {
	x := s.idx
	if x.appsByPK == nil {
		x.appsByPK = make(map[string]*application, len(s.apps))
		x.appsBySlug = make(map[string]*application, len(s.apps))
		x.appByProvider = make(map[int32]*application, len(s.apps))
		for _, a := range s.apps {
			if k := lowerKey(a.PK); x.appsByPK[k] == nil {
				x.appsByPK[k] = a
			}
			if x.appsBySlug[a.slug()] == nil {
				x.appsBySlug[a.slug()] = a
			}
			if pk := a.provider(); pk != nil && x.appByProvider[*pk] == nil {
				x.appByProvider[*pk] = a
			}
		}
	}
	return x
}

func (s *state) groupIndex() map[string]*group {
	x := s.idx
	if x.groups == nil {
		x.groups = make(map[string]*group, len(s.groups))
		for _, g := range s.groups {
			if k := lowerKey(g.PK); x.groups[k] == nil {
				x.groups[k] = g
			}
		}
	}
	return x.groups
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

func (s *state) childIndex() map[string][]*group {
	x := s.idx
	if x.children == nil {
		x.children = map[string][]*group{}
		for _, g := range s.groups {
			parents := g.parents()
			for i, p := range parents {
				if !slices.Contains(parents[:i], p) { // once per child
					x.children[p] = append(x.children[p], g)
				}
			}
		}
	}
	return x.children
}
