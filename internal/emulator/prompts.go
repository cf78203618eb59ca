package emulator

import (
	"slices"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Prompts (prompt fields), as authentik/stages/prompt/api.py
// (PromptSerializer, PromptViewSet) on authentik/stages/prompt/models.py
// (Prompt: name unique, verbose name "Prompt").

var promptFieldTypes = []string{"text", "text_area", "text_read_only", "text_area_read_only", "username", "email",
	"password", "number", "checkbox", "radio-button-group", "dropdown", "date", "date-time", "file", "separator",
	"hidden", "static", "ak-locale"}

var promptFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact", unique: "Prompt with this name already exists."},
	{name: "field_key", typ: ftString, required: true, filter: "exact"},
	{name: "label", typ: ftString, required: true, filter: "exact"},
	{name: "type", typ: ftChoice, required: true, choices: promptFieldTypes, filter: "exact"},
	{name: "required", typ: ftBool, def: true},
	{name: "placeholder", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "initial_value", typ: ftString, blank: true, def: ""},
	{name: "order", typ: ftInt32, def: int64(0)},
	{name: "sub_text", typ: ftString, blank: true, def: ""},
	{name: "placeholder_expression", typ: ftBool, def: false},
	{name: "initial_value_expression", typ: ftBool, def: false},
}

var promptKind = uuidObjects(&kindDef[*store.Object]{
	kind: "prompt", model: "Prompt", metaModel: "authentik_stages_prompt.prompt", prefix: "stages/prompt/prompts/",
	fields: promptFields,
	list: httpapi.ListSpec{
		SearchFields: []string{"field_key", "name", "label", "type", "placeholder"},
		Order:        []string{"field_key"},
	},
	render: func(e *Emulator, _ *httpapi.Call, o *store.Object) map[string]any {
		// prompt_stages_obj: PromptStageSerializer of each prompt stage
		// holding this prompt.
		stages := []any{}
		for _, s := range e.st.Stages {
			if fields, ok := s.Attrs["fields"].([]string); ok && s.Type == "prompt" && slices.Contains(fields, o.PK) {
				m := e.renderStageBase(s)
				m["fields"] = renderValue(fields)
				m["validation_policies"] = renderValue(s.Attrs["validation_policies"])
				stages = append(stages, m)
			}
		}
		return map[string]any{"pk": o.PK, "prompt_stages_obj": stages}
	},
}, func(s *store.State) *[]*store.Object { return &s.Prompts }, deletePrompt, "name")

// deletePrompt removes a prompt and drops it from the prompt stages that
// list it (PromptStage.fields, a many-to-many).
func deletePrompt(s *store.State, o *store.Object) {
	s.Prompts = slices.DeleteFunc(s.Prompts, func(x *store.Object) bool { return x == o })
	s.ClearStageRefs("prompt", o.PK)
}
