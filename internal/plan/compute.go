package plan

import (
	"errors"
	"fmt"
	"sort"

	"github.com/provision/provision/internal/manifest"
)

// ResolveError is a reference in the manifest that matches zero or several
// live objects, or touches an object the client could not read.
type ResolveError struct {
	Pos manifest.Position
	Msg string
}

func (e *ResolveError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Compute returns the changes that make live match the manifest. It is
// pure and deterministic. Every unresolvable reference is reported (joined),
// each naming its manifest position.
func Compute(m *manifest.Manifest, live *Live) (*Plan, error) {
	return ComputeWith(m, live, Options{})
}

// ComputeWith is Compute limited by o (safe.go): without prune, or to
// some objects.
func ComputeWith(m *manifest.Manifest, live *Live, o Options) (*Plan, error) {
	live, moved, moveErrs := moveLive(m, live)
	var bad []error
	for i := range live.Providers {
		if err := live.Providers[i].checkDetail(); err != nil {
			bad = append(bad, err)
		}
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	c := newComputer(m, live)
	c.opts, c.moves = o, moved
	c.errs = append(c.errs, moveErrs...)
	c.stack = c.newStack()
	c.checkTargets()
	stages := make([][]Change, len(registry))
	deletes := make([][]Change, len(registry))
	place := func(i int, ch *Change) {
		if ch.Action == Delete {
			deletes[i] = append(deletes[i], *ch)
		} else {
			stages[i] = append(stages[i], *ch)
		}
	}
	for i, k := range registry {
		for _, ch := range k.Diff(c, m) {
			if ch != nil {
				place(i, ch)
			}
		}
	}
	prune, own := c.ownership(declaredOutposts(m))
	for _, ch := range prune {
		place(registryIndex(ch.Kind), ch)
	}
	c.checkProviderHolders(m, append(stages, deletes...))
	orderPermissionRemovals(append(stages, deletes...))
	var changes []Change
	for i := range registry {
		changes = append(changes, sortedByKey(stages[i])...)
	}
	for i := len(registry) - 1; i >= 0; i-- {
		changes = append(changes, sortedByKey(deletes[i])...)
	}
	changes = c.limitToTargets(changes)
	c.refuseProtected(changes)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	c.markMoves(changes)
	c.destroyWarnings(changes)
	p := &Plan{Ownership: own, Kept: c.kept, Warnings: c.warnings, Changes: changes}
	addWarnings(p)
	annotate(p, m)
	return p, nil
}

func sortedByKey(cs []Change) []Change {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return cs
}

// computer holds one Compute run: the manifest, the live state with its
// lookups, and the errors found.
type computer struct {
	m    *manifest.Manifest
	live *Live
	errs []error
	// lookups
	// The lookups point into live: the plan keeps one copy of live state.
	flowsByPK map[string]*Flow
	// scopeMappings is the typed view of the live scope mappings.
	scopeMappings []ScopeMapping
	// groups is the typed view of the live groups.
	groups       []Group
	mappingsByPK map[string]*ScopeMapping
	// mappingsByName has every scope mapping the manifest declares, with
	// its live pk ("" when it does not exist yet).
	mappingsByName map[string]string
	samlByPK       map[string]*PropertyMapping
	keysByPK       map[string]*KeyPair
	providersByPK  map[int32]*Provider
	groupsByPK     map[string]*Group
	bindingsByApp  map[string][]Binding // by target
	unreadable     map[string]Unreadable
	// stack is the manifest's stack ownership (ownership.go); nil without.
	stack *stack
	// kids are the child lists' changes, diffed once (entries.go).
	kids *[]*Change
	// kept are live children the plan leaves alone (entries.go).
	kept []Kept
	// warnings are the plan's own (Plan.Warnings).
	warnings []string
	// indexes are the descriptor kinds' lookups (entries.go), by kind.
	indexes map[string]*kindIndex
	// children are the live children by parent pk (entries.go).
	children map[string]map[string][]*Object
	// opts limit the plan; moves are the renames found (safe.go).
	opts  Options
	moves moves
}

func newComputer(m *manifest.Manifest, live *Live) *computer {
	c := &computer{
		m:             m,
		live:          live,
		flowsByPK:     byKey(live.Flows, func(f *Flow) string { return f.PK }),
		scopeMappings: live.ScopeMappings(),
		samlByPK:      byKey(live.SAMLMappings, func(s *PropertyMapping) string { return s.PK }),
		keysByPK:      byKey(live.KeyPairs, func(k *KeyPair) string { return k.PK }),
		providersByPK: byKey(live.Providers, func(p *Provider) int32 { return p.PK }),
		groups:        live.Groups(),
		bindingsByApp: map[string][]Binding{},
		unreadable:    map[string]Unreadable{},
	}
	c.mappingsByPK = byKey(c.scopeMappings, func(s *ScopeMapping) string { return s.PK })
	c.groupsByPK = byKey(c.groups, func(g *Group) string { return g.PK })
	c.mappingsByName = map[string]string{}
	for _, d := range m.EntriesOf(string(KindScopeMapping)) {
		c.mappingsByName[d.Key] = ""
	}
	for _, s := range c.scopeMappings {
		if _, declared := c.mappingsByName[s.Name]; declared {
			c.mappingsByName[s.Name] = s.PK
		}
	}
	for _, b := range live.Bindings {
		c.bindingsByApp[b.Target] = append(c.bindingsByApp[b.Target], b)
	}
	for _, u := range live.Unreadable {
		c.unreadable[Ref(u.Kind, u.Key)] = u
	}
	return c
}

func byKey[K comparable, T any](items []T, key func(*T) K) map[K]*T {
	m := make(map[K]*T, len(items))
	for i := range items {
		m[key(&items[i])] = &items[i]
	}
	return m
}

// byValue is byKey with copies, for indexes read by value.
func byValue[K comparable, T any](items []T, key func(*T) K) map[K]T {
	m := make(map[K]T, len(items))
	for i := range items {
		m[key(&items[i])] = items[i]
	}
	return m
}

// keyed maps each live object's key to its pk (for IDs).
func keyed[T any](items []T, kv func(*T) (key, pk string)) map[string]string {
	m := make(map[string]string, len(items))
	for i := range items {
		k, pk := kv(&items[i])
		m[k] = pk
	}
	return m
}

// each diffs every entry of a manifest section.
func each[E any](entries []E, diff func(*E) *Change) []*Change {
	out := make([]*Change, 0, len(entries))
	for i := range entries {
		out = append(out, diff(&entries[i]))
	}
	return out
}

// lookup opens every diff: the live object the entry names must be
// readable and unambiguous. It returns that object (nil when it does not
// exist yet) and the change to fill in; ok is false when an error was
// recorded.
func lookup[T any](c *computer, kind Kind, items []T, key func(*T) string, want string, pos manifest.Position) (*T, *Change, bool) {
	if !c.readable(kind, want, pos) {
		return nil, nil, false
	}
	live, ok := atMostOne(c, kind, items, key, want, pos)
	if !ok {
		return nil, nil, false
	}
	return live, &Change{Kind: kind, Key: want, Source: pos.String()}, true
}

// deletion is the change of an entry marked absent: nil when the object is
// already gone.
func deletion[T any](ch *Change, live *T, pk func(*T) string) *Change {
	if live == nil {
		return nil
	}
	ch.Action, ch.ID = Delete, pk(live)
	return ch
}

func (c *computer) fail(pos manifest.Position, format string, args ...any) {
	c.errs = append(c.errs, &ResolveError{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// readable fails when the live object the entry names could not be decoded.
func (c *computer) readable(kind Kind, key string, pos manifest.Position) bool {
	u, ok := c.unreadable[Ref(kind, key)]
	if !ok {
		return true
	}
	field := ""
	if u.Field != "" {
		field = fmt.Sprintf(" field %q", u.Field)
	}
	c.fail(pos, "%s %q: authentik returned a value this version of provision cannot read in%s (%v); upgrade provision or fix the object in authentik", kind, key, field, u.Err)
	return false
}
