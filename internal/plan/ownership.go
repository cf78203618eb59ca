package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/provision/provision/internal/manifest"
)

// Stacks and ownership. A manifest that names a stack owns the objects it
// created or adopted; their keys are kept in authentik itself, in the
// context of a disabled blueprint instance per stack (see docs/reference.md, "Stacks").
// The plan adopts what the manifest declares and the record does not hold,
// prunes what the record holds and the manifest no longer declares, and
// refuses objects another stack owns. Everything here is pure: the record is
// read with the snapshot (Live.Stacks) and written by the caller
// (WriteAhead before the walk, RecordAfter after it).

const (
	// KindStack is the stacks' ownership records (read with the snapshot).
	KindStack Kind = "stack record"
	// KindAttachment is a provider attached to an outpost by a stack; its
	// key is the outpost's name.
	KindAttachment Kind = "outpost attachment"
)

// RecordFormat is the version of the record's layout in the blueprint
// instance's context.
const RecordFormat = 1

// RecordPrefix and LockPrefix start the names of the blueprint instances
// holding a stack's record and lock.
const (
	RecordPrefix = "provision-stack-"
	LockPrefix   = "provision-lock-"
)

// Owned is one object a stack owns, by natural key (never a pk, so a record
// can be read and repaired by an admin and adoption by key works).
type Owned struct {
	Kind Kind   `json:"kind"`
	Key  string `json:"key"`
	// Group is the bound group's name (Kind access; Key is the slug).
	Group string `json:"group,omitempty"`
	// Provider is the attached provider's name (Kind outpost attachment;
	// Key is the outpost's name).
	Provider string `json:"provider,omitempty"`
	// Created says the stack created the object rather than adopting it;
	// a group is pruned only then.
	Created bool `json:"created,omitempty"`
	// PK is the pk of the object the stack created, once an apply saw it
	// (not part of the identity). Prune deletes a created object only while
	// the object with its key is still that one: one deleted and remade by
	// hand under the same key is released instead.
	PK string `json:"pk,omitempty"`
	// Protect is the entry's protect: true, kept so that dropping the
	// entry from the manifest is refused too (safe.go); not part of the
	// identity.
	Protect bool `json:"protect,omitempty"`
}

func (o Owned) ident() string {
	return string(o.Kind) + "\x00" + o.Key + "\x00" + o.Group + "\x00" + o.Provider
}

// String names the object for people.
func (o Owned) String() string {
	if h := owners[o.Kind]; h != nil && h.label != nil {
		return h.label(o)
	}
	return fmt.Sprintf("%s %q", o.Kind, o.Key)
}

// StackRecord is one stack's ownership record as read from authentik.
type StackRecord struct {
	PK      string // the blueprint instance's pk
	Stack   string
	Objects []Owned
	// Err is set when the record does not decode (edited by hand badly).
	Err error
}

// RecordName is the name of the blueprint instance holding a stack's record.
func RecordName(stack string) string { return RecordPrefix + stack }

// LockName is the name of the blueprint instance holding a stack's lock.
func LockName(stack string) string { return LockPrefix + stack }

// RecordContent is the blueprint body stored with a record or lock:
// authentik requires a path or a content, and validates the content as a
// blueprint. An empty blueprint applies nothing, and the instance is
// disabled anyway.
func RecordContent(stack string) string {
	return "# provision: ownership record and lock of stack " + strconv.Quote(stack) + ".\n" +
		"# Disabled on purpose: authentik never applies it; provision reads its context.\n" +
		"version: 1\nentries: []\n"
}

// RecordContext is the blueprint instance context holding objects.
func RecordContext(stack string, objects []Owned) map[string]any {
	objs := make([]any, 0, len(objects))
	for _, o := range sortedOwned(objects) {
		m := map[string]any{"kind": string(o.Kind), "key": o.Key}
		if o.Group != "" {
			m["group"] = o.Group
		}
		if o.Provider != "" {
			m["provider"] = o.Provider
		}
		if o.Created {
			m["created"] = true
		}
		if o.PK != "" {
			m["pk"] = o.PK
		}
		if o.Protect {
			m["protect"] = true
		}
		objs = append(objs, m)
	}
	return map[string]any{
		"format":     RecordFormat,
		"stack":      stack,
		"managed_by": "provision: the objects this stack owns. Edit with care: an object removed here is no longer pruned; one added here is pruned once no manifest of the stack declares it.",
		"objects":    objs,
	}
}

// ParseRecord decodes a record from a blueprint instance's name and context.
func ParseRecord(pk, name string, context map[string]any) StackRecord {
	r := StackRecord{PK: pk, Stack: strings.TrimPrefix(name, RecordPrefix)}
	raw, err := json.Marshal(context)
	if err != nil {
		r.Err = err
		return r
	}
	var body struct {
		Format  int     `json:"format"`
		Objects []Owned `json:"objects"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		r.Err = err
		return r
	}
	if body.Format != RecordFormat {
		r.Err = fmt.Errorf("format %d, this build reads format %d", body.Format, RecordFormat)
		return r
	}
	for _, o := range body.Objects {
		if !slices.Contains(ownedKinds(), o.Kind) || o.Key == "" {
			r.Err = fmt.Errorf("unknown entry %s", o)
			return r
		}
	}
	r.Objects = body.Objects
	return r
}

// OwnedKinds are the kinds a stack's record may hold: the registry's kinds
// with objects of their own (children are owned with their parent), and
// the attachments of providers to outposts.
func OwnedKinds() []Kind { return slices.Clone(ownedKinds()) }

// ownedKinds is OwnedKinds computed once (the registry is fixed after
// init; WriteAhead asks per change).
var ownedKinds = sync.OnceValue(func() []Kind {
	var out []Kind
	for _, k := range registry {
		if k.IDs != nil && !isChildKind(k.Kind) && !namedOnly(k.Kind) && !singleton(k.Kind) || k.Kind == KindAccess {
			out = append(out, k.Kind)
		}
	}
	return append(out, KindAttachment)
})

func sortedOwned(objs []Owned) []Owned {
	out := slices.Clone(objs)
	sort.Slice(out, func(i, j int) bool { return out[i].ident() < out[j].ident() })
	return out
}

// Ownership is the record part of a plan: what the stack's record becomes.
type Ownership struct {
	Stack string
	// RecordPK is the pk of the stack's record; "" when there is none yet.
	RecordPK string
	// Previous is the record as read.
	Previous []Owned
	// Adopt are existing objects the manifest declares that the record
	// does not hold yet: apply records them.
	Adopt []Owned
	// Release are record entries dropped without touching authentik.
	Release []Released
	// Protect are owned objects whose protect: flag the record changes
	// to the manifest's (Owned.Protect is the new value).
	Protect []Owned
	// Kept are owned objects the manifest no longer declares that this
	// plan leaves in authentik and in the record (--no-prune, or not
	// among --target).
	Kept []Owned
}

// Released is a record entry dropped, with the reason.
type Released struct {
	Owned
	Reason string
}

// Changes reports whether the record changes.
func (o *Ownership) Changes() bool {
	return o != nil && len(o.Adopt)+len(o.Release)+len(o.Protect) > 0
}

// PruneNote marks the deletes of owned objects the manifest dropped.
const PruneNote = "no longer in the manifest"

// ownershipReads is what a stack's plan reads besides the manifest's kinds:
// the records, and every kind a record may hold, to prune it.
func ownershipReads(m *manifest.Manifest) Reads {
	if m.Stack == "" {
		return Reads{}
	}
	return Reads{Kinds: []Kind{KindStack, KindGroup, KindScopeMapping, KindProvider, KindApplication, KindBinding, KindOutpost}, Stack: m.Stack}
}

// RecordReads is what a plan must read besides reads, once the first
// round is read: for a stack, the descriptor kinds the record holds objects
// of that the manifest no longer declares (so not read), which prune
// needs, and the referrers of what it prunes; for any plan, the kinds of
// the objects the live roles' object permissions name (kind_role.go).
// Empty in the usual case, so a plan's reads follow what the manifest
// declares and a second round is only taken after a kind left it.
func RecordReads(live *Live, reads Reads) Reads {
	var extra Reads
	for _, r := range live.Stacks {
		if r.Stack != reads.Stack {
			continue
		}
		for _, o := range r.Objects {
			if !isEntryKind(o.Kind) {
				continue
			}
			if !slices.Contains(reads.Kinds, o.Kind) {
				extra = extra.Add(Reads{Kinds: []Kind{o.Kind}})
			}
			if !slices.Contains(reads.Present[o.Kind], o.Key) {
				extra = extra.Add(deleteReads(string(o.Kind))) // pruned
			}
		}
	}
	return extra.Add(livePermissionReads(live, reads)).without(reads)
}

// declared is one object the manifest declares (present), with where.
type declared struct {
	Owned
	pos manifest.Position
}

// topObject is one object of a manifest's top-level sections, present or
// absent, by owned key.
type topObject struct {
	declared
	absent bool
}

// topObjects lists the groups, scope mappings, providers, applications and
// outposts a manifest declares, in that order.
func topObjects(m *manifest.Manifest) []topObject {
	var out []topObject
	add := func(k Kind, key string, st manifest.State, protect bool, pos manifest.Position) {
		out = append(out, topObject{declared{Owned{Kind: k, Key: key, Protect: protect}, pos}, st.IsAbsent()})
	}
	for _, p := range m.Providers {
		add(KindProvider, p.Name, p.State, p.Protect, p.Src.Pos)
	}
	for _, a := range m.Applications {
		add(KindApplication, a.Slug, a.State, a.Protect, a.Src.Pos)
	}
	for _, o := range m.Outposts {
		add(KindOutpost, o.Name, o.State, o.Protect, o.Src.Pos)
	}
	return append(out, entryObjects(m)...)
}

// declaredObjects lists what a manifest declares present, as owned keys
// (an outpost authentik manages is never owned by a stack).
func declaredObjects(m *manifest.Manifest, idx *liveIndex) []declared {
	var out []declared
	for _, t := range topObjects(m) {
		if t.absent || t.Kind == KindOutpost && idx.outposts[t.Key].Managed != "" {
			continue
		}
		out = append(out, t.declared)
	}
	for _, a := range m.Applications {
		if a.State.IsAbsent() || a.Access == nil {
			continue
		}
		for _, g := range uniqueSorted(a.Access.Groups) {
			out = append(out, declared{Owned{Kind: KindAccess, Key: a.Slug, Group: g}, a.Src.At("access")})
		}
	}
	for _, o := range m.Outposts {
		if o.State.IsAbsent() {
			continue
		}
		for _, p := range uniqueSorted(o.Providers) {
			out = append(out, declared{Owned{Kind: KindAttachment, Key: o.Name, Provider: p}, o.Src.At("providers")})
		}
	}
	return out
}

// absentObjects are the keys the manifest marks state: absent (deleted by
// the kinds' own diffs, never pruned twice).
func absentObjects(m *manifest.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, t := range topObjects(m) {
		if t.absent {
			out[t.ident()] = true
		}
	}
	return out
}

// liveIndex finds live objects by owned key.
type liveIndex struct {
	providers map[string]Provider
	apps      map[string]Application
	outposts  map[string]Outpost
	// bindings: app slug -> group name -> binding pks
	bindings map[string]map[string][]string
	live     *Live
}

func indexLive(live *Live) *liveIndex {
	x := &liveIndex{
		providers: byValue(live.Providers, providerName),
		apps:      byValue(live.Applications, appSlug),
		outposts:  byValue(live.Outposts, outpostName),
		bindings:  map[string]map[string][]string{},
		live:      live,
	}
	appByPK := byKey(live.Applications, func(a *Application) string { return a.PK })
	groups := live.Groups()
	groupByPK := byKey(groups, func(g *Group) string { return g.PK })
	for _, b := range live.Bindings {
		a, ok := appByPK[b.Target]
		g, gok := groupByPK[b.Group]
		if !ok || b.Group == "" || !gok {
			continue
		}
		if x.bindings[a.Slug] == nil {
			x.bindings[a.Slug] = map[string][]string{}
		}
		x.bindings[a.Slug][g.Name] = append(x.bindings[a.Slug][g.Name], b.PK)
	}
	return x
}

// pkOf returns the pk of the live object an owned key names ("" for kinds
// without one of their own: access bindings, attachments).
func (x *liveIndex) pkOf(o Owned) string {
	if h := owners[o.Kind]; h != nil {
		if h.pk == nil {
			return ""
		}
		return h.pk(x, o)
	}
	return entryPK(x.live, o)
}

// exists reports whether the object an owned key names is in authentik.
func (x *liveIndex) exists(o Owned) bool {
	if h := owners[o.Kind]; h != nil {
		return h.exists(x, o)
	}
	return entryExists(x.live, o)
}

// owner is what stacks need of a hand-written kind, registered by its own
// file (kind_<kind>.go); the descriptor kinds' is the engine's
// (entries.go).
type owner struct {
	// label names the object for people when "kind key" does not.
	label func(o Owned) string
	// makes lists the owned parts a create or update of the kind makes
	// (the group bindings access adds, the attachments an outpost adds).
	makes  func(c *Change) []Owned
	exists func(x *liveIndex, o Owned) bool
	// pk is the live object's pk; nil for kinds without one of their own.
	pk func(x *liveIndex, o Owned) string
	// prune plans the removal of an owned object the manifest dropped, or
	// releases it; finish, when set, emits what prune gathered (the
	// bindings of one application are one access change).
	prune  func(p *pruning, o Owned)
	finish func(p *pruning)
}

// owners are the hand-written kinds' ownership hooks, by kind.
var owners = map[Kind]*owner{}

// pruning is one plan's prune of a stack's dropped objects.
type pruning struct {
	c        *computer
	s        *stack
	own      *Ownership
	changes  []*Change
	declared map[string]bool // outposts the manifest declares
	// gathered is each kind's own state between prune and finish.
	gathered map[Kind]any
}

func (p *pruning) release(o Owned, reason string) {
	p.own.Release = append(p.own.Release, Released{o, reason})
}

func (p *pruning) add(ch *Change) { p.changes = append(p.changes, ch) }

// stack is the ownership state of one Compute run (nil without a stack).
type stack struct {
	name    string
	record  *StackRecord
	owned   map[string]Owned // own record, by ident
	others  map[string]string
	decl    map[string]declared
	absent  map[string]bool
	idx     *liveIndex
	pruneAt map[string]bool // attachments the outpost diff detaches
}

// newStack prepares ownership for a manifest with a stack.
func (c *computer) newStack() *stack {
	if c.m.Stack == "" {
		return nil
	}
	s := &stack{name: c.m.Stack, owned: map[string]Owned{}, others: map[string]string{},
		decl: map[string]declared{}, absent: absentObjects(c.m), idx: indexLive(c.live), pruneAt: map[string]bool{}}
	for i := range c.live.Stacks {
		r := &c.live.Stacks[i]
		if r.Err != nil {
			if r.Stack == s.name {
				c.fail(c.m.StackPos, "the ownership record of stack %q (blueprint instance %q in authentik) cannot be read: %v; repair its context in authentik (System > Blueprints) or delete it, then plan again", r.Stack, RecordName(r.Stack), r.Err)
			}
			continue
		}
		for _, o := range r.Objects {
			if r.Stack == s.name {
				s.owned[o.ident()] = o
			} else {
				s.others[o.ident()] = r.Stack
			}
		}
		if r.Stack == s.name {
			s.record = r
		}
	}
	for _, d := range declaredObjects(c.m, s.idx) {
		s.decl[d.ident()] = d
	}
	// Attachments owned and no longer declared on an outpost the manifest
	// still declares are detached by the outpost's own diff.
	for id, o := range s.owned {
		if o.Kind == KindAttachment && s.decl[id].Kind == "" && s.idx.exists(o) && !c.opts.NoPrune {
			s.pruneAt[id] = true
		}
	}
	return s
}

// prunesAttachment reports whether the outpost diff must detach a provider
// the stack attached and no longer declares.
func (c *computer) prunesAttachment(outpost, provider string) bool {
	return c.stack != nil && c.stack.pruneAt[Owned{Kind: KindAttachment, Key: outpost, Provider: provider}.ident()]
}

// ownership checks conflicts, and returns the prune changes and the record
// plan.
func (c *computer) ownership(declaredOutposts map[string]bool) ([]*Change, *Ownership) {
	s := c.stack
	if s == nil {
		return nil, nil
	}
	own := &Ownership{Stack: s.name}
	if s.record != nil {
		own.RecordPK = s.record.PK
		own.Previous = sortedOwned(s.record.Objects)
	}
	var ids []string
	for id := range s.decl {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d := s.decl[id]
		if other, ok := s.others[id]; ok {
			c.fail(d.pos, "%s is owned by stack %q, and this manifest's stack %q declares it too; release it from stack %q first (%s), or remove it from one of the manifests", d.Owned, other, s.name, other, ReleaseCommand(other, d.Owned))
			continue
		}
		prev, ok := s.owned[id]
		if !ok && s.idx.exists(d.Owned) {
			own.Adopt = append(own.Adopt, d.Owned)
		}
		if ok && prev.Protect != d.Protect {
			prev.Protect = d.Protect
			own.Protect = append(own.Protect, prev)
		}
	}
	p := &pruning{c: c, s: s, own: own, declared: declaredOutposts, gathered: map[Kind]any{}}
	for _, o := range sortedOwned(mapValues(s.owned)) {
		id := o.ident()
		if _, ok := s.decl[id]; ok || s.absent[id] {
			continue
		}
		if (o.Kind == KindApplication || o.Kind == KindAccess) && c.live.ApplicationsPartial {
			c.fail(c.m.StackPos, "stack %q owns %s, and %s", s.name, o, PartialApplicationsMsg)
			continue
		}
		if !s.idx.exists(o) {
			p.release(o, "deleted outside provision")
			continue
		}
		if o.Created && o.PK != "" && s.idx.pkOf(o) != "" && s.idx.pkOf(o) != o.PK {
			p.release(o, PruneNote+"; the stack created another object of this key (pk "+o.PK+"), this one was made outside provision, so it is left in authentik")
			continue
		}
		if c.opts.NoPrune || !c.targeted(o.Kind, o.Key) && !(o.Kind == KindAccess && c.targeted(KindApplication, o.Key)) {
			own.Kept = append(own.Kept, o)
			continue
		}
		if h := owners[o.Kind]; h != nil {
			h.prune(p, o)
			continue
		}
		if ch, rel := c.entryPrune(o); rel != nil {
			p.release(rel.Owned, rel.Reason)
		} else {
			p.add(ch)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(owners)) {
		if h := owners[k]; h.finish != nil {
			h.finish(p)
		}
	}
	return p.changes, own
}

// prunedWith reports whether an attachment goes with its provider or
// outpost, which this plan prunes.
func (s *stack) prunedWith(o Owned) bool {
	for _, k := range []Owned{{Kind: KindProvider, Key: o.Provider}, {Kind: KindOutpost, Key: o.Key}} {
		id := k.ident()
		if s.absent[id] {
			return true
		}
		_, owned := s.owned[id]
		_, decl := s.decl[id]
		if owned && !decl && (k.Kind != KindOutpost || s.idx.outposts[o.Key].Managed == "") {
			return true
		}
	}
	return false
}

func declaresAccess(m *manifest.Manifest, slug string) bool {
	for _, a := range m.Applications {
		if a.Slug == slug && !a.State.IsAbsent() && a.Access != nil {
			return true
		}
	}
	return false
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// WriteAhead is the record to store before the walk: the previous record,
// the adoptions, and every object the plan creates, marked created. So a
// crash between a create and the final record leaves the object owned
// (with its origin); entries for objects never created are dropped by the
// next apply as deleted outside provision.
func WriteAhead(p *Plan) []Owned {
	o := p.Ownership
	if o == nil {
		return nil
	}
	set := map[string]Owned{}
	put := func(x Owned) {
		if prev, ok := set[x.ident()]; ok && prev.Created {
			x.Created = true
		}
		set[x.ident()] = x
	}
	for _, x := range o.Previous {
		put(x)
	}
	for _, x := range o.Adopt {
		put(x)
	}
	for _, x := range o.Protect {
		put(x)
	}
	for _, c := range p.Changes {
		if c.Action == Create && c.Kind != KindAccess && !isChildKind(c.Kind) && slices.Contains(ownedKinds(), c.Kind) {
			put(Owned{Kind: c.Kind, Key: c.Key, Created: true})
		}
		// Not an else: an outpost created with its providers made their
		// attachments too.
		if h := owners[c.Kind]; h != nil && h.makes != nil && c.Action != Delete {
			for _, x := range h.makes(&c) {
				put(x)
			}
		}
	}
	return sortedOwned(mapValues(set))
}

// Settled is the record after a walk that did not finish (a change failed,
// or the walk was interrupted): the write-ahead record of the changes that
// were done only. A create that failed, say because someone made the
// object by hand meanwhile (authentik's 400 "already exists"), or that
// never ran, is not left marked "created": otherwise the stack would own
// the hand-made object, and removing its entry later would delete it.
func Settled(p *Plan, done []Change) []Owned {
	return WriteAhead(&Plan{Changes: done, Ownership: p.Ownership})
}

// RecordAfter is the record once a walk succeeded: every object the
// manifest declares that exists, keeping whether the stack created it.
// keep are the owned objects the plan did not prune (Ownership.Kept):
// still in authentik, so still owned.
func RecordAfter(m *manifest.Manifest, live *Live, ahead []Owned, keep ...Owned) []Owned {
	created := map[string]Owned{}
	for _, o := range ahead {
		if o.Created {
			created[o.ident()] = o
		}
	}
	idx := indexLive(live)
	var out []Owned
	for _, d := range declaredObjects(m, idx) {
		if idx.exists(d.Owned) {
			o := d.Owned
			if c, ok := created[o.ident()]; ok {
				o.Created, o.PK = true, c.PK
				if o.PK == "" {
					o.PK = idx.pkOf(o) // just created: the one it made
				}
			}
			out = append(out, o)
		}
	}
	for _, o := range keep {
		if idx.exists(o) {
			out = append(out, o)
		}
	}
	return sortedOwned(out)
}

// WithRecord returns live with the stack's record replaced by objects (for
// the plan that proves an apply converged, without reading it again).
func WithRecord(live *Live, stack, pk string, objects []Owned) *Live {
	l := *live
	l.Stacks = nil
	for _, r := range live.Stacks {
		if r.Stack != stack {
			l.Stacks = append(l.Stacks, r)
		}
	}
	l.Stacks = append(l.Stacks, StackRecord{PK: pk, Stack: stack, Objects: objects})
	return &l
}

func registryIndex(k Kind) int {
	for i, s := range registry {
		if s.Kind == k {
			return i
		}
	}
	panic("plan: kind not in the registry: " + string(k))
}

func declaredOutposts(m *manifest.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, o := range m.Outposts {
		if !o.State.IsAbsent() {
			out[o.Name] = true
		}
	}
	return out
}

// ReleaseCommand is the state release command that drops o from stack's
// record, with the flag its kind needs (--group for access, --provider for
// an outpost attachment): a hint printed must be a command that works.
func ReleaseCommand(stack string, o Owned) string {
	cmd := fmt.Sprintf("provision state release --stack %s --kind %q --key %q", stack, o.Kind.String(), o.Key)
	if o.Group != "" {
		cmd += fmt.Sprintf(" --group %q", o.Group)
	}
	if o.Provider != "" {
		cmd += fmt.Sprintf(" --provider %q", o.Provider)
	}
	return cmd
}
