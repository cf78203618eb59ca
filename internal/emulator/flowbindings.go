package emulator

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Flow-stage bindings, as authentik/flows/api/bindings.py
// (FlowStageBindingSerializer, FlowStageBindingViewSet) on
// authentik/flows/models.py (FlowStageBinding, unique_together
// target+stage+order). A binding is a PolicyBindingModel too.

var flowBindingFields = []fieldDef{
	{name: "target", typ: ftRef, ref: "flow", required: true, filter: "exact"},
	{name: "stage", typ: ftRef, ref: "stage", required: true, filter: "exact"},
	{name: "evaluate_on_plan", typ: ftBool, def: false, filter: "exact"},
	{name: "re_evaluate_policies", typ: ftBool, def: true, filter: "exact"},
	{name: "order", typ: ftInt32, required: true, filter: "exact"},
	{name: "policy_engine_mode", typ: ftChoice, choices: []string{"all", "any"}, def: "any", filter: "exact"},
	{name: "invalid_response_action", typ: ftChoice, choices: []string{"retry", "restart", "restart_with_context"},
		def: "retry", filter: "exact"},
}

var flowBindingKind = &kindDef[*store.FlowStageBinding]{
	kind: "flowstagebinding", model: "FlowStageBinding", metaModel: "authentik_flows.flowstagebinding",
	prefix: "flows/bindings/", fields: flowBindingFields,
	list: httpapi.ListSpec{
		Filters:      []httpapi.FilterSpec{httpapi.IExact("fsb_uuid", "pk"), httpapi.IExact("pbm_uuid", "policybindingmodel_ptr_id")},
		SearchFields: []string{"_stage_name"},
		Order:        []string{"order", "pk"},
		// ordering_fields also names stage__name and target__uuid, which
		// the emulator ignores (see FIDELITY.md).
		OrderFields: []string{"order", "pk"},
	},
	all: func(e *Emulator) []*store.FlowStageBinding { return e.st.FlowBindings },
	byID: func(e *Emulator, id string) (*store.FlowStageBinding, bool) {
		for _, b := range e.st.FlowBindings {
			if strings.EqualFold(b.PK, id) {
				return b, true
			}
		}
		return nil, false
	},
	fresh: func(e *Emulator) *store.FlowStageBinding { return &store.FlowStageBinding{Attrs: map[string]any{}} },
	clone: func(b *store.FlowStageBinding) *store.FlowStageBinding {
		n := *b
		n.Attrs = cloneAttrs(b.Attrs)
		return &n
	},
	commit: func(_ *Emulator, dst, src *store.FlowStageBinding) { *dst = *src },
	insert: func(e *Emulator, b *store.FlowStageBinding) {
		b.PK, b.PBMUUID = e.newUUID(), e.newUUID()
		e.st.FlowBindings = append(e.st.FlowBindings, b)
	},
	remove: func(e *Emulator, b *store.FlowStageBinding) { e.st.DeleteFlowBinding(b) },
	attrs:  func(b *store.FlowStageBinding) map[string]any { return b.Attrs },
	key:    func(b *store.FlowStageBinding) string { return b.PK },
	pk:     func(b *store.FlowStageBinding) string { return b.PK },
	refFilters: func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		// policies: a ModelMultipleChoiceFilter on Policy.
		return nil, map[string]func(string) bool{"policies": func(v string) bool { return e.st.PolicyRef(v) != "" }}
	},
	listExtra: func(e *Emulator, b *store.FlowStageBinding, m map[string]any) {
		if s := e.st.StageByPK(httpapi.FmtVal(b.Attrs["stage"])); s != nil {
			m["_stage_name"] = s.Attrs["name"]
		}
	},
	validate: func(e *Emulator, f *httpapi.Form, b *store.FlowStageBinding) *httpapi.Resp {
		// UniqueTogetherValidator (the model's unique_together) runs
		// before validate().
		for _, o := range e.st.FlowBindings {
			if o.PK != b.PK && o.Attrs["target"] == b.Attrs["target"] && o.Attrs["stage"] == b.Attrs["stage"] &&
				o.Attrs["order"] == b.Attrs["order"] {
				r := httpapi.NonFieldError("The fields target, stage, order must make a unique set.")
				return &r
			}
		}
		// validate() reads the body's attributes with the model defaults,
		// so a PATCH of re_evaluate_policies=false alone fails even when
		// the binding evaluates on plan.
		onPlan, onRun := false, true
		f.Boolean("evaluate_on_plan", &onPlan)
		f.Boolean("re_evaluate_policies", &onRun)
		if !onPlan && !onRun {
			r := httpapi.NonFieldError("Either evaluation on plan or evaluation on run must be enabled")
			return &r
		}
		return nil
	},
	render: func(e *Emulator, _ *httpapi.Call, b *store.FlowStageBinding) map[string]any {
		m := map[string]any{"pk": b.PK, "policybindingmodel_ptr_id": b.PBMUUID, "stage_obj": nil}
		if s := e.st.StageByPK(httpapi.FmtVal(b.Attrs["stage"])); s != nil {
			m["stage_obj"] = e.renderStageBase(s)
		}
		return m
	},
}
