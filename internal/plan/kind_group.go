package plan

import "github.com/provision/provision/internal/manifest"

// Group is a live group. Members are never read or written.
type Group struct {
	PK          string
	Name        string
	IsSuperuser bool
	Attributes  map[string]any
}

// GroupSpec creates or updates a group. Members are never sent.
type GroupSpec struct {
	Name        string
	IsSuperuser *bool
	// Attributes is the whole attribute object to store (live attributes
	// merged with the declared keys); nil leaves them alone.
	Attributes map[string]any
	// AttributesMerge, with Attributes, redoes the merge at write time.
	AttributesMerge *ObjectMerge
}

var groupKind = &KindSpec{
	Kind: KindGroup,
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.Groups) == 0 {
			return Reads{}
		}
		return Reads{Kinds: []Kind{KindGroup}}
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		return each(m.Groups, c.group)
	},
	IDs: func(l *Live) map[string]string {
		return keyed(l.Groups, func(g *Group) (string, string) { return g.Name, g.PK })
	},
}

// group diffs one manifest group against live state.
func (c *computer) group(g *manifest.Group) *Change {
	live, ch, ok := lookup(c, KindGroup, c.live.Groups, groupName, g.Name, g.Src.Pos)
	if !ok {
		return nil
	}
	if g.State.IsAbsent() {
		return deletion(ch, live, func(l *Group) string { return l.PK })
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
	spec.AttributesMerge = newObjectMerge(spec.Attributes, g.Attributes, l.Attributes)
	ch.ID = l.PK
	return finish(ch, f, spec)
}
