package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
	"github.com/provision/provision/internal/pyexpr"
)

// Scope mappings, as authentik/providers/oauth2/api/scopes.py
// (ScopeMappingSerializer, ScopeMappingViewSet: a plain ModelViewSet) on
// authentik/core/api/property_mappings.py (PropertyMappingSerializer:
// name and managed, unique over every PropertyMapping subclass, and
// validate_expression). A scope mapping is an *object: name, expression,
// scope_name, description and managed live in Attrs.

var scopeMappingFields = []fieldDef{
	{name: "expression", typ: ftString, required: true},
	{name: "scope_name", typ: ftString, required: true, filter: "exact"},
	{name: "description", typ: ftString, blank: true, def: ""},
}

var scopeMappingKind = &kindDef[*store.Object]{
	kind: "scopemapping", model: "ScopeMapping", metaModel: "authentik_providers_oauth2.scopemapping",
	prefix: "propertymappings/provider/scope/", fields: scopeMappingFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.InList("managed", "managed"), httpapi.IsNull("managed__isnull", "managed")},
		SearchFields: []string{"name", "scope_name"},
		Order:        []string{"scope_name", "name"},
	},
	// managed is an AllValuesMultipleFilter: its choices are the managed
	// values of the list's own model (django-filter sets filter.model to
	// the viewset queryset's model), here ScopeMapping.
	choiceFilters: func(e *Emulator) (single, multi map[string][]string) {
		return nil, map[string][]string{"managed": managedOf(e.st.Mappings)}
	},
	all: func(e *Emulator) []*store.Object { return e.st.Mappings },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		m := e.st.MappingByPK(id)
		return m, m != nil
	},
	fresh:  func(e *Emulator) *store.Object { return &store.Object{Attrs: map[string]any{"managed": nil}} },
	clone:  func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) { dst.Attrs = src.Attrs },
	insert: func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		e.st.Mappings = append(e.st.Mappings, o)
	},
	remove:   func(e *Emulator, o *store.Object) { e.st.DeleteScopeMapping(o) },
	attrs:    func(o *store.Object) map[string]any { return o.Attrs },
	key:      func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:       func(o *store.Object) string { return o.PK },
	readBase: func(e *Emulator, f *httpapi.Form, o *store.Object) { e.readMappingBase(f, o) },
	fieldChecks: func(e *Emulator, f *httpapi.Form, o *store.Object) {
		e.checkMappingExpression(f, o)
		// no_space (authentik/providers/oauth2/api/scopes.py) looks for " " only.
		if s, ok := o.Attrs["scope_name"].(string); ok && f.Has("scope_name") && f.Errs["scope_name"] == nil &&
			strings.Contains(s, " ") {
			f.Fail("scope_name", "Value must not contain spaces.")
		}
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{
			"pk": o.PK, "managed": o.Attrs["managed"], "name": o.Attrs["name"],
			"component": "ak-property-mapping-provider-scope-form", "verbose_name": "Scope Mapping",
			"verbose_name_plural": "Scope Mappings", "meta_model_name": "authentik_providers_oauth2.scopemapping",
		}
	},
}

// readMappingBase reads PropertyMappingSerializer's name and managed
// (authentik/core/api/property_mappings.py): both unique over the one
// PropertyMapping table.
func (e *Emulator) readMappingBase(f *httpapi.Form, o *store.Object) {
	var name string
	if f.Str("name", true, false, &name) {
		if e.st.MappingNameTaken(name, o.PK) {
			f.Fail("name", "Property Mapping with this name already exists.")
		}
		o.Attrs["name"] = name
	}
	var managed *string
	if f.Has("managed") && f.NullStr("managed", &managed) {
		if managed == nil {
			o.Attrs["managed"] = nil
		} else {
			if e.st.MappingManagedTaken(*managed, o.PK) {
				f.Fail("managed", "Property Mapping with this Managed by authentik already exists.")
			}
			o.Attrs["managed"] = *managed
		}
	}
}

// checkMappingExpression is PropertyMappingSerializer.validate_expression
// (authentik/core/api/property_mappings.py): the expression must compile
// (lib/expression/evaluator.py). The evaluator's file name is the stored
// mapping's name, or str(None) on create.
func (e *Emulator) checkMappingExpression(f *httpapi.Form, o *store.Object) {
	expr, ok := o.Attrs["expression"].(string)
	if !ok || !f.Has("expression") || f.Errs["expression"] != nil {
		return
	}
	filename := "None"
	if o.PK != "" {
		for _, m := range e.allMappings() {
			if m.pk == o.PK {
				filename = m.name
			}
		}
	}
	if err := pyexpr.CheckExpression(expr); err != nil {
		f.Fail("expression", "Expression Syntax Error: "+err.Format(filename))
	}
}

// managedOf lists the managed keys of a mapping table.
func managedOf(objs []*store.Object) []string {
	var out []string
	for _, m := range objs {
		if s, ok := m.Attrs["managed"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}
