package plan

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/provision/provision/internal/manifest"
)

// AccessSpec adds and removes the group bindings of one application.
type AccessSpec struct {
	AppSlug string
	// AddGroups are group names to bind (resolved through IDs at apply time).
	AddGroups []string
	// RemoveBindings are the pks of group bindings to delete.
	RemoveBindings []string
	// FirstOrder is the order given to the first added binding.
	FirstOrder int32
}

var accessKind = &KindSpec{
	Kind: KindAccess,
	Refs: []Kind{KindApplication, KindGroup},
	// An access change binds groups to the application of its own key.
	PartOf: KindApplication,
	Reads: func(m *manifest.Manifest) Reads {
		for _, a := range m.Applications {
			if a.Access != nil {
				return Reads{Kinds: []Kind{KindApplication, KindGroup, KindBinding}}
			}
		}
		return Reads{}
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		return each(m.Applications, c.access)
	},
	Needs: func(c *Change) []string {
		s, ok := c.Spec.(*AccessSpec)
		if !ok {
			return nil
		}
		out := []string{Ref(KindApplication, s.AppSlug)}
		for _, g := range s.AddGroups {
			out = append(out, Ref(KindGroup, g))
		}
		return out
	},
}

// access diffs the group bindings of an application that declares access.
func (c *computer) access(a *manifest.Application) *Change {
	if a.Access == nil || a.State.IsAbsent() {
		return nil
	}
	live := c.liveApp(a.Slug)
	var haveGroups []string
	byGroup := map[string][]Binding{}
	var maxOrder int32 = -1
	// Groups the application's policies: binds are that list's.
	theirs := policyGroups(c.m.HostedOf(string(KindApplication), a.Slug))
	if live != nil {
		for _, b := range c.bindingsByApp[live.PK] {
			maxOrder = max(maxOrder, b.Order)
			if b.Group == "" {
				continue
			}
			name := b.Group
			if g, ok := c.groupsByPK[b.Group]; ok {
				name = g.Name
			}
			if theirs[name] {
				continue
			}
			// A negated or disabled binding does not let the group in (a
			// negated one keeps it out), so it never satisfies the
			// manifest: it is shown by what it does, replaced and removed.
			switch {
			case b.Negate:
				name += " (negated)"
			case b.Disabled:
				name += " (disabled)"
			}
			byGroup[name] = append(byGroup[name], b)
		}
	}
	for name := range byGroup {
		haveGroups = append(haveGroups, name)
	}
	want := uniqueSorted(a.Access.Groups)
	haveGroups = uniqueSorted(haveGroups)
	spec := &AccessSpec{AppSlug: a.Slug, FirstOrder: maxOrder + 1}
	for _, g := range want {
		if _, ok := byGroup[g]; !ok {
			spec.AddGroups = append(spec.AddGroups, g)
		}
	}
	for _, g := range haveGroups {
		if !slices.Contains(want, g) {
			for _, b := range byGroup[g] {
				spec.RemoveBindings = append(spec.RemoveBindings, b.PK)
			}
		}
	}
	if len(spec.AddGroups) == 0 && len(spec.RemoveBindings) == 0 {
		return nil
	}
	sort.Strings(spec.RemoveBindings)
	action := Update
	if len(haveGroups) == 0 {
		action = Create
	}
	var before any = haveGroups
	if action == Create {
		before = nil
	}
	return &Change{
		Kind: KindAccess, Key: a.Slug, Action: action, Source: a.Src.At("access").String(),
		Fields: []FieldChange{{Field: "groups", Before: before, After: want}},
		Spec:   spec,
	}
}

// accessPrune gathers the access bindings a stack made that the manifest
// dropped: one access change per application.
type accessPrune struct {
	specs  map[string]*AccessSpec
	groups map[string][]string
}

func init() {
	owners[KindAccess] = &owner{
		label: func(o Owned) string {
			return fmt.Sprintf("access binding of group %q to application %q", o.Group, o.Key)
		},
		exists: func(x *liveIndex, o Owned) bool { return len(x.bindings[o.Key][o.Group]) > 0 },
		makes: func(c *Change) []Owned {
			sp, _ := c.Spec.(*AccessSpec)
			var out []Owned
			for _, g := range sp.addGroups() {
				out = append(out, Owned{Kind: KindAccess, Key: c.Key, Group: g, Created: true})
			}
			return out
		},
		prune: func(p *pruning, o Owned) {
			if declaresAccess(p.c.m, o.Key) {
				// The application's declared access list is authoritative:
				// its own diff removes the binding.
				return
			}
			g, _ := p.gathered[KindAccess].(*accessPrune)
			if g == nil {
				g = &accessPrune{specs: map[string]*AccessSpec{}, groups: map[string][]string{}}
				p.gathered[KindAccess] = g
			}
			sp := g.specs[o.Key]
			if sp == nil {
				sp = &AccessSpec{AppSlug: o.Key}
				g.specs[o.Key] = sp
			}
			sp.RemoveBindings = append(sp.RemoveBindings, p.s.idx.bindings[o.Key][o.Group]...)
			g.groups[o.Key] = append(g.groups[o.Key], o.Group)
		},
		finish: func(p *pruning) {
			g, _ := p.gathered[KindAccess].(*accessPrune)
			if g == nil {
				return
			}
			for _, slug := range slices.Sorted(maps.Keys(g.specs)) {
				sp := g.specs[slug]
				sort.Strings(sp.RemoveBindings)
				p.add(&Change{Kind: KindAccess, Key: slug, Action: Delete, Notes: []string{PruneNote},
					Fields: []FieldChange{{Field: "groups", Before: uniqueSorted(g.groups[slug]), After: nil}}, Spec: sp})
			}
		},
	}
}

// addGroups are the groups the spec binds (none for a nil spec).
func (s *AccessSpec) addGroups() []string {
	if s == nil {
		return nil
	}
	return s.AddGroups
}
