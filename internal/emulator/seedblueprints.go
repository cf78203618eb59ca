package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/emulator/httpapi"
)

// Seeding flows, stages, prompts and flow-stage bindings from authentik's
// default and system blueprints (internal/akblueprints), the way
// authentik/blueprints/v1/importer.py applies them: each entry's
// identifiers find the object (all of them ANDed), attrs and identifiers
// are written through the kind's own serializer (a partial update when the
// object exists, a create otherwise), references resolve by natural key,
// and metaapplyblueprint entries apply the named blueprint first. Entries
// of models the emulator does not serve (policies, policy bindings, the
// brand, ...) are skipped, and references to them resolve to nothing.

// seedable is a generic kind that blueprint entries can write.
type seedable interface {
	metaModelName() string
	seedFind(e *Emulator, key map[string]any) (pk string, ok bool)
	seedEntry(e *Emulator, state akblueprints.State, key, attrs map[string]any) error
}

func (k *kindDef[T]) metaModelName() string { return k.metaModel }

func (k *kindDef[T]) seedObj(e *Emulator, key map[string]any) (T, bool) {
	for _, o := range k.all(e) {
		m := k.renderObj(e, nil, o)
		match := true
		for f, v := range key {
			if httpapi.FmtVal(m[f]) != httpapi.FmtVal(v) {
				match = false
			}
		}
		if match {
			return o, true
		}
	}
	var zero T
	return zero, false
}

func (k *kindDef[T]) seedFind(e *Emulator, key map[string]any) (string, bool) {
	o, ok := k.seedObj(e, key)
	if !ok {
		return "", false
	}
	return k.pk(o), true
}

func (k *kindDef[T]) seedEntry(e *Emulator, state akblueprints.State, key, attrs map[string]any) error {
	data := map[string]any{}
	for f, v := range attrs {
		data[f] = v
	}
	for f, v := range key {
		data[f] = v
	}
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	c := &httpapi.Call{Body: body}
	obj, exists := k.seedObj(e, key)
	switch {
	case exists && state == akblueprints.Absent:
		k.remove(e, obj)
		return nil
	case exists && state == akblueprints.Present:
		next := k.clone(obj)
		if r := k.write(e, c, next, true); r != nil {
			return fmt.Errorf("%d %v", r.Status, r.Body)
		}
		k.commit(e, obj, next)
		return nil
	case exists || state == akblueprints.Absent:
		return nil
	}
	obj = k.newObj(e)
	if r := k.write(e, c, obj, false); r != nil {
		return fmt.Errorf("%d %v", r.Status, r.Body)
	}
	k.insert(e, obj)
	return nil
}

// seedKinds are the kinds blueprint entries are written to, by model.
func seedKinds() map[string]seedable {
	m := map[string]seedable{}
	for _, k := range genericKinds {
		if s, ok := k.(seedable); ok && s.metaModelName() != "" {
			m[s.metaModelName()] = s
		}
	}
	return m
}

// legacySeedFlows are the flows the emulator seeded before it read the
// blueprints, in that order. They are seeded first, from the main random
// source, so their pks stay what tests have seen.
var legacySeedFlows = []string{"default-authentication-flow", "default-invalidation-flow",
	"default-provider-authorization-explicit-consent", "default-provider-authorization-implicit-consent",
	"default-provider-invalidation-flow"}

func (e *Emulator) seedLegacyFlows() {
	kinds := seedKinds()
	for _, slug := range legacySeedFlows {
		en := akblueprints.Lookup("authentik_flows.flow", map[string]any{"slug": slug})
		e.mustSeed(kinds, en[0])
	}
}

// seedBlueprints applies every default and system blueprint. Its objects
// draw their pks from a random source of their own, so every value the
// emulator drew before (pks, keys, secrets) stays as it was.
func (e *Emulator) seedBlueprints() {
	main := e.rnd
	e.rnd = rand.New(rand.NewSource(e.seed ^ 0x0b1e9e1f))
	defer func() { e.rnd = main }()
	kinds := seedKinds()
	applied := map[string]bool{}
	for _, f := range akblueprints.Files {
		e.applyBlueprint(kinds, f, applied)
	}
}

func (e *Emulator) applyBlueprint(kinds map[string]seedable, f akblueprints.File, applied map[string]bool) {
	if applied[f.Path] {
		return
	}
	applied[f.Path] = true
	for _, en := range f.Entries {
		if en.Model == "authentik_blueprints.metaapplyblueprint" {
			ids, _ := en.Attrs["identifiers"].(map[string]any)
			for _, g := range akblueprints.Files {
				if g.Name == ids["name"] {
					e.applyBlueprint(kinds, g, applied)
				}
			}
			continue
		}
		if kinds[en.Model] != nil && e.blueprintConditions(kinds, en.Conditions) {
			e.mustSeed(kinds, en)
		}
	}
}

func (e *Emulator) mustSeed(kinds map[string]seedable, en akblueprints.Entry) {
	key, _ := e.resolveBlueprintValue(kinds, en.Identifiers).(map[string]any)
	attrs, _ := e.resolveBlueprintValue(kinds, en.Attrs).(map[string]any)
	if err := kinds[en.Model].seedEntry(e, en.State, key, attrs); err != nil {
		panic(fmt.Sprintf("emulator: seed %s %v from %s: %v", en.Model, en.Identifiers, en.File, err))
	}
}

// resolveBlueprintValue turns references into pks: a reference to an object
// the emulator does not have is nil, and is left out of a list.
func (e *Emulator) resolveBlueprintValue(kinds map[string]seedable, v any) any {
	switch x := v.(type) {
	case akblueprints.Ref:
		k := kinds[x.Model]
		if k == nil {
			return nil
		}
		key, _ := e.resolveBlueprintValue(kinds, x.Key).(map[string]any)
		if pk, ok := k.seedFind(e, key); ok {
			return pk
		}
		return nil
	case akblueprints.Tag:
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for f, w := range x {
			out[f] = e.resolveBlueprintValue(kinds, w)
		}
		return out
	case []any:
		out := []any{}
		for _, w := range x {
			r := e.resolveBlueprintValue(kinds, w)
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
func (e *Emulator) blueprintConditions(kinds map[string]seedable, conds []any) bool {
	for _, c := range conds {
		if !e.blueprintTruth(kinds, c) {
			return false
		}
	}
	return true
}

func (e *Emulator) blueprintTruth(kinds map[string]seedable, v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case akblueprints.Ref:
		return e.resolveBlueprintValue(kinds, x) != nil
	case akblueprints.Tag:
		if x.Name != "!Condition" || len(x.Args) < 2 {
			return false
		}
		mode, _ := x.Args[0].(string)
		n := 0
		for _, a := range x.Args[1:] {
			if e.blueprintTruth(kinds, a) {
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
