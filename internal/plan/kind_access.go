package plan

import (
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
