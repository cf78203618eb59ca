package plan

import (
	"slices"
	"sort"

	"github.com/provision/provision/internal/manifest"
)

// application diffs one manifest application; access diffs its group bindings.
func (c *computer) application(a *manifest.Application) *Change {
	if !c.readable(KindApplication, a.Slug, a.Src.Pos) {
		return nil
	}
	live := c.liveApp(a.Slug)
	ch := &Change{Kind: KindApplication, Key: a.Slug, Source: a.Src.Pos.String()}
	if a.State.IsAbsent() {
		if live == nil {
			return nil
		}
		ch.Action, ch.ID = Delete, live.Slug
		return ch
	}
	var l Application
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	spec := &ApplicationSpec{Slug: a.Slug}
	spec.Name = f.str("name", &a.Name, l.Name)
	// provider: null detaches the provider; leaving the key out leaves it.
	if a.Provider != nil || a.Src.Has("provider") {
		want := ""
		if a.Provider != nil {
			want = *a.Provider
		}
		if (f.create && want != "") || (!f.create && want != c.providerLabel(l.Provider)) {
			f.add("provider", nullIfEmpty(c.providerLabel(l.Provider)), nullIfEmpty(want), false)
			spec.Provider = &want
		}
	}
	spec.MetaLaunchURL = f.str("meta_launch_url", a.MetaLaunchURL, l.MetaLaunchURL)
	spec.MetaDescription = f.str("meta_description", a.MetaDescription, l.MetaDescription)
	spec.MetaPublisher = f.str("meta_publisher", a.MetaPublisher, l.MetaPublisher)
	spec.MetaIcon = f.str("meta_icon", a.MetaIcon, l.MetaIcon)
	spec.Group = f.str("group", a.Group, l.Group)
	spec.OpenInNewTab = f.boolean("open_in_new_tab", a.OpenInNewTab, l.OpenInNewTab)
	spec.PolicyEngineMode = f.str("policy_engine_mode", a.PolicyEngineMode, l.PolicyEngineMode)
	ch.ID = l.Slug
	return finish(ch, f, spec)
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
