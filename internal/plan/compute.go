package plan

import (
	"errors"
	"fmt"
	"sort"

	"github.com/provision/provision/internal/manifest"
)

// ResolveError is a reference in the manifest that matches zero or several
// live objects, or touches an object the client could not read.
type ResolveError struct {
	Pos manifest.Position
	Msg string
}

func (e *ResolveError) Error() string { return e.Pos.String() + ": " + e.Msg }

// KindsFor returns the kinds of live objects a manifest needs read.
func KindsFor(m *manifest.Manifest) []Kind {
	set := map[Kind]bool{}
	if len(m.Groups) > 0 {
		set[KindGroup] = true
	}
	if len(m.Providers) > 0 {
		set[KindProvider], set[KindFlow], set[KindScopeMapping], set[KindKeyPair] = true, true, true, true
	}
	if len(m.Applications) > 0 {
		set[KindApplication], set[KindProvider] = true, true
		for _, a := range m.Applications {
			if a.Access != nil {
				set[KindGroup], set[KindBinding] = true, true
			}
		}
	}
	if len(m.Outposts) > 0 {
		set[KindOutpost], set[KindProvider] = true, true
	}
	var kinds []Kind
	for _, k := range []Kind{KindFlow, KindScopeMapping, KindKeyPair, KindGroup, KindProvider, KindApplication, KindBinding, KindOutpost} {
		if set[k] {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// Compute returns the changes that make live match the manifest. It is
// pure and deterministic. Every unresolvable reference is reported (joined),
// each naming its manifest position.
func Compute(m *manifest.Manifest, live *Live) (*Plan, error) {
	c := newComputer(live)
	var stages = map[Kind][]Change{}
	var deletes = map[Kind][]Change{}
	add := func(ch *Change) {
		if ch == nil {
			return
		}
		if ch.Action == Delete {
			deletes[ch.Kind] = append(deletes[ch.Kind], *ch)
			return
		}
		stages[ch.Kind] = append(stages[ch.Kind], *ch)
	}
	for i := range m.Groups {
		add(c.group(&m.Groups[i]))
	}
	for i := range m.Providers {
		add(c.provider(&m.Providers[i]))
	}
	for i := range m.Applications {
		a := &m.Applications[i]
		add(c.application(a))
		add(c.access(a))
	}
	for i := range m.Outposts {
		add(c.outpost(&m.Outposts[i]))
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	p := &Plan{}
	for _, k := range applyOrder {
		p.Changes = append(p.Changes, sortedByKey(stages[k])...)
	}
	for i := len(applyOrder) - 1; i >= 0; i-- {
		p.Changes = append(p.Changes, sortedByKey(deletes[applyOrder[i]])...)
	}
	return p, nil
}

func sortedByKey(cs []Change) []Change {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return cs
}

type computer struct {
	live *Live
	errs []error
	// lookups
	flowsByPK     map[string]Flow
	mappingsByPK  map[string]ScopeMapping
	keysByPK      map[string]KeyPair
	providersByPK map[int32]Provider
	groupsByPK    map[string]Group
	bindingsByApp map[string][]Binding // by target
	unreadable    map[string]Unreadable
}

func newComputer(live *Live) *computer {
	c := &computer{
		live:          live,
		flowsByPK:     map[string]Flow{},
		mappingsByPK:  map[string]ScopeMapping{},
		keysByPK:      map[string]KeyPair{},
		providersByPK: map[int32]Provider{},
		groupsByPK:    map[string]Group{},
		bindingsByApp: map[string][]Binding{},
		unreadable:    map[string]Unreadable{},
	}
	for _, f := range live.Flows {
		c.flowsByPK[f.PK] = f
	}
	for _, s := range live.ScopeMappings {
		c.mappingsByPK[s.PK] = s
	}
	for _, k := range live.KeyPairs {
		c.keysByPK[k.PK] = k
	}
	for _, p := range live.Providers {
		c.providersByPK[p.PK] = p
	}
	for _, g := range live.Groups {
		c.groupsByPK[g.PK] = g
	}
	for _, b := range live.Bindings {
		c.bindingsByApp[b.Target] = append(c.bindingsByApp[b.Target], b)
	}
	for _, u := range live.Unreadable {
		c.unreadable[Ref(u.Kind, u.Key)] = u
	}
	return c
}

func (c *computer) fail(pos manifest.Position, format string, args ...any) {
	c.errs = append(c.errs, &ResolveError{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// readable fails when the live object the entry names could not be decoded.
func (c *computer) readable(kind Kind, key string, pos manifest.Position) bool {
	u, ok := c.unreadable[Ref(kind, key)]
	if !ok {
		return true
	}
	field := ""
	if u.Field != "" {
		field = fmt.Sprintf(" field %q", u.Field)
	}
	c.fail(pos, "%s %q: authentik returned a value this version of provision cannot read in%s (%v); upgrade provision or fix the object in authentik", kind, key, field, u.Err)
	return false
}
