package kinds

// Prompt fields, used by prompt stages (authentik/stages/prompt/models.py
// Prompt, api.py PromptSerializer).
var prompt = &Kind{
	Name:    "prompt",
	Section: "prompts",
	Path:    "stages/prompt/prompts/",
	Model:   "authentik_stages_prompt.prompt",
	Schema:  "PromptRequest",
	Key:     "name",
	PK:      "pk",
	// placeholder and initial_value are Python when their *_expression
	// switch is on: shown whole, like any server code.
	Code: []string{"placeholder", "initial_value"},
	Defaults: map[string]any{"required": true, "placeholder": "", "initial_value": "", "order": 0, "sub_text": "",
		"placeholder_expression": false, "initial_value_expression": false},
	Doc: "A prompt field, shown by prompt stages.",
}

func init() { Register(prompt) }
