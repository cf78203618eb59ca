package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// propertymappings/all/: authentik/core/api/property_mappings.py
// PropertyMappingViewSet (list, retrieve, destroy) over
// PropertyMapping.objects.select_subclasses(): every mapping of every type,
// rendered by the base PropertyMappingSerializer (the subclass's component,
// verbose names and meta_model_name). The types/, used_by/ and test/
// actions are not served (FIDELITY.md).

// anyMapping is one row of the PropertyMapping table.
type anyMapping struct {
	pk, name, expression string
	managed              *string
	typ                  *mappingType
	remove               func()
}

// allMappings lists every property mapping, in store order: scope, SAML,
// then the other seeded types.
func (e *Emulator) allMappings() []anyMapping {
	var out []anyMapping
	for _, o := range e.st.mappings {
		out = append(out, anyMapping{pk: o.PK, name: httpapi.FmtVal(o.Attrs["name"]), expression: httpapi.FmtVal(o.Attrs["expression"]),
			managed: managedPtr(o), typ: &scopeMappingType, remove: func() { e.st.deleteScopeMapping(o) }})
	}
	for _, o := range e.st.samlMappings {
		out = append(out, anyMapping{pk: o.PK, name: httpapi.FmtVal(o.Attrs["name"]), expression: httpapi.FmtVal(o.Attrs["expression"]),
			managed: managedPtr(o), typ: &samlMappingType, remove: func() { e.st.deleteSAMLMapping(o) }})
	}
	for _, m := range e.st.otherMappings {
		out = append(out, anyMapping{pk: m.PK, name: m.name(), expression: m.expression(), managed: m.managed(),
			typ: m.typ, remove: func() { e.st.deleteOtherMapping(m) }})
	}
	return out
}

// managedValues are the managed keys of the PropertyMapping table: the
// choices of propertymappings/all/'s managed filter.
func (e *Emulator) managedValues() []string {
	var out []string
	for _, m := range e.allMappings() {
		if m.managed != nil {
			out = append(out, *m.managed)
		}
	}
	return out
}

func renderAnyMapping(m anyMapping) map[string]any {
	var managed any
	if m.managed != nil {
		managed = *m.managed
	}
	return map[string]any{
		"pk": m.pk, "managed": managed, "name": m.name, "expression": m.expression,
		"component": m.typ.component, "verbose_name": m.typ.verbose, "verbose_name_plural": m.typ.verbosePlural,
		"meta_model_name": m.typ.model,
	}
}

// allMappingsKind is propertymappings/all/.
var allMappingsKind = &kindDef[anyMapping]{
	kind: "propertymapping", model: "PropertyMapping", prefix: "propertymappings/all/", noWrite: true,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.InList("managed", "managed"),
			httpapi.IsNull("managed__isnull", "managed")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	},
	choiceFilters: func(e *Emulator) (single, multi map[string][]string) {
		return nil, map[string][]string{"managed": e.managedValues()}
	},
	all: func(e *Emulator) []anyMapping { return e.allMappings() },
	byID: func(e *Emulator, id string) (anyMapping, bool) {
		for _, m := range e.allMappings() {
			if strings.EqualFold(m.pk, id) {
				return m, true
			}
		}
		return anyMapping{}, false
	},
	remove: func(_ *Emulator, m anyMapping) { m.remove() },
	attrs:  func(anyMapping) map[string]any { return map[string]any{} },
	key:    func(m anyMapping) string { return m.name },
	pk:     func(m anyMapping) string { return m.pk },
	render: func(_ *Emulator, _ *httpapi.Call, m anyMapping) map[string]any { return renderAnyMapping(m) },
}

// deleteOtherMapping removes a seeded mapping of another type; providers
// drop it from property_mappings.
func (s *state) deleteOtherMapping(o *otherMapping) {
	for _, p := range s.providers {
		p.PropertyMappings = removeStr(p.PropertyMappings, o.PK)
	}
	s.sourcesDropMapping(o.PK)
	out := s.otherMappings[:0]
	for _, x := range s.otherMappings {
		if x != o {
			out = append(out, x)
		}
	}
	s.otherMappings = out
}

func (s *state) otherMappingRef(pk string) string {
	for _, m := range s.otherMappings {
		if strings.EqualFold(m.PK, pk) {
			return m.PK
		}
	}
	return ""
}

// managedPtr is a mapping's managed key, nil when null.
func managedPtr(o *object) *string {
	if s, ok := o.Attrs["managed"].(string); ok {
		return &s
	}
	return nil
}
