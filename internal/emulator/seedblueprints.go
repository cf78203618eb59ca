package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/seed"
)

// Seeding from authentik's blueprints (the seed package applies them): the
// kind tables' side, writing an entry through the kind's own serializer.

// seedable is a generic kind that blueprint entries can write.
type seedable interface {
	metaModelName() string
	seedFind(e *Emulator, key map[string]any) (pk string, ok bool)
	seedEntry(e *Emulator, state akblueprints.State, key, attrs map[string]any) error
}

func (k *kindDef[T]) metaModelName() string { return k.metaModel }

func (k *kindDef[T]) seedObj(e *Emulator, key map[string]any) (T, bool) {
	for _, o := range k.all(e) {
		// The stored attributes first: rendering every object for every
		// entry was a tenth of the e2e suite's CPU (each test seeds a
		// fresh install). A key field kept outside attrs renders it.
		m, rendered := k.attrs(o), false
		match := true
		for f, v := range key {
			got, ok := m[f]
			if !ok && !rendered {
				m, rendered = k.renderObj(e, nil, o), true
				got = m[f]
			}
			if httpapi.FmtVal(got) != httpapi.FmtVal(v) {
				match = false
				break
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

// seedKind binds a seedable kind to the emulator for the seed package.
type seedKind struct {
	e *Emulator
	k seedable
}

func (s seedKind) Find(key map[string]any) (string, bool) { return s.k.seedFind(s.e, key) }
func (s seedKind) Entry(state akblueprints.State, key, attrs map[string]any) error {
	return s.k.seedEntry(s.e, state, key, attrs)
}

// seedKinds are the kinds blueprint entries are written to, by model.
func (e *Emulator) seedKinds() seed.Kinds {
	m := seed.Kinds{}
	for _, k := range genericKinds {
		if s, ok := k.(seedable); ok && s.metaModelName() != "" {
			m[s.metaModelName()] = seedKind{e, s}
		}
	}
	return m
}

// seedLegacyFlows seeds the flows the emulator seeded before it read the
// blueprints (seed.LegacyFlows), from the main random source.
func (e *Emulator) seedLegacyFlows() { e.seedKinds().LegacyFlows() }

// seedBlueprints applies every default and system blueprint. Its objects
// draw their pks from a random source of their own, so every value the
// emulator drew before (pks, keys, secrets) stays as it was. Policy
// bindings, seeded later than the rest, draw from another one, so the pks
// of the objects seeded between them stayed as they were too.
func (e *Emulator) seedBlueprints() {
	main := e.rnd
	e.rnd = rand.New(rand.NewSource(e.seed ^ 0x0b1e9e1f))
	defer func() { e.rnd = main }()
	kinds := e.seedKinds()
	bindings := ownRandom{seedKind{e, bindingKind}, rand.New(rand.NewSource(e.seed ^ 0x0b1d1e95))}
	kinds[bindingKind.metaModel] = bindings
	// events-default.yaml's objects, seeded later than the rest, draw from
	// a source of their own too (its bindings also: they target a
	// notification rule), so no pk seeded before moved.
	events := rand.New(rand.NewSource(e.seed ^ 0x0e7e9715))
	for _, k := range []seedable{transportKind, ruleKind, policyKindOf("event_matcher")} {
		kinds[k.metaModelName()] = ownRandom{seedKind{e, k}, events}
	}
	kinds[bindingKind.metaModel] = ruleBindings{bindings, ownRandom{seedKind{e, bindingKind}, events}}
	kinds.Blueprints()
}

// ruleBindings seeds a policy binding on a notification rule through
// events, any other through other.
type ruleBindings struct{ other, events ownRandom }

func (s ruleBindings) Find(key map[string]any) (string, bool) { return s.other.Find(key) }

func (s ruleBindings) Entry(state akblueprints.State, key, attrs map[string]any) error {
	if t, ok := key["target"].(string); ok && s.events.e.st.RuleByPK(t) != nil {
		return s.events.Entry(state, key, attrs)
	}
	return s.other.Entry(state, key, attrs)
}

// ownRandom writes blueprint entries drawing from a random source of
// their own.
type ownRandom struct {
	seedKind
	rnd *rand.Rand
}

func (s ownRandom) Entry(state akblueprints.State, key, attrs map[string]any) error {
	was := s.e.rnd
	s.e.rnd = s.rnd
	defer func() { s.e.rnd = was }()
	return s.seedKind.Entry(state, key, attrs)
}

// ApplyBlueprint applies one of authentik's default or system blueprints
// again (its path below blueprints/, e.g.
// "default/flow-default-authentication-flow.yaml"), as authentik does on
// every start and when an admin applies it, for tests. New objects draw
// from the main random source. An entry authentik would refuse stops it
// there, with an error.
func (e *Emulator) ApplyBlueprint(path string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seedKinds().Apply(path)
}
