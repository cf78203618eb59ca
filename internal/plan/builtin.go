package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/kinds"
)

// authentik's own objects: what its default and system blueprints
// (internal/akblueprints, read from blueprints/default and
// blueprints/system at tag version/2026.2.2) create. provision never
// deletes them, and warns when a manifest edits a field a state: present
// entry sets, because authentik applies those blueprints again and the
// edit will not last.

// blueprintEntries returns the blueprint entries creating the object of a
// descriptor kind with this key.
func blueprintEntries(kind, key string) []akblueprints.Entry {
	var out []akblueprints.Entry
	for _, d := range kinds.Family(kind) {
		if d.Key == "" {
			continue
		}
		out = append(out, akblueprints.Lookup(d.Model, map[string]any{d.Key: key})...)
	}
	return out
}

// IsBuiltin reports whether authentik's blueprints create the object of a
// descriptor kind with this key.
func IsBuiltin(kind, key string) bool {
	for _, d := range kinds.Family(kind) {
		if slices.Contains(d.Builtin, key) {
			return true
		}
	}
	return len(blueprintEntries(kind, key)) > 0
}

func (c *computer) builtin(kind, key string) bool { return IsBuiltin(kind, key) }

// revertWarnings says, for each changed field a state: present blueprint
// entry sets, that authentik will set it back.
func revertWarnings(ch *Change) []string {
	var out []string
	for _, e := range blueprintEntries(string(ch.Kind), ch.Key) {
		if e.State != akblueprints.Present {
			continue
		}
		for _, f := range ch.Fields {
			v, ok := e.Attrs[f.Field]
			if !ok {
				continue
			}
			out = append(out, fmt.Sprintf("authentik's blueprint %s sets %s to %s (state: present): the next time authentik applies it (an upgrade that changes the file, or an admin applying it) it is set back, and the next plan shows this change again", e.File, f.Field, blueprintValue(v)))
		}
	}
	sort.Strings(out)
	return out
}

func blueprintValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// The child kinds authentik's blueprints create on its own flows
// (internal/kinds: flowStageBinding, policyBinding).
const (
	stageBindingKind  Kind = "flow stage binding"
	policyBindingKind Kind = "policy binding"
)

// childRevertWarnings says, for an update of a stage or policy binding on
// one of authentik's own flows, which changed fields the blueprint entry
// creating it sets: an attribute (failure_result) is set back the next time
// authentik applies the blueprint; an identifier (order) makes that run
// bind it again at the blueprint's order, beside the moved one. lf are the
// binding's live fields; key is "flow/stage" for a stage binding,
// "flow/policy:name" or "flow/stage/policy:name" for a policy binding.
func childRevertWarnings(ch *Change, lf map[string]any) []string {
	e, ok := childBlueprintEntry(ch, lf)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range ch.Fields {
		if v, ok := e.Attrs[f.Field]; ok && e.State == akblueprints.Present {
			out = append(out, fmt.Sprintf("authentik's blueprint %s sets %s to %s (state: present): the next time authentik applies it (an upgrade that changes the file, or an admin applying it) it is set back, and the next plan shows this change again", e.File, f.Field, blueprintValue(v)))
		}
		if v, ok := e.Identifiers[f.Field]; ok {
			out = append(out, fmt.Sprintf("authentik's blueprint %s finds this binding by %s %s: the next time authentik applies it, it binds it again at %s %s, beside this one", e.File, f.Field, blueprintValue(v), f.Field, blueprintValue(v)))
		}
	}
	sort.Strings(out)
	return out
}

// childBlueprintEntry finds the blueprint entry that creates the stage or
// policy binding a change names, at its live order.
func childBlueprintEntry(ch *Change, lf map[string]any) (akblueprints.Entry, bool) {
	parts := strings.Split(ch.Key, "/")
	var flow, stage, policy, model string
	switch {
	case ch.Kind == stageBindingKind && len(parts) == 2:
		flow, stage, model = parts[0], parts[1], "authentik_flows.flowstagebinding"
	case ch.Kind == policyBindingKind && (len(parts) == 2 || len(parts) == 3):
		name, ok := strings.CutPrefix(parts[len(parts)-1], "policy:")
		if !ok {
			return akblueprints.Entry{}, false
		}
		flow, policy, model = parts[0], name, "authentik_policies.policybinding"
		if len(parts) == 3 {
			stage = parts[1]
		}
	default:
		return akblueprints.Entry{}, false
	}
	flowRef := func(v any) bool {
		r, ok := v.(akblueprints.Ref)
		return ok && r.Model == "authentik_flows.flow" && r.Key["slug"] == flow
	}
	named := func(v any, name string) bool {
		r, ok := v.(akblueprints.Ref)
		return ok && r.Key["name"] == name
	}
	// stageBinding matches a reference to flow's binding of stage (any
	// order: the policy binding's own order identifies it).
	stageBinding := func(v any) bool {
		r, ok := v.(akblueprints.Ref)
		return ok && r.Model == "authentik_flows.flowstagebinding" && flowRef(r.Key["target"]) && named(r.Key["stage"], stage)
	}
	for _, e := range akblueprints.Entries(model) {
		ids := e.Identifiers
		if !akblueprints.Equal(ids["order"], lf["order"]) {
			continue
		}
		switch {
		case policy == "" && flowRef(ids["target"]) && named(ids["stage"], stage):
			return e, true
		case policy != "" && named(ids["policy"], policy) &&
			(stage == "" && flowRef(ids["target"]) || stage != "" && stageBinding(ids["target"])):
			return e, true
		}
	}
	return akblueprints.Entry{}, false
}
