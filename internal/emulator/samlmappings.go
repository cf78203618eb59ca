package emulator

import (
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/seed"
	"github.com/provision/provision/internal/emulator/store"
)

// SAML property mappings, as authentik/providers/saml/api/property_mappings.py
// on authentik/core/api/property_mappings.py. name and managed are unique
// across every PropertyMapping subclass (one table).

var samlMappingFields = []fieldDef{
	{name: "expression", typ: ftString, required: true},
	{name: "saml_name", typ: ftString, required: true, filter: "exact"},
	{name: "friendly_name", typ: ftNullString, filter: "exact"},
}

var samlMappingKind = &kindDef[*store.Object]{
	kind: "samlpropertymapping", model: "SAMLPropertyMapping", prefix: "propertymappings/provider/saml/",
	fields: samlMappingFields,
	list: httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.InList("managed", "managed"),
			httpapi.IsNull("managed__isnull", "managed")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	},
	// managed is PropertyMappingFilterSet's AllValuesMultipleFilter; its
	// choices come from the list's model, SAMLPropertyMapping.
	choiceFilters: func(e *Emulator) (single, multi map[string][]string) {
		return nil, map[string][]string{"managed": managedOf(e.st.SAMLMappings)}
	},
	all: func(e *Emulator) []*store.Object { return e.st.SAMLMappings },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		m := e.st.SAMLMappingByPK(id)
		return m, m != nil
	},
	fresh: func(e *Emulator) *store.Object { return &store.Object{Attrs: map[string]any{"managed": nil}} },
	clone: func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) {
		dst.Attrs = src.Attrs
	},
	insert: func(e *Emulator, o *store.Object) {
		o.PK = e.newUUID()
		e.st.SAMLMappings = append(e.st.SAMLMappings, o)
	},
	remove:   func(e *Emulator, o *store.Object) { e.st.DeleteSAMLMapping(o) },
	attrs:    func(o *store.Object) map[string]any { return o.Attrs },
	key:      func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:       func(o *store.Object) string { return o.PK },
	readBase: func(e *Emulator, f *httpapi.Form, o *store.Object) { e.readMappingBase(f, o) },
	// PropertyMappingSerializer.validate_expression, inherited.
	fieldChecks: func(e *Emulator, f *httpapi.Form, o *store.Object) { e.checkMappingExpression(f, o) },
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		return map[string]any{
			"pk": o.PK, "managed": o.Attrs["managed"], "name": o.Attrs["name"],
			"component": "ak-property-mapping-provider-saml-form", "verbose_name": "SAML Provider Property Mapping",
			"verbose_name_plural": "SAML Provider Property Mappings",
			"meta_model_name":     "authentik_providers_saml.samlpropertymapping",
		}
	},
}

// seedSAMLMappings creates blueprints/system/providers-saml.yaml (seed.SAMLMappings).
func (e *Emulator) seedSAMLMappings() { seed.SAMLMappings(e.st, e.newUUID) }
