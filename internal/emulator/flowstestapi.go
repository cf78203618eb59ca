package emulator

// Test API for flows, stages, prompts and flow-stage bindings: what a test
// asserts on the wire, with references shown by natural key (a flow by
// slug, a stage, prompt or group by name).

import (
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// FlowBinding is one flow-stage binding.
type FlowBinding struct {
	Stage                 string // the stage's name
	StageType             string // e.g. "identification" (authentik/stages/<type>/)
	Order                 int
	EvaluateOnPlan        bool
	ReEvaluatePolicies    bool
	PolicyEngineMode      string
	InvalidResponseAction string
}

// FlowBindings returns the stage bindings of the flow with this slug,
// ordered by order; nil when there is no such flow.
func (e *Emulator) FlowBindings(slug string) []FlowBinding {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.st.FlowBySlug(slug)
	if f == nil {
		return nil
	}
	out := []FlowBinding{}
	for _, b := range e.st.FlowBindingsOf(f.PK) {
		fb := FlowBinding{Order: int(b.Attrs["order"].(int64)), EvaluateOnPlan: b.Attrs["evaluate_on_plan"] == true,
			ReEvaluatePolicies: b.Attrs["re_evaluate_policies"] == true,
			PolicyEngineMode:   httpapi.FmtVal(b.Attrs["policy_engine_mode"]), InvalidResponseAction: httpapi.FmtVal(b.Attrs["invalid_response_action"])}
		if s := e.st.StageByPK(httpapi.FmtVal(b.Attrs["stage"])); s != nil {
			fb.Stage, fb.StageType = httpapi.FmtVal(s.Attrs["name"]), s.Type
		}
		out = append(out, fb)
	}
	return out
}

// FlowFields returns the writable fields of the flow with this slug, or nil.
func (e *Emulator) FlowFields(slug string) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.st.FlowBySlug(slug)
	if f == nil {
		return nil
	}
	return e.naturalFields(flowFields, f.Attrs)
}

// StageFields returns the type (e.g. "prompt") and writable fields of the
// stage with this name (a write-only field too), references by natural
// key; ok is false when there is no such stage.
func (e *Emulator) StageFields(name string) (typ string, fields map[string]any, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.st.Stages {
		if s.Attrs["name"] == name {
			m := e.naturalFields(stageTypeByName[s.Type].fields, s.Attrs)
			m["name"] = name
			return s.Type, m, true
		}
	}
	return "", nil, false
}

// PromptFields returns the writable fields of the prompt with this name, or nil.
func (e *Emulator) PromptFields(name string) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.st.Prompts {
		if p.Attrs["name"] == name {
			return e.naturalFields(promptFields, p.Attrs)
		}
	}
	return nil
}

// StagePK returns the pk of the stage with this name, or "".
func (e *Emulator) StagePK(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.st.Stages {
		if s.Attrs["name"] == name {
			return s.PK
		}
	}
	return ""
}

// PromptPK returns the pk of the prompt with this name, or "".
func (e *Emulator) PromptPK(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.st.Prompts {
		if p.Attrs["name"] == name {
			return p.PK
		}
	}
	return ""
}

// naturalFields copies attrs: integers as int, references by natural key.
func (e *Emulator) naturalFields(fields []fieldDef, attrs map[string]any) map[string]any {
	out := map[string]any{}
	for _, fd := range fields {
		v := attrs[fd.name]
		switch x := v.(type) {
		case int64:
			v = int(x)
		case string:
			if fd.typ == ftRef {
				v = e.naturalKey(fd.ref, x)
			}
		case []string:
			l := make([]string, len(x))
			for i, pk := range x {
				l[i] = pk
				if fd.typ == ftRefList {
					l[i] = e.naturalKey(fd.ref, pk)
				}
			}
			v = l
		}
		out[fd.name] = v
	}
	return out
}

func (e *Emulator) naturalKey(ref, pk string) string {
	switch {
	case ref == "flow":
		if f := e.st.FlowByPK(pk); f != nil {
			return f.Slug
		}
	case ref == "group":
		if g := e.st.GroupByPK(pk); g != nil {
			return g.Name()
		}
	case ref == "prompt":
		if p := e.st.PromptByPK(pk); p != nil {
			return httpapi.FmtVal(p.Attrs["name"])
		}
	case ref == "policy":
		if p := e.st.PolicyByPK(pk); p != nil {
			return httpapi.FmtVal(p.Attrs["name"])
		}
	case ref == "source":
		if s := e.st.SourceByPK(pk); s != nil {
			return httpapi.FmtVal(s.Attrs["slug"])
		}
	case ref == "propertymapping":
		for _, m := range e.allMappings() {
			if strings.EqualFold(m.pk, pk) {
				return m.name
			}
		}
	default: // stage, stage:<type>
		if s := e.st.StageByPK(pk); s != nil {
			return httpapi.FmtVal(s.Attrs["name"])
		}
	}
	return pk
}
