package plan

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
)

// The kind engine's plan part: every descriptor kind (internal/kinds) is
// read, diffed, scheduled and owned by the code in this file, with no code
// of its own. A family's members (the stage types) share one plan kind.

// Object is a live object of a descriptor kind, as authentik answered it.
type Object struct {
	// Type is the family member's type ("password"); "" for a kind alone
	// in its section, and for a member whose model this build does not
	// know (read from the family's list of all members).
	Type string
	PK   string
	Key  string
	// Fields is the answer's JSON (pks for references). For a family
	// member whose type was not read in full, only the family list's
	// fields.
	Fields map[string]any
}

// EntrySpec is what a change of a descriptor kind sends: literal values
// in Body, references resolved at apply time.
type EntrySpec struct {
	Kind *kinds.Kind
	Body map[string]any
	// Refs are single references (a null reference is a nil Body value).
	Refs map[string]Reference
	// RefLists are lists of references.
	RefLists map[string][]Reference
	// URLKey is the key in the detail URL when the kind is addressed by
	// key (flows: the slug before an update changes it).
	URLKey string
}

// entryHook is what the plan adds to a descriptor kind, in the kind's own
// plan file (kind_<kind>.go): further reads, and a check of a create.
type entryHook struct {
	reads  []Kind
	create func(c *computer, key string, at manifest.Position) bool
}

// entryHooks are the descriptor kinds' plan hooks, by kind.
var entryHooks = map[Kind]entryHook{}

// entryKinds returns one KindSpec per descriptor kind name, each after the
// kinds it references (a family's members reference their own family, as
// a stage may name another stage: Needs orders those).
func entryKinds() []*KindSpec {
	refs := map[string][]string{}
	var names []string
	for _, name := range kinds.Names() {
		names = append(names, name)
		for _, k := range kinds.Family(name) {
			for _, f := range k.Fields() {
				if f.Ref != "" && f.Ref != name && !slices.Contains(refs[name], f.Ref) {
					refs[name] = append(refs[name], f.Ref)
				}
			}
			for _, c := range k.Children {
				names = append(names, c.Kind.Name)
				for _, f := range c.Kind.Fields() {
					if f.Ref != "" && !slices.Contains(refs[c.Kind.Name], f.Ref) {
						refs[c.Kind.Name] = append(refs[c.Kind.Name], f.Ref)
					}
				}
			}
		}
	}
	// Topological order, stable in registration order.
	var out []*KindSpec
	done := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if done[n] {
			return
		}
		done[n] = true
		for _, r := range refs[n] {
			if slices.Contains(names, r) {
				visit(r)
			}
		}
		out = append(out, entryKindSpec(n, refs[n]))
	}
	for _, n := range names {
		visit(n)
	}
	return out
}

func entryKindSpec(name string, refs []string) *KindSpec {
	ks := &KindSpec{Kind: Kind(name)}
	for _, r := range refs {
		ks.Refs = append(ks.Refs, Kind(r))
	}
	ks.Reads = func(m *manifest.Manifest) Reads { return entryReads(m, name) }
	ks.Diff = func(c *computer, m *manifest.Manifest) []*Change { return c.entryChanges(name) }
	ks.IDs = func(l *Live) map[string]string {
		out := map[string]string{}
		for _, o := range l.Objects[Kind(name)] {
			out[o.Key] = o.PK
		}
		return out
	}
	ks.Needs = func(ch *Change) []string {
		s, ok := ch.Spec.(*EntrySpec)
		if !ok {
			return nil
		}
		var out []string
		for _, r := range s.Refs {
			if r.PK == "" && r.Key != "" {
				out = append(out, Ref(r.Kind, r.Key))
			}
		}
		for _, rs := range s.RefLists {
			for _, r := range rs {
				if r.PK == "" {
					out = append(out, Ref(r.Kind, r.Key))
				}
			}
		}
		sort.Strings(out)
		return out
	}
	return ks
}

// entryReads is what a manifest's entries of one kind need read: the kind
// (its declared types in full), and every kind their references name.
func entryReads(m *manifest.Manifest, name string) Reads {
	var r Reads
	for _, e := range m.Entries {
		if e.Kind.Name != name {
			if child := childNamed(e, name); !child {
				continue
			}
		}
		r = r.Add(Reads{Kinds: append([]Kind{Kind(name)}, entryHooks[Kind(name)].reads...)})
		if e.Kind.Name == name && e.Kind.Type != "" {
			r = r.Add(Reads{Types: []string{TypeRead(e.Kind)}})
		}
		for _, f := range e.Kind.Fields() {
			if f.Ref != "" && e.Declares(f.Name) {
				r = r.Add(Reads{Kinds: []Kind{Kind(f.Ref)}})
			}
		}
		for field, list := range e.Children {
			c, _ := e.Kind.ChildOf(field)
			r = r.Add(Reads{Kinds: []Kind{Kind(c.Kind.Name)}})
			for _, ce := range list {
				for _, f := range c.Fields() {
					if f.Ref != "" && ce.Declares(f.Name) {
						r = r.Add(Reads{Kinds: []Kind{Kind(f.Ref)}})
					}
				}
			}
		}
	}
	return r
}

func childNamed(e *manifest.Entry, name string) bool {
	for _, c := range e.Kind.Children {
		if c.Kind.Name == name {
			return true
		}
	}
	return false
}

// TypeRead names a family member whose own list a plan reads in full.
func TypeRead(k *kinds.Kind) string { return k.Name + "/" + k.Type }

// entryChanges diffs every entry of one kind name: the family's own
// entries, or the children of the kind's parents.
func (c *computer) entryChanges(name string) []*Change {
	var out []*Change
	for _, e := range c.m.Entries {
		if e.Kind.Name == name {
			out = append(out, c.entryChange(e))
		}
		for _, ch := range e.Kind.Children {
			if ch.Kind.Name == name && !e.State.IsAbsent() {
				out = append(out, c.childChanges(e, ch)...)
			}
		}
	}
	return out
}

// liveObject finds the live object of a kind by key (nil when absent).
func (c *computer) liveObject(kind, key string, pos manifest.Position) (*Object, bool) {
	return atMostOne(c, Kind(kind), c.live.Objects[Kind(kind)], func(o *Object) string { return o.Key }, key, pos)
}

func (c *computer) entryChange(e *manifest.Entry) *Change {
	k := e.Kind
	if !c.readable(Kind(k.Name), e.Key, e.Src.Pos) {
		return nil
	}
	live, ok := c.liveObject(k.Name, e.Key, e.Src.Pos)
	if !ok {
		return nil
	}
	ch := &Change{Kind: Kind(k.Name), Key: e.Key, Source: e.Src.Pos.String()}
	if live != nil && k.Type != "" && live.Type != k.Type {
		what := "of another type"
		if live.Type != "" {
			what = "a " + live.Type + " " + k.Name
		}
		c.fail(e.Src.Pos, "%s: authentik already has a %s named %q that is %s; a %s's type cannot change, so rename the entry or delete the other %s first", e.Label(), k.Name, e.Key, what, k.Name, k.Name)
		return nil
	}
	if live != nil && k.Managed != "" && str(live.Fields[k.Managed]) != "" {
		c.fail(e.Src.At(k.Key), "%s is managed by authentik (%s); provision never modifies or deletes authentik's managed objects, so give yours another name", e.Label(), str(live.Fields[k.Managed]))
		return nil
	}
	if live == nil && !e.State.IsAbsent() {
		if h := entryHooks[Kind(k.Name)].create; h != nil && !h(c, e.Key, e.Src.At(k.Key)) {
			return nil
		}
	}
	if e.State.IsAbsent() {
		if live != nil && c.builtin(k.Name, e.Key) {
			c.fail(e.Src.At("state"), "%s is one of authentik's own objects (its blueprints create it), which provision never deletes; remove the entry to stop managing it", e.Label())
			return nil
		}
		return deletion(ch, live, func(o *Object) string { return o.PK })
	}
	var lf map[string]any
	if live != nil {
		lf = live.Fields
		ch.ID = live.PK
	}
	spec, f := c.entryFields(e, k.Fields(), lf, live == nil)
	if spec == nil {
		return nil
	}
	if live == nil && k.Type != "" {
		// Shown, not sent: the collection says the type.
		f.list = append([]FieldChange{{Field: "type", After: k.Type}}, f.list...)
	}
	if k.URLKey && live != nil {
		spec.URLKey = live.Key
	}
	out := finish(ch, f, spec)
	if out != nil && out.Action == Update {
		out.Warnings = append(out.Warnings, revertWarnings(out)...)
	}
	return out
}

// entryFields diffs an entry's declared fields against live ones (nil on
// create) and returns the spec to send; nil when a reference failed.
func (c *computer) entryFields(e *manifest.Entry, fds []kinds.Field, live map[string]any, create bool) (*EntrySpec, *fields) {
	f := &fields{create: create}
	spec := &EntrySpec{Kind: e.Kind, Body: map[string]any{}, Refs: map[string]Reference{}, RefLists: map[string][]Reference{}}
	ok := true
	for _, fd := range fds {
		want, declared := e.Fields[fd.Name]
		if !declared {
			if create && fd.Required && !fd.HasDefault {
				c.fail(e.Src.Pos, "%s: %s is required to create it", e.Label(), fd.Name)
				ok = false
			}
			continue
		}
		if fd.Secret && !create {
			continue // write-only: authentik never shows it, so never compared
		}
		switch fd.Type {
		case kinds.Ref:
			key, _ := want.(string)
			ref, good := c.entryRef(fd.Ref, key, e.Src.At(fd.Name))
			ok = ok && good
			have := c.keyOfPK(fd.Ref, str(live[fd.Name]))
			if !create && have == key {
				continue
			}
			f.add(fd.Name, nullIfEmpty(have), nullIfEmpty(key), false)
			if key == "" {
				spec.Body[fd.Name] = nil
			} else {
				spec.Refs[fd.Name] = ref
			}
		case kinds.RefList:
			keys := uniqueSorted(want.([]string))
			refs := make([]Reference, 0, len(keys))
			for _, key := range keys {
				ref, good := c.entryRef(fd.Ref, key, e.Src.At(fd.Name))
				ok = ok && good
				refs = append(refs, ref)
			}
			var have []string
			for _, pk := range anyStrings(live[fd.Name]) {
				have = append(have, c.keyOfPK(fd.Ref, pk))
			}
			have = uniqueSorted(have)
			if !create && slices.Equal(have, keys) {
				continue
			}
			f.add(fd.Name, have, keys, false)
			spec.RefLists[fd.Name] = refs
		default:
			w, h := canonical(fd, want), canonical(fd, live[fd.Name])
			if !create && reflect.DeepEqual(w, h) {
				continue
			}
			f.list = append(f.list, FieldChange{Field: fd.Name, Before: beforeOf(f, displayValue(h)), After: displayValue(w), Sensitive: fd.Secret, RunsOnServer: fd.Code})
			spec.Body[fd.Name] = sendValue(fd, want)
		}
	}
	if !ok {
		return nil, nil
	}
	if !create && len(f.list) > 0 {
		sendAlso(e, fds, live, spec)
	}
	return spec, f
}

// sendAlso adds to an update the fields authentik's validate() needs in
// the body with those that changed (kinds.Kind.SendAlways, SendTogether):
// the declared value, else the live one. They are sent, not shown.
func sendAlso(e *manifest.Entry, fds []kinds.Field, live map[string]any, spec *EntrySpec) {
	add := func(name string) {
		if _, sent := spec.Body[name]; sent {
			return
		}
		for _, fd := range fds {
			if fd.Name != name || fd.Type == kinds.Ref || fd.Type == kinds.RefList {
				continue
			}
			if v, ok := e.Fields[name]; ok {
				spec.Body[name] = sendValue(fd, v)
			} else if v, ok := live[name]; ok {
				spec.Body[name] = v
			}
		}
	}
	for _, name := range e.Kind.SendAlways {
		add(name)
	}
	for _, group := range e.Kind.SendTogether {
		for _, name := range group {
			if _, sent := spec.Body[name]; sent {
				for _, other := range group {
					add(other)
				}
				break
			}
		}
	}
}

func beforeOf(f *fields, v any) any {
	if f.create {
		return nil
	}
	return v
}

// canonical is a value as authentik stores it, for comparison: text
// trimmed (DRF CharField), numbers as float64, unordered lists sorted.
func canonical(fd kinds.Field, v any) any {
	switch fd.Type {
	case kinds.String:
		if v == nil {
			return nil
		}
		return strings.TrimSpace(fmt.Sprint(v))
	case kinds.StringList:
		l := anyStrings(v)
		if !fd.Ordered {
			l = uniqueSorted(l)
		}
		if l == nil {
			l = []string{}
		}
		return l
	}
	return NormalizeJSON(v)
}

// sendValue is the value a request carries.
func sendValue(fd kinds.Field, v any) any {
	if s, ok := v.(string); ok && fd.Type == kinds.String {
		return strings.TrimSpace(s)
	}
	return v
}

func displayValue(v any) any {
	switch t := v.(type) {
	case nil, string, bool, []string:
		return t
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
		return t
	}
	return displayJSON(v, true)
}

func anyStrings(v any) []string {
	switch t := v.(type) {
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// entryRef resolves a reference to a descriptor kind's object by key: the
// live one, or one the manifest declares (created earlier in the apply).
func (c *computer) entryRef(kind, key string, pos manifest.Position) (Reference, bool) {
	if key == "" {
		return Reference{}, true
	}
	for _, o := range c.live.Objects[Kind(kind)] {
		if o.Key == key {
			return Known(o.PK), true
		}
	}
	var keys []string
	for _, e := range c.m.EntriesOf(kind) {
		if e.Key == key {
			if e.State.IsAbsent() {
				c.fail(pos, "%s %q is marked state: absent in the manifest (%s); remove the reference, or keep it", kind, key, e.Src.Pos)
				return Reference{}, false
			}
			return Later(Kind(kind), key), true
		}
		keys = append(keys, e.Key)
	}
	for _, o := range c.live.Objects[Kind(kind)] {
		keys = append(keys, o.Key)
	}
	c.fail(pos, "%s %q: not declared in the manifest and %s%s", kind, key, matches(0), c.didYouMean(key, keys))
	return Reference{}, false
}

// keyOfPK names a live object of a kind by its pk (the pk itself when
// unknown, "" for none).
func (c *computer) keyOfPK(kind, pk string) string {
	if pk == "" {
		return ""
	}
	for _, o := range c.live.Objects[Kind(kind)] {
		if strings.EqualFold(o.PK, pk) {
			return o.Key
		}
	}
	return pk
}

// childChanges diffs the children an entry lists (a flow's stages:). The
// list adds and updates; it is the whole truth (deleting what it does not
// list) only on an object this plan creates or this stack created, so a
// flow authentik or someone else made keeps the bindings others added.
func (c *computer) childChanges(parent *manifest.Entry, child kinds.Child) []*Change {
	list, declared := parent.Children[child.Field]
	if !declared {
		return nil
	}
	pl, ok := c.liveObject(parent.Kind.Name, parent.Key, parent.Src.Pos)
	if !ok {
		return nil
	}
	parentRef := Later(Kind(parent.Kind.Name), parent.Key)
	var liveKids []*Object
	if pl != nil {
		parentRef = Known(pl.PK)
		kids := c.live.Objects[Kind(child.Kind.Name)]
		for i := range kids {
			if strings.EqualFold(str(kids[i].Fields[child.Parent]), pl.PK) {
				liveKids = append(liveKids, &kids[i])
			}
		}
	}
	used := map[*Object]bool{}
	var out []*Change
	fields := child.Fields()
	for _, ce := range list {
		key := childKey(parent.Key, ce.Key)
		var lk *Object
		if ref, good := c.entryRef(fieldRef(fields, child.By), ce.Key, ce.Src.At(child.By)); good && ref.PK != "" {
			lk = matchChild(liveKids, used, child.By, ref.PK, ce.Fields)
		}
		ch := &Change{Kind: Kind(child.Kind.Name), Key: key, Source: ce.Src.Pos.String()}
		var lf map[string]any
		if lk != nil {
			used[lk] = true
			lf = lk.Fields
			ch.ID = lk.PK
		}
		spec, f := c.entryFields(ce, fields, lf, lk == nil)
		if spec == nil {
			continue
		}
		spec.Refs[child.Parent] = parentRef
		out = append(out, finish(ch, f, spec))
	}
	if pl == nil || !c.wholeTruth(parent) {
		return out
	}
	for _, lk := range liveKids {
		if used[lk] {
			continue
		}
		by := c.keyOfPK(fieldRef(fields, child.By), str(lk.Fields[child.By]))
		out = append(out, &Change{Kind: Kind(child.Kind.Name), Key: childKey(parent.Key, by), Action: Delete, ID: lk.PK,
			Source: parent.Src.At(child.Field).String(), Notes: []string{fmt.Sprintf("not listed in %s's %s:", parent.Label(), child.Field)}})
	}
	return out
}

// matchChild picks the live child for a declared one: the one naming the
// same object, preferring one whose other declared fields already match
// (a stage bound twice at two orders).
func matchChild(kids []*Object, used map[*Object]bool, by, pk string, want map[string]any) *Object {
	var first *Object
	for _, k := range kids {
		if used[k] || !strings.EqualFold(str(k.Fields[by]), pk) {
			continue
		}
		if first == nil {
			first = k
		}
		same := true
		for name, v := range want {
			if name != by && !reflect.DeepEqual(NormalizeJSON(v), NormalizeJSON(k.Fields[name])) {
				same = false
			}
		}
		if same {
			return k
		}
	}
	return first
}

func fieldRef(fields []kinds.Field, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Ref
		}
	}
	return ""
}

// ChildKey names a child in plans and records: "<parent>/<child>".
func childKey(parent, child string) string { return parent + "/" + child }

// wholeTruth reports whether an entry's child lists are the complete set:
// when this manifest's stack created the object.
func (c *computer) wholeTruth(e *manifest.Entry) bool {
	if c.stack == nil {
		return false
	}
	o, ok := c.stack.owned[Owned{Kind: Kind(e.Kind.Name), Key: e.Key}.ident()]
	return ok && o.Created
}

// entryObjects lists the manifest's descriptor entries for ownership.
func entryObjects(m *manifest.Manifest) []topObject {
	var out []topObject
	for _, e := range m.Entries {
		out = append(out, topObject{declared{Owned{Kind: Kind(e.Kind.Name), Key: e.Key}, e.Src.Pos}, e.State.IsAbsent()})
	}
	return out
}

// isEntryKind reports whether k is a descriptor kind's name.
func isEntryKind(k Kind) bool { return slices.Contains(kinds.Names(), string(k)) }

// entryPrune is the delete of an owned object of a descriptor kind that
// left the manifest: only one the stack created, and never authentik's own.
func (c *computer) entryPrune(o Owned) (*Change, *Released) {
	var live *Object
	for i, x := range c.live.Objects[o.Kind] {
		if x.Key == o.Key {
			live = &c.live.Objects[o.Kind][i]
		}
	}
	switch {
	case live == nil:
		return nil, &Released{o, "deleted outside provision"}
	case c.builtin(string(o.Kind), o.Key) || managedObject(live):
		return nil, &Released{o, PruneNote + "; one of authentik's own objects, so left in authentik"}
	case !o.Created:
		return nil, &Released{o, PruneNote + "; adopted, not created by this stack, so left in authentik"}
	}
	return &Change{Kind: o.Kind, Key: o.Key, Action: Delete, ID: live.PK, Notes: []string{PruneNote}}, nil
}

// managedObject reports whether authentik manages the object itself (its
// descriptor's Managed field is set).
func managedObject(o *Object) bool {
	for _, d := range kinds.All() {
		if d.Managed != "" && str(o.Fields[d.Managed]) != "" && (d.Type == "" || d.Type == o.Type) && o.Fields[d.Key] == o.Key {
			return true
		}
	}
	return false
}

// entryExists reports whether the object an owned key of a descriptor
// kind names is in authentik.
func entryExists(live *Live, o Owned) bool {
	for _, x := range live.Objects[o.Kind] {
		if x.Key == o.Key {
			return true
		}
	}
	return false
}

// isChildKind reports whether k is only declared inside another kind's
// entries (a flow's stage bindings).
func isChildKind(k Kind) bool {
	for _, name := range kinds.Names() {
		for _, d := range kinds.Family(name) {
			for _, c := range d.Children {
				if c.Kind.Name == string(k) {
					return true
				}
			}
		}
	}
	return false
}

// KeyChildren names the live children of descriptor kinds by their
// parent's key and the object they name ("corp-login/corp-password"), as
// plans key their changes. The snapshot calls it once every list is read.
func KeyChildren(l *Live) {
	for _, name := range kinds.Names() {
		for _, d := range kinds.Family(name) {
			for _, c := range d.Children {
				parents := map[string]string{}
				for _, p := range l.Objects[Kind(d.Name)] {
					parents[strings.ToLower(p.PK)] = p.Key
				}
				byKind := fieldRef(c.Kind.Fields(), c.By)
				byKey := map[string]string{}
				for _, o := range l.Objects[Kind(byKind)] {
					byKey[strings.ToLower(o.PK)] = o.Key
				}
				kids := l.Objects[Kind(c.Kind.Name)]
				for i := range kids {
					p, ok := parents[strings.ToLower(str(kids[i].Fields[c.Parent]))]
					if !ok {
						continue
					}
					by := str(kids[i].Fields[c.By])
					if k, ok := byKey[strings.ToLower(by)]; ok {
						by = k
					}
					kids[i].Key = childKey(p, by)
				}
			}
		}
	}
}

// entryPK is the pk of the live object an owned key of a descriptor kind
// names ("" when there is none).
func entryPK(live *Live, o Owned) string {
	for _, x := range live.Objects[o.Kind] {
		if x.Key == o.Key {
			return x.PK
		}
	}
	return ""
}
