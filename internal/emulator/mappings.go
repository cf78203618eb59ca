package emulator

import (
	"net/http"
	"strings"

	"github.com/provision/provision/internal/pyexpr"
)

// scopeMapping is an OAuth2 ScopeMapping (a PropertyMapping subclass).
type scopeMapping struct {
	PK          string
	Managed     *string
	Name        string
	Expression  string
	ScopeName   string
	Description string
}

type scopeMappingOut struct {
	PK                string  `json:"pk"`
	Managed           *string `json:"managed"`
	Name              string  `json:"name"`
	Expression        string  `json:"expression"`
	Component         string  `json:"component"`
	VerboseName       string  `json:"verbose_name"`
	VerboseNamePlural string  `json:"verbose_name_plural"`
	MetaModelName     string  `json:"meta_model_name"`
	ScopeName         string  `json:"scope_name"`
	Description       string  `json:"description"`
}

func (e *Emulator) renderMapping(m *scopeMapping) map[string]any {
	out := toMap(scopeMappingOut{
		PK: m.PK, Managed: m.Managed, Name: m.Name, Expression: m.Expression,
		Component: "ak-property-mapping-provider-scope-form", VerboseName: "Scope Mapping",
		VerboseNamePlural: "Scope Mappings", MetaModelName: "authentik_providers_oauth2.scopemapping",
		ScopeName: m.ScopeName, Description: m.Description,
	})
	e.applyOverrides("scopemapping", m.Name, out)
	return out
}

func (s *state) mappingByPK(pk string) *scopeMapping {
	for _, m := range s.mappings {
		if strings.EqualFold(m.PK, pk) {
			return m
		}
	}
	return nil
}

// mappingRef resolves a PropertyMapping of any subclass.
func (s *state) mappingRef(pk string) string {
	if m := s.mappingByPK(pk); m != nil {
		return m.PK
	}
	if ref := s.samlMappingRef(pk); ref != "" {
		return ref
	}
	return s.otherMappingRef(pk)
}

func (s *state) mappingByManaged(managed string) *scopeMapping {
	for _, m := range s.mappings {
		if m.Managed != nil && *m.Managed == managed {
			return m
		}
	}
	return nil
}

func (e *Emulator) listMappings(c *call) resp {
	// managed is an AllValuesMultipleFilter: its choices are the managed
	// values of the list's own model (django-filter sets filter.model to
	// the viewset queryset's model), here ScopeMapping.
	var managed []string
	for _, m := range e.st.mappings {
		if m.Managed != nil {
			managed = append(managed, *m.Managed)
		}
	}
	if r := checkChoiceFilters(c, nil, map[string][]string{"managed": managed}, nil); r != nil {
		return *r
	}
	objs := make([]map[string]any, 0, len(e.st.mappings))
	for _, m := range e.st.mappings {
		objs = append(objs, e.renderMapping(m))
	}
	return e.list(c, objs, listSpec{
		filters: []filterSpec{exact("name", "name"), exact("scope_name", "scope_name"),
			inList("managed", "managed"), isNull("managed__isnull", "managed")},
		searchFields: []string{"name", "scope_name"},
		order:        []string{"scope_name", "name"},
	})
}

func (e *Emulator) mappingFromURL(c *call) (*scopeMapping, *resp) {
	if !isUUID(c.id) {
		r := notFound()
		return nil, &r
	}
	m := e.st.mappingByPK(c.id)
	if m == nil {
		r := noMatch("ScopeMapping")
		return nil, &r
	}
	return m, nil
}

func (e *Emulator) getMapping(c *call) resp {
	m, errResp := e.mappingFromURL(c)
	if errResp != nil {
		return *errResp
	}
	return resp{status: 200, body: e.renderMapping(m)}
}

func (e *Emulator) createMapping(c *call) resp {
	m := &scopeMapping{}
	if r := e.writeMapping(c, m, false); r.status != 0 {
		return r
	}
	m.PK = e.newUUID()
	e.st.mappings = append(e.st.mappings, m)
	return resp{status: http.StatusCreated, body: e.renderMapping(m)}
}

func (e *Emulator) putMapping(c *call) resp   { return e.updateMapping(c, false) }
func (e *Emulator) patchMapping(c *call) resp { return e.updateMapping(c, true) }

func (e *Emulator) updateMapping(c *call, partial bool) resp {
	m, errResp := e.mappingFromURL(c)
	if errResp != nil {
		return *errResp
	}
	next := *m
	if r := e.writeMapping(c, &next, partial); r.status != 0 {
		return r
	}
	*m = next
	return resp{status: 200, body: e.renderMapping(m)}
}

// writeMapping validates the body into m. A zero resp means success.
func (e *Emulator) writeMapping(c *call, m *scopeMapping, partial bool) resp {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return *perr
	}
	self := m.PK
	// PropertyMappingEvaluator's file name: the stored name, or str(None) on create.
	filename := "None"
	if self != "" {
		filename = m.Name
	}
	if f.str("name", true, false, &m.Name) {
		if e.st.mappingNameTaken(m.Name, self) {
			f.fail("name", "Property Mapping with this name already exists.")
		}
	}
	// PropertyMappingSerializer.validate_expression compiles the expression
	// (authentik/core/api/property_mappings.py, lib/expression/evaluator.py).
	if f.str("expression", true, false, &m.Expression) {
		if err := pyexpr.CheckExpression(m.Expression); err != nil {
			f.fail("expression", "Expression Syntax Error: "+err.Format(filename))
		}
	}
	if f.str("scope_name", true, false, &m.ScopeName) && strings.Contains(m.ScopeName, " ") {
		// no_space (authentik/providers/oauth2/api/scopes.py) looks for " " only.
		f.fail("scope_name", "Value must not contain spaces.")
	}
	f.str("description", false, true, &m.Description)
	if f.nullStr("managed", &m.Managed) && m.Managed != nil {
		if e.st.mappingManagedTaken(*m.Managed, self) {
			f.fail("managed", "Property Mapping with this Managed by authentik already exists.")
		}
	}
	if !f.ok() {
		return f.result()
	}
	return resp{}
}

// deleteMapping removes a mapping and drops it from every provider.
func (e *Emulator) deleteMapping(c *call) resp {
	m, errResp := e.mappingFromURL(c)
	if errResp != nil {
		return *errResp
	}
	e.st.deleteScopeMapping(m)
	return resp{status: 204}
}

func (s *state) deleteScopeMapping(m *scopeMapping) {
	for _, p := range s.providers {
		p.PropertyMappings = removeStr(p.PropertyMappings, m.PK)
	}
	out := s.mappings[:0]
	for _, x := range s.mappings {
		if x != m {
			out = append(out, x)
		}
	}
	s.mappings = out
	s.sourcesDropMapping(m.PK)
}
