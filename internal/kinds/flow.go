package kinds

// Flows, with their stage bindings nested under stages:
// (authentik/flows/models.py Flow and FlowStageBinding,
// authentik/flows/api/flows.py and bindings.py). Flows are addressed by
// slug (FlowViewSet.lookup_field).
var flowStageBinding = &Kind{
	Name:   "flow stage binding",
	Path:   "flows/bindings/",
	Model:  "authentik_flows.flowstagebinding",
	Schema: "FlowStageBindingRequest",
	PK:     "pk",
	Refs:   map[string]string{"target": "flow", "stage": "stage"},
	Defaults: map[string]any{"evaluate_on_plan": false, "re_evaluate_policies": true,
		"policy_engine_mode": "any", "invalid_response_action": "retry"},
	// FlowStageBindingSerializer.validate: one of the two must be true, read
	// from the body.
	SendTogether: [][]string{{"evaluate_on_plan", "re_evaluate_policies"}},
	// A binding is a PolicyBindingModel: policies: decides whether the
	// stage runs (policies.go).
	Children: []Child{policies},
	Doc:      "A stage bound to a flow at an order.",
}

var flow = &Kind{
	Name:    "flow",
	Section: "flows",
	Path:    "flows/instances/",
	Model:   "authentik_flows.flow",
	Schema:  "FlowRequest",
	Key:     "slug",
	PK:      "pk",
	URLKey:  true,
	Defaults: map[string]any{"policy_engine_mode": "any", "compatibility_mode": false, "layout": "stacked",
		"denied_action": "message_continue", "authentication": "none", "background": ""},
	Children: []Child{{Field: "stages", Kind: flowStageBinding, Parent: "target", By: "stage"}, policies},
	Doc:      "A flow: the stages a user goes through, bound in order.",
}

func init() { Register(flow) }
