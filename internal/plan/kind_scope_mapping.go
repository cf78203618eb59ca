package plan

import "github.com/provision/provision/internal/manifest"

// ScopeMapping is a live OAuth2 scope mapping.
type ScopeMapping struct {
	PK          string
	Name        string
	ScopeName   string
	Description string
	Expression  string
	Managed     string // "" when not managed
}

// ScopeMappingSpec creates or updates a custom scope mapping.
type ScopeMappingSpec struct {
	Name        string
	ScopeName   *string
	Description *string
	Expression  *string
}

var scopeMappingKind = &KindSpec{
	Kind: KindScopeMapping,
	Reads: func(m *manifest.Manifest) Reads {
		if len(m.ScopeMappings) == 0 {
			return Reads{}
		}
		// Every mapping type's names: they are unique across types
		// (mapping_names.go).
		return Reads{Kinds: []Kind{KindScopeMapping, KindAnyMapping}}
	},
	Diff: func(c *computer, m *manifest.Manifest) []*Change {
		return each(m.ScopeMappings, c.scopeMappingChange)
	},
	IDs: func(l *Live) map[string]string {
		return keyed(l.ScopeMappings, func(s *ScopeMapping) (string, string) { return s.Name, s.PK })
	},
}

func scopeMappingName(s *ScopeMapping) string { return s.Name }

// scopeMappingChange diffs one custom scope mapping. authentik's managed
// mappings are never changed or deleted.
func (c *computer) scopeMappingChange(s *manifest.ScopeMapping) *Change {
	live, ch, ok := lookup(c, KindScopeMapping, c.live.ScopeMappings, scopeMappingName, s.Name, s.Src.Pos)
	if !ok {
		return nil
	}
	if live != nil && live.Managed != "" {
		c.fail(s.Src.At("name"), "scope mapping %q is authentik's own managed mapping (%s); provision never modifies or deletes managed mappings, so give yours another name", s.Name, live.Managed)
		return nil
	}
	if live == nil && !s.State.IsAbsent() && c.mappingNameTaken("scope mapping", s.Name, s.Src.At("name")) {
		return nil
	}
	if s.State.IsAbsent() {
		return deletion(ch, live, func(l *ScopeMapping) string { return l.PK })
	}
	var l ScopeMapping
	if live != nil {
		l = *live
	}
	f := &fields{create: live == nil}
	if f.create {
		f.add("name", nil, s.Name, false)
	}
	spec := &ScopeMappingSpec{Name: s.Name}
	spec.ScopeName = f.str("scope_name", &s.ScopeName, l.ScopeName)
	spec.Description = f.str("description", s.Description, l.Description)
	spec.Expression = f.str("expression", &s.Expression, l.Expression)
	ch.ID = l.PK
	return finish(ch, f, spec)
}
