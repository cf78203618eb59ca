package plan

// Groups are a descriptor kind (internal/kinds/group.go), diffed, applied
// and owned by the engine; this file holds the typed view access bindings,
// outputs and check read them in.

// Group is a live group. Members are never read or written.
type Group struct {
	PK          string
	Name        string
	IsSuperuser bool
	Attributes  map[string]any
}

// Groups returns the live groups read (the engine's objects of kind
// group, typed).
func (l *Live) Groups() []Group {
	objs := l.Objects[KindGroup]
	out := make([]Group, 0, len(objs))
	for _, o := range objs {
		g := Group{PK: o.PK, Name: o.Key}
		g.IsSuperuser, _ = o.Fields["is_superuser"].(bool)
		g.Attributes, _ = o.Fields["attributes"].(map[string]any)
		out = append(out, g)
	}
	return out
}

// GroupObjects is live objects holding these groups (for building live
// state in tests).
func GroupObjects(gs ...Group) []Object {
	out := make([]Object, 0, len(gs))
	for _, g := range gs {
		attrs := g.Attributes
		if attrs == nil {
			attrs = map[string]any{}
		}
		out = append(out, Object{PK: g.PK, Key: g.Name, Fields: map[string]any{"pk": g.PK, "name": g.Name,
			"is_superuser": g.IsSuperuser, "attributes": attrs, "parents": []any{}}})
	}
	return out
}
