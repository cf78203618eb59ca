package plan

import "github.com/provision/provision/internal/manifest"

// Scope mappings are a descriptor kind (internal/kinds/scope_mapping.go),
// diffed, applied and owned by the engine. This file holds what the plan
// adds: the typed view the OAuth2 providers resolve their scopes in, and
// the check that a new mapping's name is free across every mapping type.

// ScopeMapping is a live OAuth2 scope mapping, as providers and outputs
// read it.
type ScopeMapping struct {
	PK          string
	Name        string
	ScopeName   string
	Description string
	Expression  string
	Managed     string // "" when not managed
}

// ScopeMappings returns the live scope mappings read (the engine's objects
// of kind scope mapping, typed).
func (l *Live) ScopeMappings() []ScopeMapping {
	objs := l.Objects[KindScopeMapping]
	out := make([]ScopeMapping, 0, len(objs))
	for _, o := range objs {
		out = append(out, ScopeMapping{PK: o.PK, Name: o.Key, ScopeName: str(o.Fields["scope_name"]),
			Description: str(o.Fields["description"]), Expression: str(o.Fields["expression"]), Managed: str(o.Fields["managed"])})
	}
	return out
}

// ScopeMappingObject is a scope mapping as the engine holds it (for
// building live state in tests).
func ScopeMappingObject(s ScopeMapping) Object {
	f := map[string]any{"pk": s.PK, "name": s.Name, "scope_name": s.ScopeName, "description": s.Description,
		"expression": s.Expression, "managed": nil}
	if s.Managed != "" {
		f["managed"] = s.Managed
	}
	return Object{PK: s.PK, Key: s.Name, Fields: f}
}

func init() {
	// Property mapping names are unique across every mapping type
	// (mapping_names.go): a new scope mapping's name is checked against
	// them all.
	entryHooks[KindScopeMapping] = entryHook{
		reads: []Kind{KindAnyMapping},
		create: func(c *computer, key string, at manifest.Position) bool {
			return !c.mappingNameTaken("scope mapping", key, at)
		},
	}
}

// ScopeMappingObjects is live objects holding these scope mappings (for
// building live state in tests).
func ScopeMappingObjects(ms ...ScopeMapping) map[Kind][]Object {
	objs := make([]Object, 0, len(ms))
	for _, m := range ms {
		objs = append(objs, ScopeMappingObject(m))
	}
	return map[Kind][]Object{KindScopeMapping: objs}
}
