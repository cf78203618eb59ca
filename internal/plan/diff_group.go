package plan

import (
	"reflect"

	"github.com/provision/provision/internal/manifest"
)

// group diffs one manifest group against live state.
func (c *computer) group(g *manifest.Group) *Change {
	if !c.readable(KindGroup, g.Name, g.Src.Pos) {
		return nil
	}
	live, ok := atMostOne(c, KindGroup, c.live.Groups, groupName, g.Name, g.Src.Pos)
	if !ok {
		return nil
	}
	ch := &Change{Kind: KindGroup, Key: g.Name, Source: g.Src.Pos.String()}
	if g.State.IsAbsent() {
		if live == nil {
			return nil
		}
		ch.Action, ch.ID = Delete, live.PK
		return ch
	}
	f := &fields{create: live == nil}
	if f.create {
		f.add("name", nil, g.Name, false)
	}
	spec := &GroupSpec{Name: g.Name}
	var liveSuper bool
	var liveAttrs map[string]any
	if live != nil {
		liveSuper, liveAttrs = live.IsSuperuser, live.Attributes
	}
	spec.IsSuperuser = f.boolean("is_superuser", g.IsSuperuser, liveSuper)
	if len(g.Attributes) > 0 {
		merged := map[string]any{}
		for k, v := range liveAttrs {
			merged[k] = v
		}
		changed := false
		for _, k := range sortedKeys(g.Attributes) {
			want := normalizeJSON(g.Attributes[k])
			have, exists := liveAttrs[k]
			if f.create || !exists || !reflect.DeepEqual(normalizeJSON(have), want) {
				f.add("attributes."+k, displayJSON(have, exists), displayJSON(want, true), false)
				changed = true
			}
			merged[k] = want
		}
		if changed {
			spec.Attributes = merged
		}
	}
	return finish(ch, f, live == nil, idOf(live != nil, func() string { return live.PK }), spec)
}

func finish(ch *Change, f *fields, create bool, id string, spec any) *Change {
	if create {
		ch.Action, ch.Fields, ch.Spec = Create, f.list, spec
		return ch
	}
	if len(f.list) == 0 {
		return nil
	}
	ch.Action, ch.ID, ch.Fields, ch.Spec = Update, id, f.list, spec
	return ch
}

func idOf(ok bool, get func() string) string {
	if !ok {
		return ""
	}
	return get()
}
