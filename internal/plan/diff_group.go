package plan

import (
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
	var l Group
	if live != nil {
		l = *live
	}
	spec.IsSuperuser = f.boolean("is_superuser", g.IsSuperuser, l.IsSuperuser)
	spec.Attributes = f.object("attributes", g.Attributes, l.Attributes)
	ch.ID = l.PK
	return finish(ch, f, spec)
}
