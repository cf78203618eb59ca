package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
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
	typ                  *store.MappingType
	remove               func()
}

// allMappings lists every property mapping, in store order: scope, SAML,
// then the other seeded types.
func (e *Emulator) allMappings() []anyMapping {
	var out []anyMapping
	for _, o := range e.st.Mappings {
		out = append(out, anyMapping{pk: o.PK, name: httpapi.FmtVal(o.Attrs["name"]), expression: httpapi.FmtVal(o.Attrs["expression"]),
			managed: managedPtr(o), typ: &scopeMappingType, remove: func() { e.st.DeleteScopeMapping(o) }})
	}
	for _, o := range e.st.SAMLMappings {
		out = append(out, anyMapping{pk: o.PK, name: httpapi.FmtVal(o.Attrs["name"]), expression: httpapi.FmtVal(o.Attrs["expression"]),
			managed: managedPtr(o), typ: &samlMappingType, remove: func() { e.st.DeleteSAMLMapping(o) }})
	}
	for _, m := range e.st.OtherMappings {
		out = append(out, anyMapping{pk: m.PK, name: m.Name(), expression: m.Expression(), managed: m.Managed(),
			typ: m.Typ, remove: func() { e.st.DeleteOtherMapping(m) }})
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
		"component": m.typ.Component, "verbose_name": m.typ.Verbose, "verbose_name_plural": m.typ.VerbosePlural,
		"meta_model_name": m.typ.Model,
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

// managedPtr is a mapping's managed key, nil when null.
func managedPtr(o *store.Object) *string {
	if s, ok := o.Attrs["managed"].(string); ok {
		return &s
	}
	return nil
}
