package emulator

import (
	"encoding/json"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Flows, as authentik/flows/api/flows.py (FlowSerializer, FlowViewSet:
// lookup_field "slug") on authentik/flows/models.py (Flow). A flow is also a
// PolicyBindingModel: policy bindings target its policybindingmodel_ptr_id.

var flowDesignations = []string{"authentication", "authorization", "invalidation", "enrollment",
	"unenrollment", "recovery", "stage_configuration"}

var flowFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact"},
	{name: "slug", typ: ftSlug, required: true, filter: "exact", unique: "Flow with this slug already exists."},
	{name: "title", typ: ftString, required: true},
	{name: "designation", typ: ftChoice, required: true, choices: flowDesignations, filter: "exact"},
	{name: "background", typ: ftFile, blank: true, def: ""},
	{name: "policy_engine_mode", typ: ftChoice, choices: []string{"all", "any"}, def: "any"},
	{name: "compatibility_mode", typ: ftBool, def: false},
	{name: "layout", typ: ftChoice, choices: []string{"stacked", "content_left", "content_right", "sidebar_left", "sidebar_right"}, def: "stacked"},
	{name: "denied_action", typ: ftChoice, choices: []string{"message_continue", "message", "continue"}, def: "message_continue", filter: "exact"},
	{name: "authentication", typ: ftChoice, choices: []string{"none", "require_authenticated", "require_unauthenticated",
		"require_superuser", "require_redirect", "require_outpost"}, def: "none"},
}

var flowKind = &kindDef[*store.Flow]{
	kind: "flow", model: "Flow", metaModel: "authentik_flows.flow", prefix: "flows/instances/", keyID: true,
	fields: flowFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("flow_uuid", "pk")},
		SearchFields: []string{"name", "slug", "designation", "title", "denied_action"},
		Order:        []string{"slug", "name"},
	},
	all: func(e *Emulator) []*store.Flow { return e.st.Flows },
	byID: func(e *Emulator, id string) (*store.Flow, bool) {
		f := e.st.FlowBySlug(id)
		return f, f != nil
	},
	fresh: func(e *Emulator) *store.Flow { return &store.Flow{Attrs: map[string]any{}} },
	clone: func(f *store.Flow) *store.Flow { n := *f; n.Attrs = cloneAttrs(f.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *store.Flow) {
		*dst = *src
		dst.Slug = httpapi.FmtVal(dst.Attrs["slug"])
	},
	insert: func(e *Emulator, f *store.Flow) {
		f.PK, f.PBMUUID = e.newUUID(), e.newUUID()
		f.Slug = httpapi.FmtVal(f.Attrs["slug"])
		e.st.Flows = append(e.st.Flows, f)
	},
	remove: func(e *Emulator, f *store.Flow) { e.st.DeleteFlow(f) },
	attrs:  func(f *store.Flow) map[string]any { return f.Attrs },
	key:    func(f *store.Flow) string { return f.Slug },
	pk:     func(f *store.Flow) string { return f.PK },
	urlID:  func(f *store.Flow) string { return f.Slug },
	render: func(e *Emulator, _ *httpapi.Call, f *store.Flow) map[string]any {
		bg := "/static/dist/assets/images/flow_background.jpg" // the default brand's
		if name := httpapi.FmtVal(f.Attrs["background"]); name != "" {
			if u := e.icons.metaIconURL(name); u != nil {
				bg = *u
			}
		}
		return map[string]any{
			"pk": f.PK, "policybindingmodel_ptr_id": f.PBMUUID, "background_url": bg,
			"stages": e.st.FlowStagePKs(f), "policies": []any{}, "cache_count": json.Number("0"),
			"export_url": "/api/v3/flows/instances/" + f.Slug + "/export/",
		}
	},
}

// renderFlow renders a flow as FlowSerializer does.
func (e *Emulator) renderFlow(f *store.Flow) map[string]any { return flowKind.renderObj(e, nil, f) }

// renderFlowSet renders a flow as FlowSetSerializer (a stage's flow_set).
func (e *Emulator) renderFlowSet(f *store.Flow) map[string]any {
	m := e.renderFlow(f)
	for _, k := range []string{"background", "stages", "policies", "cache_count", "authentication"} {
		delete(m, k)
	}
	return m
}
