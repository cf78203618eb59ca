package emulator

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Flows, as authentik/flows/api/flows.py (FlowSerializer, FlowViewSet:
// lookup_field "slug") on authentik/flows/models.py (Flow). A flow is also a
// PolicyBindingModel: policy bindings target its policybindingmodel_ptr_id.

type flow struct {
	PK      string // flow_uuid
	PBMUUID string // policybindingmodel_ptr_id, the policy binding target
	Slug    string // Attrs["slug"], kept for the protocol views
	Attrs   map[string]any
}

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

var flowKind = &kindDef[*flow]{
	kind: "flow", model: "Flow", metaModel: "authentik_flows.flow", prefix: "flows/instances/", keyID: true,
	fields: flowFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.Iexact("flow_uuid", "pk")},
		SearchFields: []string{"name", "slug", "designation", "title", "denied_action"},
		Order:        []string{"slug", "name"},
	},
	all: func(e *Emulator) []*flow { return e.st.flows },
	byID: func(e *Emulator, id string) (*flow, bool) {
		f := e.st.flowBySlug(id)
		return f, f != nil
	},
	fresh: func(e *Emulator) *flow { return &flow{Attrs: map[string]any{}} },
	clone: func(f *flow) *flow { n := *f; n.Attrs = cloneAttrs(f.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *flow) {
		*dst = *src
		dst.Slug = httpapi.FmtVal(dst.Attrs["slug"])
	},
	insert: func(e *Emulator, f *flow) {
		f.PK, f.PBMUUID = e.newUUID(), e.newUUID()
		f.Slug = httpapi.FmtVal(f.Attrs["slug"])
		e.st.flows = append(e.st.flows, f)
	},
	remove: func(e *Emulator, f *flow) { e.st.deleteFlow(f) },
	attrs:  func(f *flow) map[string]any { return f.Attrs },
	key:    func(f *flow) string { return f.Slug },
	pk:     func(f *flow) string { return f.PK },
	urlID:  func(f *flow) string { return f.Slug },
	render: func(e *Emulator, _ *httpapi.Call, f *flow) map[string]any {
		bg := "/static/dist/assets/images/flow_background.jpg" // the default brand's
		if name := httpapi.FmtVal(f.Attrs["background"]); name != "" {
			if u := e.icons.metaIconURL(name); u != nil {
				bg = *u
			}
		}
		return map[string]any{
			"pk": f.PK, "policybindingmodel_ptr_id": f.PBMUUID, "background_url": bg,
			"stages": e.st.flowStagePKs(f), "policies": []any{}, "cache_count": json.Number("0"),
			"export_url": "/api/v3/flows/instances/" + f.Slug + "/export/",
		}
	},
}

// renderFlow renders a flow as FlowSerializer does.
func (e *Emulator) renderFlow(f *flow) map[string]any { return flowKind.renderObj(e, nil, f) }

// renderFlowSet renders a flow as FlowSetSerializer (a stage's flow_set).
func (e *Emulator) renderFlowSet(f *flow) map[string]any {
	m := e.renderFlow(f)
	for _, k := range []string{"background", "stages", "policies", "cache_count", "authentication"} {
		delete(m, k)
	}
	return m
}

// flowStagePKs is Flow.stages: the stage of each binding (the M2M through
// FlowStageBinding), in binding order.
func (s *state) flowStagePKs(f *flow) []any {
	out := []any{}
	for _, b := range s.flowBindingsOf(f.PK) {
		out = append(out, b.Attrs["stage"])
	}
	return out
}

func (s *state) flowBySlug(slug string) *flow {
	for _, f := range s.flows {
		if f.Slug == slug {
			return f
		}
	}
	return nil
}

// flowRef resolves a flow pk (as sent in provider bodies) to its canonical form.
func (s *state) flowRef(pk string) string {
	for _, f := range s.flows {
		if strings.EqualFold(f.PK, pk) {
			return f.PK
		}
	}
	return ""
}

// deleteFlow removes a flow with its cascades: providers authorizing through
// it are deleted, other provider references become null, bindings on it go
// (flow-stage bindings with their own policy bindings), and stage
// references to it become null (SET_NULL / SET_DEFAULT None).
func (s *state) deleteFlow(f *flow) {
	s.clearBrandRefs(f.PK)
	for _, p := range append([]*provider(nil), s.providers...) {
		if p.AuthorizationFlow == f.PK {
			s.deleteProvider(p)
			continue
		}
		if p.InvalidationFlow != nil && *p.InvalidationFlow == f.PK {
			p.InvalidationFlow = nil
		}
		if p.AuthenticationFlow != nil && *p.AuthenticationFlow == f.PK {
			p.AuthenticationFlow = nil
		}
	}
	s.deleteBindingsFor(f.PBMUUID)
	s.deleteBindingsFor(f.PK)
	for _, b := range s.flowBindingsOf(f.PK) {
		s.deleteFlowBinding(b)
	}
	s.clearStageRefs("flow", f.PK)
	s.sourcesOnFlowDelete(f.PK)
	s.flows = slices.DeleteFunc(s.flows, func(x *flow) bool { return x == f })
}
