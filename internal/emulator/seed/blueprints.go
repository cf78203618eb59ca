package seed

import (
	"fmt"

	"github.com/provision/provision/internal/akblueprints"
)

// Kind is a kind that blueprint entries can write: the emulator's kind
// table behind it writes through the kind's own serializer.
type Kind interface {
	// Find returns the pk of the object whose rendered fields equal key.
	Find(key map[string]any) (pk string, ok bool)
	// Entry applies one blueprint entry: a partial update when the object
	// exists, a create otherwise, a delete for state absent.
	Entry(state akblueprints.State, key, attrs map[string]any) error
}

// Kinds are the kinds blueprint entries are written to, by model
// (app_label.model_name).
type Kinds map[string]Kind

// legacySeedFlows are the flows the emulator seeded before it read the
// blueprints, in that order. They are seeded first, from the main random
// source, so their pks stay what tests have seen.
var legacySeedFlows = []string{"default-authentication-flow", "default-invalidation-flow",
	"default-provider-authorization-explicit-consent", "default-provider-authorization-implicit-consent",
	"default-provider-invalidation-flow"}

func (kinds Kinds) applyBlueprint(f akblueprints.File, applied map[string]bool) error {
	if applied[f.Path] {
		return nil
	}
	applied[f.Path] = true
	for _, en := range f.Entries {
		if en.Model == "authentik_blueprints.metaapplyblueprint" {
			ids, _ := en.Attrs["identifiers"].(map[string]any)
			for _, g := range akblueprints.Files {
				if g.Name == ids["name"] {
					if err := kinds.applyBlueprint(g, applied); err != nil {
						return err
					}
				}
			}
			continue
		}
		if kinds[en.Model] != nil && kinds.blueprintConditions(en.Conditions) && kinds.served(en.Identifiers) {
			if err := kinds.seed(en); err != nil {
				return err
			}
		}
	}
	return nil
}

func (kinds Kinds) seed(en akblueprints.Entry) error {
	key, _ := kinds.resolveBlueprintValue(en.Identifiers).(map[string]any)
	attrs, _ := kinds.resolveBlueprintValue(en.Attrs).(map[string]any)
	if err := kinds[en.Model].Entry(en.State, key, attrs); err != nil {
		return fmt.Errorf("emulator: seed %s %v from %s: %v", en.Model, en.Identifiers, en.File, err)
	}
	return nil
}

func (kinds Kinds) mustSeed(en akblueprints.Entry) {
	if err := kinds.seed(en); err != nil {
		panic(err.Error())
	}
}

// served reports whether every reference in an entry's identifiers names
// a model the emulator serves. One that does not (events-default's policy
// bindings target notification rules, which the emulator does not serve)
// cannot be matched or written, so the entry is skipped rather than
// seeded with the reference left out (FIDELITY.md lists them).
func (kinds Kinds) served(v any) bool {
	switch x := v.(type) {
	case akblueprints.Ref:
		return kinds[x.Model] != nil && kinds.served(x.Key)
	case map[string]any:
		for _, w := range x {
			if !kinds.served(w) {
				return false
			}
		}
	case []any:
		for _, w := range x {
			if !kinds.served(w) {
				return false
			}
		}
	}
	return true
}

// resolveBlueprintValue turns references into pks: a reference to an object
// the emulator does not have is nil, and is left out of a list.
func (kinds Kinds) resolveBlueprintValue(v any) any {
	switch x := v.(type) {
	case akblueprints.Ref:
		k := kinds[x.Model]
		if k == nil {
			return nil
		}
		key, _ := kinds.resolveBlueprintValue(x.Key).(map[string]any)
		if pk, ok := k.Find(key); ok {
			return pk
		}
		return nil
	case akblueprints.Tag:
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for f, w := range x {
			out[f] = kinds.resolveBlueprintValue(w)
		}
		return out
	case []any:
		out := []any{}
		for _, w := range x {
			r := kinds.resolveBlueprintValue(w)
			if _, ref := w.(akblueprints.Ref); ref && r == nil {
				continue
			}
			out = append(out, r)
		}
		return out
	}
	return v
}

// blueprintConditions evaluates an entry's conditions as
// authentik/blueprints/v1/common.py (Condition) does: every condition must
// hold; !Condition [MODE, args...] combines its arguments' truth (a !Find
// is true when it finds an object) by AND, NAND, OR, NOR, XOR or XNOR. A
// condition the emulator cannot evaluate (another tag) is false, so the
// entry is skipped.
func (kinds Kinds) blueprintConditions(conds []any) bool {
	for _, c := range conds {
		if !kinds.blueprintTruth(c) {
			return false
		}
	}
	return true
}

func (kinds Kinds) blueprintTruth(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case akblueprints.Ref:
		return kinds.resolveBlueprintValue(x) != nil
	case akblueprints.Tag:
		if x.Name != "!Condition" || len(x.Args) < 2 {
			return false
		}
		mode, _ := x.Args[0].(string)
		n := 0
		for _, a := range x.Args[1:] {
			if kinds.blueprintTruth(a) {
				n++
			}
		}
		all, some := n == len(x.Args)-1, n > 0
		switch mode {
		case "AND":
			return all
		case "NAND":
			return !all
		case "OR":
			return some
		case "NOR":
			return !some
		case "XOR":
			return n%2 == 1
		case "XNOR":
			return n%2 == 0
		}
	}
	return false
}

// LegacyFlows seeds the flows the emulator seeded before it read the
// blueprints, in that order (legacySeedFlows).
func (kinds Kinds) LegacyFlows() {
	for _, slug := range legacySeedFlows {
		en := akblueprints.Lookup("authentik_flows.flow", map[string]any{"slug": slug})
		kinds.mustSeed(en[0])
	}
}

// Blueprints applies every default and system blueprint, each once, a
// metaapplyblueprint entry applying the named blueprint first.
func (kinds Kinds) Blueprints() {
	applied := map[string]bool{}
	for _, f := range akblueprints.Files {
		if err := kinds.applyBlueprint(f, applied); err != nil {
			panic(err.Error())
		}
	}
}

// Apply applies one blueprint again (blueprints/<path>, e.g.
// "default/flow-default-authentication-flow.yaml"), as authentik does on
// every start, on a change of the file and when an admin applies it: what
// it sets with state: present is set back, what it creates is created
// again. An entry authentik would refuse stops it there, with an error.
func (kinds Kinds) Apply(path string) error {
	for _, f := range akblueprints.Files {
		if f.Path == path {
			return kinds.applyBlueprint(f, map[string]bool{})
		}
	}
	return fmt.Errorf("emulator: no blueprint %s", path)
}
