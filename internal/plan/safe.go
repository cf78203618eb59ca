package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/suggest"
)

// Safe changes (docs/reference.md, "Safe changes"): renames in place
// (manifest moved:), protection (protect: true, kept in a stack's
// record), plans without prune (--no-prune) and plans limited to some
// objects (--target).

// Options limit what a plan does. The zero value is a whole plan.
type Options struct {
	// NoPrune keeps the objects a stack owns that the manifest no longer
	// declares: they stay in authentik and in the record, listed in
	// Ownership.Kept.
	NoPrune bool
	// Targets, when set, limit the plan to those objects and what their
	// changes need (the objects they reference that the apply creates
	// or updates, their children, an application's access).
	Targets []Target
}

// Target names one object a plan is limited to.
type Target struct {
	Kind Kind
	Key  string
}

func (t Target) String() string { return string(t.Kind) + "/" + t.Key }

// ParseTarget reads KIND/KEY ("group/AI Users", "scope-mapping/email").
func ParseTarget(s string) (Target, error) {
	kind, key, ok := strings.Cut(s, "/")
	if !ok || kind == "" || key == "" {
		return Target{}, fmt.Errorf("--target %q: write KIND/KEY, e.g. group/Chat Users or application/wiki", s)
	}
	return Target{Kind: Kind(strings.NewReplacer("-", " ", "_", " ").Replace(strings.ToLower(kind))), Key: key}, nil
}

// targetKinds are the kinds a target may name: those a stack may own.
func targetKinds() []string {
	var out []string
	for _, k := range ownedKinds() {
		if k != KindAccess && k != KindAttachment {
			out = append(out, k.String())
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkTargets refuses a target naming no kind, or no object the manifest
// declares or the stack owns, with the closest name.
func (c *computer) checkTargets() {
	for _, t := range c.opts.Targets {
		kindsOK := targetKinds()
		if !slices.Contains(kindsOK, string(t.Kind)) {
			msg := fmt.Sprintf("--target %s: unknown kind %q", t, t.Kind)
			if s := suggest.Closest(string(t.Kind), kindsOK); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; the kinds are " + strings.Join(kindsOK, ", ")
			}
			c.errs = append(c.errs, fmt.Errorf("%s", msg))
			continue
		}
		keys := c.targetKeys(t.Kind)
		if slices.Contains(keys, t.Key) {
			continue
		}
		msg := fmt.Sprintf("--target %s: the manifest declares no %s %q", t, t.Kind, t.Key)
		if s := suggest.Closest(t.Key, keys); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		c.errs = append(c.errs, fmt.Errorf("%s", msg))
	}
}

// targetKeys are the keys a target of kind may name: declared in the
// manifest (present or absent) or owned by the stack.
func (c *computer) targetKeys(kind Kind) []string {
	var out []string
	for _, t := range topObjects(c.m) {
		if t.Kind.String() == kind.String() {
			out = append(out, t.Key)
		}
	}
	if c.stack != nil {
		for _, o := range c.stack.owned {
			if o.Kind.String() == kind.String() {
				out = append(out, o.Key)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// targeted reports whether the plan may touch the object (always, without
// targets).
func (c *computer) targeted(kind Kind, key string) bool {
	if len(c.opts.Targets) == 0 {
		return true
	}
	for _, t := range c.opts.Targets {
		if t.Kind.String() == kind.String() && t.Key == key { // a target names the noun: provider/x is any provider
			return true
		}
	}
	return false
}

// limitToTargets keeps the changes of the targeted objects, their
// children and access, and, transitively, the changes they need (Needs,
// After): what must exist before them. The record's adoptions and
// protection are not limited: apply records every declared object that
// exists, and the plan shows it.
func (c *computer) limitToTargets(changes []Change) []Change {
	if len(c.opts.Targets) == 0 {
		return changes
	}
	keep := map[string]bool{}
	var queue []string
	add := func(ref string) {
		if !keep[ref] {
			keep[ref] = true
			queue = append(queue, ref)
		}
	}
	for _, ch := range changes {
		for _, t := range c.opts.Targets {
			own := ch.Kind.String() == t.Kind.String() && ch.Key == t.Key
			access := ch.Kind == KindAccess && t.Kind == KindApplication && ch.Key == t.Key
			if own || access || childOf(&ch, t.Kind, t.Key) {
				add(Ref(ch.Kind, ch.Key))
			}
		}
	}
	byRef := map[string]*Change{}
	for i := range changes {
		byRef[Ref(changes[i].Kind, changes[i].Key)] = &changes[i]
	}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		ch := byRef[ref]
		if ch == nil {
			continue
		}
		var needs []string
		if k := kindSpec(ch.Kind); k != nil && k.Needs != nil {
			needs = k.Needs(ch)
		}
		for _, n := range append(needs, ch.After...) {
			if byRef[n] != nil {
				add(n)
			}
		}
		for _, kid := range changes {
			if childOf(&kid, ch.Kind, ch.Key) {
				add(Ref(kid.Kind, kid.Key)) // a grandchild: a policy bound on a flow's stage binding
			}
		}
	}
	var out []Change
	for _, ch := range changes {
		if keep[Ref(ch.Kind, ch.Key)] {
			out = append(out, ch)
		}
	}
	return out
}

// childOf reports whether ch is a change of a child of the object of kind
// with key (children's keys start with their parent's).
func childOf(ch *Change, kind Kind, key string) bool {
	if !isChildKind(ch.Kind) || !strings.HasPrefix(ch.Key, key+"/") {
		return false
	}
	k := kindSpec(ch.Kind)
	return k != nil && slices.ContainsFunc(k.Parents, func(p Kind) bool { return p.String() == kind.String() })
}

func kindSpec(k Kind) *KindSpec {
	for _, s := range registry {
		if s.Kind == k {
			return s
		}
	}
	return nil
}

// moves are the renames of one plan that found their object: by
// Ref(kind, new key), the old key.
type moves map[string]string

// moveLive returns live with each moved object found under its old key
// given its new key (the key field itself still holds the old value, so
// the diff shows the rename and the update keeps the pk), and the stack
// records' entries renamed with it. A move whose old key is gone is a
// no-op; one whose both keys exist is refused.
func moveLive(m *manifest.Manifest, live *Live) (*Live, moves, []error) {
	if len(m.Moved) == 0 {
		return live, nil, nil
	}
	l := *live
	done := moves{}
	for k, v := range live.Moves {
		done[k] = v // a snapshot Moved gave already
	}
	var errs []error
	for _, mv := range m.Moved {
		kind := Kind(mv.Kind)
		var from, to int
		switch kind {
		case KindProvider:
			from, to = count(l.Providers, func(p *Provider) bool { return p.Name == mv.From }), count(l.Providers, func(p *Provider) bool { return p.Name == mv.To })
		case KindApplication:
			from, to = count(l.Applications, func(a *Application) bool { return a.Slug == mv.From }), count(l.Applications, func(a *Application) bool { return a.Slug == mv.To })
		default:
			objs := l.Objects[kind]
			from, to = count(objs, func(o *Object) bool { return o.Key == mv.From }), count(objs, func(o *Object) bool { return o.Key == mv.To })
		}
		switch {
		case from == 0:
			continue // done already, or never existed: nothing to move
		case to > 0:
			errs = append(errs, &ResolveError{Pos: mv.Src.Pos, Msg: fmt.Sprintf("moved: authentik has both %s %q and %s %q, so the first cannot take the second's key; delete one of them in authentik, or remove the move", kind, mv.From, kind, mv.To)})
			continue
		case from > 1:
			errs = append(errs, &ResolveError{Pos: mv.Src.Pos, Msg: fmt.Sprintf("moved: %s %q: %s", kind, mv.From, matches(from))})
			continue
		}
		switch kind {
		case KindProvider:
			l.Providers = slices.Clone(l.Providers)
			for i := range l.Providers {
				if l.Providers[i].Name == mv.From {
					l.Providers[i].Name = mv.To
				}
			}
		case KindApplication:
			l.Applications = slices.Clone(l.Applications)
			for i := range l.Applications {
				if l.Applications[i].Slug == mv.From {
					l.Applications[i].Slug = mv.To
				}
			}
		default:
			objs := slices.Clone(l.Objects[kind])
			for i := range objs {
				if objs[i].Key == mv.From {
					objs[i].Key = mv.To
				}
			}
			l.Objects = cloneObjects(l.Objects)
			l.Objects[kind] = objs
		}
		l.Stacks = renameOwned(l.Stacks, kind, mv.From, mv.To)
		done[Ref(kind, mv.To)] = mv.From
	}
	l.Moves = done
	return &l, done, errs
}

// Moved returns the snapshot as the manifest's moves see it: each moved
// object under its new key (what outputs and show read), the renames
// remembered for the plan. Conflicts are the plan's to report.
func Moved(m *manifest.Manifest, live *Live) *Live {
	l, _, _ := moveLive(m, live)
	return l
}

func count[T any](items []T, match func(*T) bool) int {
	n := 0
	for i := range items {
		if match(&items[i]) {
			n++
		}
	}
	return n
}

func cloneObjects(m map[Kind][]Object) map[Kind][]Object {
	out := make(map[Kind][]Object, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// renameOwned renames a moved object in every record: its own entry, and
// the access and attachment entries naming it.
func renameOwned(stacks []StackRecord, kind Kind, from, to string) []StackRecord {
	out := slices.Clone(stacks)
	for i := range out {
		objs := slices.Clone(out[i].Objects)
		for j := range objs {
			o := &objs[j]
			switch {
			case o.Kind == kind && o.Key == from:
				o.Key = to
			case kind == KindGroup && o.Kind == KindAccess && o.Group == from:
				o.Group = to
			case kind == KindApplication && o.Kind == KindAccess && o.Key == from:
				o.Key = to
			case kind == KindProvider && o.Kind == KindAttachment && o.Provider == from:
				o.Provider = to
			}
		}
		out[i].Objects = objs
	}
	return out
}

// movedFrom is the old key of a moved object ("" when not moved).
func (c *computer) movedFrom(kind Kind, key string) string { return c.moves[Ref(kind, key)] }

// markMoves gives each moved object's change its old key; a moved object
// with nothing else to change is still renamed.
func (c *computer) markMoves(changes []Change) {
	for i := range changes {
		if from := c.movedFrom(changes[i].Kind, changes[i].Key); from != "" && changes[i].Action == Update {
			changes[i].MovedFrom = from
		}
	}
}

// protected reports whether the object is protected: by the manifest's
// entry, or by the stack's record (which keeps it after the entry left).
func (c *computer) protected(kind Kind, key string) (bool, string) {
	for _, t := range topObjects(c.m) {
		if t.Kind == kind && t.Key == key && t.Protect {
			return true, "protect: true at " + t.pos.String()
		}
	}
	if c.stack != nil {
		for _, o := range c.stack.owned {
			if o.Kind == kind && o.Key == key && o.Protect {
				return true, fmt.Sprintf("stack %q's record keeps protect: true", c.stack.name)
			}
		}
	}
	return false, ""
}

// refuseProtected refuses every destroy of a protected object.
func (c *computer) refuseProtected(changes []Change) {
	for _, ch := range changes {
		if ch.Action != Delete || isChildKind(ch.Kind) || ch.Kind == KindAccess {
			continue
		}
		on, why := c.protected(ch.Kind, ch.Key)
		if !on {
			continue
		}
		pos := c.m.StackPos
		for _, t := range topObjects(c.m) {
			if t.Kind == ch.Kind && t.Key == ch.Key {
				pos = t.pos
			}
		}
		if ch.Source == "" {
			c.fail(pos, "%s %q is protected (%s) and the manifest no longer declares it, which would destroy it; to destroy it, declare it again with protect: false and apply that first, then remove it", ch.Kind, ch.Key, why)
			continue
		}
		c.fail(pos, "%s %q is protected (%s) and the manifest marks it state: absent, which would destroy it; apply protect: false without state: absent first, then mark it absent", ch.Kind, ch.Key, why)
	}
}

// destroyWarnings names what each destroy loses, from the live object:
// the descriptor's DeleteWarning (a group's members), the hand-written
// kinds' own (a provider's client credentials, an outpost's token).
func (c *computer) destroyWarnings(changes []Change) {
	for i := range changes {
		ch := &changes[i]
		if ch.Action != Delete {
			continue
		}
		if fam := kinds.Family(string(ch.Kind)); len(fam) > 0 && fam[0].DeleteWarning != nil {
			for _, o := range c.live.Objects[ch.Kind] {
				if o.PK == ch.ID {
					if w := fam[0].DeleteWarning(o.Key, o.Fields); w != "" {
						ch.Warnings = append(ch.Warnings, w)
					}
				}
			}
		}
		if h := deleteWarnings[ch.Kind]; h != nil {
			ch.Warnings = append(ch.Warnings, h(c, ch)...)
		}
	}
}

// deleteWarnings are the hand-written kinds' destroy warnings, by kind,
// registered by their own files.
var deleteWarnings = map[Kind]func(c *computer, ch *Change) []string{}
