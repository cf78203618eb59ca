package emulator

import "strings"

// flow is a flows.Flow. Flows are seeded; the API can read and delete them.
type flow struct {
	PK               string
	PBMUUID          string // policybindingmodel_ptr_id, the binding target
	Name             string
	Slug             string
	Title            string
	Designation      string
	Authentication   string
	PolicyEngineMode string
	Layout           string
	DeniedAction     string
}

type flowOut struct {
	PK                      string   `json:"pk"`
	PolicybindingmodelPtrID string   `json:"policybindingmodel_ptr_id"`
	Name                    string   `json:"name"`
	Slug                    string   `json:"slug"`
	Title                   string   `json:"title"`
	Designation             string   `json:"designation"`
	Background              string   `json:"background"`
	BackgroundURL           string   `json:"background_url"`
	Stages                  []string `json:"stages"`
	Policies                []string `json:"policies"`
	CacheCount              int      `json:"cache_count"`
	PolicyEngineMode        string   `json:"policy_engine_mode"`
	CompatibilityMode       bool     `json:"compatibility_mode"`
	ExportURL               string   `json:"export_url"`
	Layout                  string   `json:"layout"`
	DeniedAction            string   `json:"denied_action"`
	Authentication          string   `json:"authentication"`
}

func (e *Emulator) renderFlow(f *flow) map[string]any {
	m := toMap(flowOut{
		PK: f.PK, PolicybindingmodelPtrID: f.PBMUUID, Name: f.Name, Slug: f.Slug, Title: f.Title,
		Designation: f.Designation, BackgroundURL: "/static/dist/assets/images/flow_background.jpg",
		Stages: []string{}, Policies: []string{}, PolicyEngineMode: f.PolicyEngineMode,
		ExportURL: "/api/v3/flows/instances/" + f.Slug + "/export/", Layout: f.Layout,
		DeniedAction: f.DeniedAction, Authentication: f.Authentication,
	})
	e.applyOverrides("flow", f.Slug, m)
	return m
}

var flowDesignations = []string{"authentication", "authorization", "invalidation", "enrollment",
	"unenrollment", "recovery", "stage_configuration"}

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

func (e *Emulator) listFlows(c *call) resp {
	if r := checkChoiceFilters(c, map[string][]string{"designation": flowDesignations,
		"denied_action": {"message_continue", "message", "continue"}}, nil, nil); r != nil {
		return *r
	}
	objs := make([]map[string]any, 0, len(e.st.flows))
	for _, f := range e.st.flows {
		objs = append(objs, e.renderFlow(f))
	}
	return e.list(c, objs, listSpec{
		filters: []filterSpec{exact("slug", "slug"), exact("name", "name"), exact("flow_uuid", "pk"),
			exact("designation", "designation"), exact("denied_action", "denied_action")},
		searchFields: []string{"name", "slug", "designation", "title", "denied_action"},
		order:        []string{"slug", "name"},
	})
}

func (e *Emulator) getFlow(c *call) resp {
	f := e.st.flowBySlug(c.id)
	if f == nil {
		return noMatch("Flow")
	}
	return resp{status: 200, body: e.renderFlow(f)}
}

func (e *Emulator) deleteFlowAPI(c *call) resp {
	f := e.st.flowBySlug(c.id)
	if f == nil {
		return noMatch("Flow")
	}
	e.st.deleteFlow(f)
	return resp{status: 204}
}

// deleteFlow removes a flow with its cascades: providers authorizing through
// it are deleted, other provider references become null, bindings on it go.
func (s *state) deleteFlow(f *flow) {
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
	out := s.flows[:0]
	for _, x := range s.flows {
		if x != f {
			out = append(out, x)
		}
	}
	s.flows = out
}
