package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// SAML property mappings, as authentik/providers/saml/api/property_mappings.py
// on authentik/core/api/property_mappings.py. name and managed are unique
// across every PropertyMapping subclass (one table).

// object is a stored object of a generic kind that has no struct of its own.
type object struct {
	PK    string
	Attrs map[string]any
}

var samlMappingFields = []fieldDef{
	{name: "expression", typ: ftString, required: true},
	{name: "saml_name", typ: ftString, required: true, filter: "exact"},
	{name: "friendly_name", typ: ftNullString, filter: "exact"},
}

var samlMappingKind = &kindDef[*object]{
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
		return nil, map[string][]string{"managed": managedOf(e.st.samlMappings)}
	},
	all: func(e *Emulator) []*object { return e.st.samlMappings },
	byID: func(e *Emulator, id string) (*object, bool) {
		m := e.st.samlMappingByPK(id)
		return m, m != nil
	},
	fresh: func(e *Emulator) *object { return &object{Attrs: map[string]any{"managed": nil}} },
	clone: func(o *object) *object { return &object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *object) {
		dst.Attrs = src.Attrs
	},
	insert: func(e *Emulator, o *object) {
		o.PK = e.newUUID()
		e.st.samlMappings = append(e.st.samlMappings, o)
	},
	remove:   func(e *Emulator, o *object) { e.st.deleteSAMLMapping(o) },
	attrs:    func(o *object) map[string]any { return o.Attrs },
	key:      func(o *object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:       func(o *object) string { return o.PK },
	readBase: func(e *Emulator, f *httpapi.Form, o *object) { e.readMappingBase(f, o) },
	// PropertyMappingSerializer.validate_expression, inherited.
	fieldChecks: func(e *Emulator, f *httpapi.Form, o *object) { e.checkMappingExpression(f, o) },
	render: func(e *Emulator, _ *httpapi.Call, o *object) map[string]any {
		return map[string]any{
			"pk": o.PK, "managed": o.Attrs["managed"], "name": o.Attrs["name"],
			"component": "ak-property-mapping-provider-saml-form", "verbose_name": "SAML Provider Property Mapping",
			"verbose_name_plural": "SAML Provider Property Mappings",
			"meta_model_name":     "authentik_providers_saml.samlpropertymapping",
		}
	},
}

func (s *state) samlMappingByPK(pk string) *object {
	for _, m := range s.samlMappings {
		if strings.EqualFold(m.PK, pk) {
			return m
		}
	}
	return nil
}

func (s *state) samlMappingRef(pk string) string {
	if m := s.samlMappingByPK(pk); m != nil {
		return m.PK
	}
	return ""
}

// mappingNameTaken checks PropertyMapping.name uniqueness over every subclass.
func (s *state) mappingNameTaken(name, self string) bool {
	for _, m := range append(append([]*object(nil), s.mappings...), s.samlMappings...) {
		if m.Attrs["name"] == name && m.PK != self {
			return true
		}
	}
	for _, m := range s.otherMappings {
		if m.name() == name && m.PK != self {
			return true
		}
	}
	return false
}

// mappingManagedTaken checks PropertyMapping.managed uniqueness over every subclass.
func (s *state) mappingManagedTaken(managed, self string) bool {
	for _, m := range append(append([]*object(nil), s.mappings...), s.samlMappings...) {
		if m.Attrs["managed"] == managed && m.PK != self {
			return true
		}
	}
	for _, m := range s.otherMappings {
		if m.Attrs["managed"] == managed && m.PK != self {
			return true
		}
	}
	return false
}

// deleteSAMLMapping removes a mapping: providers drop it from
// property_mappings; name_id_mapping / authn_context_class_ref_mapping
// (on_delete=SET_DEFAULT, default None) become null.
func (s *state) deleteSAMLMapping(o *object) {
	for _, p := range s.providers {
		p.PropertyMappings = removeStr(p.PropertyMappings, o.PK)
		for _, f := range []string{"name_id_mapping", "authn_context_class_ref_mapping"} {
			if p.Attrs != nil && p.Attrs[f] == o.PK {
				p.Attrs[f] = nil
			}
		}
	}
	out := s.samlMappings[:0]
	for _, x := range s.samlMappings {
		if x != o {
			out = append(out, x)
		}
	}
	s.samlMappings = out
	s.sourcesDropMapping(o.PK)
}

// seedSAMLMappings creates blueprints/system/providers-saml.yaml. Blueprints
// go through the serializer, so the block-scalar expressions lose their
// trailing newline (CharField trims).
func (e *Emulator) seedSAMLMappings() {
	for _, m := range []struct{ managed, name, samlName, expr string }{
		{"goauthentik.io/providers/saml/upn", "authentik default SAML Mapping: UPN",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
			"return request.user.attributes.get('upn', request.user.email)"},
		{"goauthentik.io/providers/saml/name", "authentik default SAML Mapping: Name",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "return request.user.name"},
		{"goauthentik.io/providers/saml/email", "authentik default SAML Mapping: Email",
			"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "return request.user.email"},
		{"goauthentik.io/providers/saml/username", "authentik default SAML Mapping: Username",
			"http://schemas.goauthentik.io/2021/02/saml/username", "return request.user.username"},
		{"goauthentik.io/providers/saml/uid", "authentik default SAML Mapping: User ID",
			"http://schemas.goauthentik.io/2021/02/saml/uid", "return request.user.pk"},
		{"goauthentik.io/providers/saml/groups", "authentik default SAML Mapping: Groups",
			"http://schemas.xmlsoap.org/claims/Group", "for group in request.user.groups.all():\n    yield group.name"},
		{"goauthentik.io/providers/saml/ms-windowsaccountname", "authentik default SAML Mapping: WindowsAccountname (Username)",
			"http://schemas.microsoft.com/ws/2008/06/identity/claims/windowsaccountname", "return request.user.username"},
	} {
		e.st.samlMappings = append(e.st.samlMappings, &object{PK: e.newUUID(), Attrs: map[string]any{
			"managed": m.managed, "name": m.name, "expression": m.expr, "saml_name": m.samlName, "friendly_name": nil,
		}})
	}
}
