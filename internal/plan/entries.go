package plan

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/secretdigest"
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
	// Merges redo the key-by-key merge of free-form object fields
	// (kinds.Kind.Merge) against the object as read just before the write.
	Merges map[string]*ObjectMerge
	// Via, on a create through the kind's create-only action
	// (kinds.Kind.CreateVia), is the action's body; Body then holds what
	// is patched after it (the key, when the action named it otherwise).
	Via map[string]any
	// Extra are the kind's fields outside the body (kinds.Kind.Extra) to
	// write after the create or update, by field: the value wanted; Before
	// the live one (a role's permissions, to assign and unassign).
	Extra, Before map[string]any
	// Objects are the objects a PermissionList extra's permissions name
	// (kinds.ObjectPermission values of Extra and Before), by value: apply
	// assigns and unassigns each on its object's pk.
	Objects map[string]ObjectRef
}

// ObjectRef is the object of an object permission: its model
// (app_label.model) and a reference to it.
type ObjectRef struct {
	Model string
	Ref   Reference
}

// Body is empty and only extras change: the object itself is not written.
func (s *EntrySpec) OnlyExtra() bool {
	return len(s.Body) == 0 && len(s.Refs) == 0 && len(s.RefLists) == 0 && len(s.Extra) > 0
}

// onceNote says a set-once field is not reset.
func onceNote(field string) string {
	return fmt.Sprintf("%s: set once, when provision created it; never reset (a reset would trip password history and undo the user's own change)", field)
}

// entryHook is what the plan adds to a descriptor kind, in the kind's own
// plan file (kind_<kind>.go): further reads, and a check of a create.
type entryHook struct {
	reads  []Kind
	create func(c *computer, key string, at manifest.Position) bool
	// check checks a present entry against live state (false: failed).
	check func(c *computer, e *manifest.Entry) bool
}

// entryHooks are the descriptor kinds' plan hooks, by kind.
var entryHooks = map[Kind]entryHook{}

// entryKinds returns one KindSpec per descriptor kind name, each after the
// kinds it references (a family's members reference their own family, as
// a stage may name another stage: Needs orders those).
func entryKinds() []*KindSpec {
	refs := map[string][]string{}
	var names []string
	addRef := func(name, to string) {
		if to != "" && !slices.Contains(refs[name], to) {
			refs[name] = append(refs[name], to)
		}
	}
	for _, name := range kinds.Names() {
		names = append(names, name)
		for _, k := range kinds.Family(name) {
			for _, f := range k.Fields() {
				if f.Ref != name {
					addRef(name, f.Ref)
				}
			}
		}
	}
	// Children (nested ones and those of hand-written kinds' entries)
	// reference what they name and their parents.
	for _, ck := range kinds.ChildKinds() {
		names = append(names, ck.Name)
		for _, f := range ck.Fields() {
			addRef(ck.Name, f.Ref)
		}
		for _, p := range kinds.Parents(ck.Name) {
			addRef(ck.Name, p.Kind.Name)
		}
		slices.Sort(refs[ck.Name])
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
		if nulledRef(name, r) {
			ks.Nulled = append(ks.Nulled, Kind(r))
		}
	}
	for _, p := range kinds.Parents(name) {
		ks.Parents = append(ks.Parents, Kind(p.Kind.Name))
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
		for _, o := range s.Objects {
			if o.Ref.PK == "" {
				out = append(out, Ref(o.Ref.Kind, o.Ref.Key))
			}
		}
		sort.Strings(out)
		return slices.Compact(out)
	}
	return ks
}

// entryReads is what a manifest's entries of one kind need read: the kind
// (its declared types in full), and every kind their references name; for
// a child kind, its parents too.
func entryReads(m *manifest.Manifest, name string) Reads {
	var r Reads
	var visit func(e *manifest.Entry, fields []kinds.Field, top bool)
	visit = func(e *manifest.Entry, fields []kinds.Field, top bool) {
		if e.Kind.Name == name {
			r = r.Add(Reads{Kinds: append([]Kind{Kind(name)}, entryHooks[Kind(name)].reads...)})
			if top && e.Kind.Type != "" {
				r = r.Add(Reads{Types: []string{TypeRead(e.Kind)}})
			}
			for _, f := range fields {
				_, byDefault := f.Default.(string) // a required reference's default, by key
				if f.Ref != "" && (e.Declares(f.Name) || byDefault && f.Required) {
					r = r.Add(Reads{Kinds: []Kind{Kind(f.Ref)}})
				}
			}
		}
		for field, list := range e.Children {
			c, _ := e.Kind.ChildOf(field)
			if c.Kind.Name == name {
				// Every kind a child may name: live children are named by
				// it, declared or not.
				r = r.Add(Reads{Kinds: []Kind{Kind(name), Kind(e.Kind.Name)}})
				for _, f := range c.Fields() {
					if f.Ref != "" {
						r = r.Add(Reads{Kinds: []Kind{Kind(f.Ref)}})
					}
				}
			}
			for _, ce := range list {
				visit(ce, c.Fields(), false)
			}
		}
	}
	for _, e := range m.Entries {
		visit(e, e.Kind.Fields(), true)
	}
	for _, e := range m.Hosted {
		visit(e, nil, false)
	}
	return r
}

// TypeRead names a family member whose own list a plan reads in full.
func TypeRead(k *kinds.Kind) string { return k.Name + "/" + k.Type }

// entryChanges diffs every entry of one kind name: the family's own
// entries, or the children of that kind wherever they are declared.
func (c *computer) entryChanges(name string) []*Change {
	var out []*Change
	for _, e := range c.m.Entries {
		if e.Kind.Name == name {
			out = append(out, c.entryChange(e))
		}
	}
	for _, ch := range c.allChildChanges() {
		if ch != nil && string(ch.Kind) == name {
			out = append(out, ch)
		}
	}
	return out
}

// liveObject finds the live object of a kind by key (nil when absent).
func (c *computer) liveObject(kind, key string, pos manifest.Position) (*Object, bool) {
	found := c.indexOf(kind).byKey[key]
	if len(found) > 1 {
		c.fail(pos, "%s %q: %s", kind, key, matches(len(found)))
		return nil, false
	}
	if len(found) == 0 {
		return nil, true
	}
	return found[0], true
}

// kindIndex finds a kind's live objects and the manifest's entries of it
// by key, and keys by pk: built once per plan, so a plan's lookups stay
// linear in its size (a scan per lookup made 1,000 groups against 2,500
// live ones 2.5 million comparisons).
type kindIndex struct {
	byKey    map[string][]*Object
	pkByKey  map[string]string // the first live object's pk by key
	keyByPK  map[string]string // lower-cased pk -> key
	declared []declaredKey
	declIdx  map[string]int
}

// childrenOf returns the live children of kind child whose parent is pk,
// indexed once per plan by parent (a scan per parent was quadratic).
func (c *computer) childrenOf(child kinds.Child, pk string) []*Object {
	id := child.Kind.Name + "\x00" + child.Parent
	byParent, ok := c.children[id]
	if !ok {
		byParent = map[string][]*Object{}
		objs := c.live.Objects[Kind(child.Kind.Name)]
		for i := range objs {
			parent := strings.ToLower(str(objs[i].Fields[child.Parent]))
			byParent[parent] = append(byParent[parent], &objs[i])
		}
		if c.children == nil {
			c.children = map[string]map[string][]*Object{}
		}
		c.children[id] = byParent
	}
	return byParent[strings.ToLower(pk)]
}

func (c *computer) indexOf(kind string) *kindIndex {
	if x, ok := c.indexes[kind]; ok {
		return x
	}
	x := &kindIndex{byKey: map[string][]*Object{}, keyByPK: map[string]string{}, declIdx: map[string]int{}}
	if ids := liveIDs[Kind(kind)]; ids != nil && !isEntryKind(Kind(kind)) {
		x.pkByKey = ids(c.live)
	} else {
		x.pkByKey = map[string]string{}
		objs := c.live.Objects[Kind(kind)]
		for i := range objs {
			o := &objs[i]
			x.byKey[o.Key] = append(x.byKey[o.Key], o)
			x.keyByPK[strings.ToLower(o.PK)] = o.Key
			if _, dup := x.pkByKey[o.Key]; !dup {
				x.pkByKey[o.Key] = o.PK
			}
		}
	}
	for key, pk := range x.pkByKey {
		if _, ok := x.keyByPK[strings.ToLower(pk)]; !ok {
			x.keyByPK[strings.ToLower(pk)] = key
		}
	}
	x.declared = declaredKeys(c.m, kind)
	for i, d := range x.declared {
		if _, dup := x.declIdx[d.key]; !dup {
			x.declIdx[d.key] = i
		}
	}
	if c.indexes == nil {
		c.indexes = map[string]*kindIndex{}
	}
	c.indexes[kind] = x
	return x
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
	if live == nil && k.Singleton {
		c.fail(e.Src.Pos, "%s: authentik did not answer them, so they cannot be planned; check the token may view system settings (authentik_rbac.view_system_settings)", e.Label())
		return nil
	}
	if live == nil && !e.State.IsAbsent() {
		if h := entryHooks[Kind(k.Name)].create; h != nil && !h(c, e.Key, e.Src.At(k.Key)) {
			return nil
		}
	}
	if h := entryHooks[Kind(k.Name)].check; h != nil && !e.State.IsAbsent() && !h(c, e) {
		return nil
	}
	if e.State.IsAbsent() {
		if live != nil && c.builtin(k.Name, e.Key) {
			c.fail(e.Src.At("state"), "%s is one of authentik's own objects (its blueprints create it), which provision never deletes; remove the entry to stop managing it", e.Label())
			return nil
		}
		out := deletion(ch, live, func(o *Object) string { return o.PK })
		if out != nil && live != nil {
			out.Notes = append(out.Notes, c.usedBy(k.Name, live.PK)...)
		}
		if out != nil && k.DeleteNote != "" {
			out.Notes = append(out.Notes, k.DeleteNote)
		}
		return out
	}
	var lf map[string]any
	if live != nil {
		lf = live.Fields
		ch.ID = live.PK
	}
	fds := k.Fields()
	if live == nil && e.Via != nil {
		// Created by the action: the request fields it makes are not sent.
		fds = slices.DeleteFunc(fds, func(fd kinds.Field) bool { return fd.Name != k.Key && fd.Required && !e.Declares(fd.Name) })
	}
	spec, f := c.entryFields(e, fds, lf, live == nil)
	if spec == nil {
		return nil
	}
	if live == nil && e.Via != nil {
		viaCreate(e, spec, f)
	}
	expiry := c.expiryWarning(k, spec, f, lf)
	if live == nil && k.Type != "" {
		// Shown, not sent: the collection says the type.
		f.list = append([]FieldChange{{Field: "type", After: k.Type}}, f.list...)
	}
	if k.URLKey && live != nil {
		// The key it has in authentik: a moved object's is the old one.
		spec.URLKey = live.Key
		if old, ok := live.Fields[k.Key].(string); ok && old != "" {
			spec.URLKey = old
		}
	}
	out := finish(ch, f, spec)
	if out != nil && out.Action == Update {
		out.Warnings = append(out.Warnings, revertWarnings(out)...)
	}
	switch {
	case expiry != "" && out != nil:
		out.Warnings = append(out.Warnings, expiry)
	case expiry != "":
		// Nothing to change, and still worth saying: on the plan itself.
		c.warnings = append(c.warnings, fmt.Sprintf("%s (%s): %s", e.Label(), e.Src.Pos, expiry))
	}
	for _, fd := range k.Extra {
		if out != nil && live != nil && fd.Type == kinds.PermissionList && slices.ContainsFunc(out.Fields, func(f FieldChange) bool { return f.Field == fd.Name }) {
			if n := c.livePermissions(live.Fields).unresolved; n > 0 {
				out.Notes = append(out.Notes, fmt.Sprintf("%s: %d permission(s) on objects provision did not find (deleted, or of a kind it does not manage) are left alone: authentik would unassign them globally", fd.Name, n))
			}
		}
		if out != nil && out.Action == Update && fd.Output && slices.ContainsFunc(out.Fields, func(f FieldChange) bool { return f.Field == fd.Name }) {
			out.Notes = append(out.Notes, rewritesNote(e, fd.Name))
		}
		if out != nil && fd.Once && e.Declares(fd.Name) {
			if live == nil {
				out.Notes = append(out.Notes, fd.Name+": set now, once; later runs never reset it")
			} else {
				out.Notes = append(out.Notes, onceNote(fd.Name))
			}
		}
	}
	if out != nil && out.Action == Update {
		for _, fd := range k.Fields() {
			if fd.Secret && fd.ReadWhenDeclared && !fd.Output && slices.ContainsFunc(out.Fields, func(f FieldChange) bool { return f.Field == fd.Name }) {
				out.Notes = append(out.Notes, rotatesNote(fd.Name))
			}
		}
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
			if create && fd.HasDefault && (fd.Required || slices.Contains(e.Kind.SendAlways, fd.Name)) {
				// Sent, not shown: the server needs it in the body (an
				// omitted binding order is 0; a RADIUS provider's flows
				// are the wizard's, by key).
				if key, isKey := fd.Default.(string); isKey && fd.Type == kinds.Ref {
					ref, good := c.entryRef(fd.Ref, key, e.Src.Pos)
					ok = ok && good
					spec.Refs[fd.Name] = ref
					continue
				}
				spec.Body[fd.Name] = fd.Default
			}
			continue
		}
		if digest := e.Kind.Digests[fd.Name]; digest != nil {
			ds, err := digest(fmt.Sprint(want))
			if err != nil {
				ok = false // reported by validate
				continue
			}
			if !create && strings.EqualFold(str(live[ds[0].Field]), ds[0].Value) {
				continue
			}
			for _, d := range ds {
				f.list = append(f.list, FieldChange{Field: d.Field, Before: beforeOf(f, nullIfEmpty(str(live[d.Field]))), After: d.Value})
			}
			spec.Body[fd.Name] = want // sent, never shown
			continue
		}
		if fd.Secret && !fd.ReadWhenDeclared && !create {
			continue // write-only: authentik never shows it, so never compared
		}
		if fd.Secret && fd.ReadWhenDeclared && !create && !fd.Once {
			// The snapshot holds the live secret's digest: a different
			// one is a rotation, shown masked on both sides.
			if secretdigest.Same(live[fd.Name], want) {
				continue
			}
			f.list = append(f.list, FieldChange{Field: fd.Name, Before: sensitiveMark, After: sensitiveMark, Sensitive: true})
			if fd.Extra {
				if spec.Extra == nil {
					spec.Extra, spec.Before = map[string]any{}, map[string]any{}
				}
				spec.Extra[fd.Name] = canonical(fd, want)
				continue
			}
			spec.Body[fd.Name] = sendValue(fd, want)
			continue
		}
		if fd.Extra {
			if spec.Extra == nil {
				spec.Extra, spec.Before = map[string]any{}, map[string]any{}
			}
			if fd.Once {
				f.list = append(f.list, FieldChange{Field: fd.Name, After: want, Sensitive: fd.Secret})
				spec.Extra[fd.Name] = want
				continue
			}
			have := live[fd.Name]
			if fd.Type == kinds.PermissionList {
				have = slices.Concat(anyStrings(have), c.livePermissions(live).names)
			}
			w, h := canonical(fd, want), canonical(fd, have)
			if !create && reflect.DeepEqual(w, h) {
				continue
			}
			if fd.Type == kinds.PermissionList && !c.permissionObjects(e, spec, live, w.([]string), h.([]string)) {
				ok = false
				continue
			}
			f.add(fd.Name, h, w, fd.Secret)
			spec.Extra[fd.Name], spec.Before[fd.Name] = w, h
			continue
		}
		if slices.Contains(e.Kind.Merge, fd.Name) {
			declaredObj, _ := want.(map[string]any)
			liveObj, _ := live[fd.Name].(map[string]any)
			if merged := f.object(fd.Name, declaredObj, liveObj); merged != nil {
				spec.Body[fd.Name] = merged
				if !create {
					if spec.Merges == nil {
						spec.Merges = map[string]*ObjectMerge{}
					}
					spec.Merges[fd.Name] = newObjectMerge(merged, declaredObj, liveObj)
				}
			}
			continue
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
	case kinds.PermissionList:
		l := slices.Clone(anyStrings(v))
		for i, p := range l {
			// authentik lists an object's permission by bare codename.
			if codename, kind, key, ok := kinds.ParseObjectPermission(p); ok {
				if _, bare, labelled := strings.Cut(codename, "."); labelled {
					l[i] = kinds.ObjectPermission(bare, kind, key)
				}
			}
		}
		l = uniqueSorted(l)
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
	x := c.indexOf(kind)
	if pk, ok := x.pkByKey[key]; ok {
		return Known(pk), true
	}
	if i, ok := x.declIdx[key]; ok {
		d := x.declared[i]
		if d.absent {
			c.fail(pos, "%s %q is marked state: absent in the manifest (%s); remove the reference, or keep it", kind, key, d.pos)
			return Reference{}, false
		}
		return Later(Kind(kind), key), true
	}
	var keys []string
	for _, d := range x.declared {
		keys = append(keys, d.key)
	}
	for k := range x.pkByKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c.fail(pos, "%s %q: not declared in the manifest and %s%s", kind, key, matches(0), c.didYouMean(key, keys))
	return Reference{}, false
}

// liveKeys are a kind's live pks by key: a descriptor kind's objects, or
// a hand-written kind's (its KindSpec's IDs).

// declaredKey is an object the manifest declares, by key.
type declaredKey struct {
	key    string
	absent bool
	pos    manifest.Position
}

// declaredKeys lists the objects of a descriptor kind the manifest
// declares.
func declaredKeys(m *manifest.Manifest, kind string) []declaredKey {
	var out []declaredKey
	for _, e := range m.EntriesOf(kind) {
		out = append(out, declaredKey{e.Key, e.State.IsAbsent(), e.Src.Pos})
	}
	return out
}

// keyOfPK names a live object of a kind by its pk (the pk itself when
// unknown, "" for none).
func (c *computer) keyOfPK(kind, pk string) string {
	if pk == "" {
		return ""
	}
	if key, ok := c.indexOf(kind).keyByPK[strings.ToLower(pk)]; ok {
		return key
	}
	return pk
}

// parentNode is an entry that lists children: a descriptor entry, a child
// (a flow's stage binding, under its policies:) or a hand-written kind's
// entry (an application's policies:).
type parentNode struct {
	e   *manifest.Entry
	key string // its key in plans ("corp-login/corp-password" for a child)
	// pk is the live object's ("" when the plan creates it).
	pk string
	// whole says the lists are the whole truth: the stack created the
	// entry (for a child, its top-level entry).
	whole bool
	// own names the top-level entry when it is one of authentik's own
	// objects (never the whole truth: authentik's blueprints add to it).
	own string
}

// allChildChanges diffs every child list once (the kinds' Diff each take
// their own): descriptor entries' lists, their children's, and those of
// hand-written kinds' entries.
func (c *computer) allChildChanges() []*Change {
	if c.kids != nil {
		return *c.kids
	}
	out := []*Change{}
	c.kids = &out
	for _, e := range c.m.Entries {
		if e.State.IsAbsent() || len(e.Children) == 0 {
			continue
		}
		pl, ok := c.liveObject(e.Kind.Name, e.Key, e.Src.Pos)
		if !ok {
			continue
		}
		p := parentNode{e: e, key: e.Key, whole: c.wholeTruth(e), own: c.ownLabel(e)}
		if pl != nil {
			p.pk = pl.PK
		}
		out = append(out, c.childLists(p)...)
	}
	for _, e := range c.m.Hosted {
		if e.State.IsAbsent() {
			continue
		}
		p := parentNode{e: e, key: e.Key, whole: c.wholeTruth(e), own: c.ownLabel(e)}
		if ids := hostIDs[Kind(e.Kind.Name)]; ids != nil {
			p.pk = ids(c.live)[e.Key]
		}
		out = append(out, c.childLists(p)...)
	}
	*c.kids = out
	return out
}

// childLists diffs the lists a parent declares, in its kind's order.
func (c *computer) childLists(p parentNode) []*Change {
	var out []*Change
	for _, child := range p.e.Kind.Children {
		if _, declared := p.e.Children[child.Field]; declared {
			out = append(out, c.childChanges(p, child)...)
		}
	}
	return out
}

// childChanges diffs the children a parent lists (a flow's stages:). The
// list adds and updates; it is the whole truth (deleting what it does not
// list) only on an object this plan creates or this stack created, so a
// flow authentik or someone else made keeps the bindings others added
// (shown in the plan as kept).
func (c *computer) childChanges(p parentNode, child kinds.Child) []*Change {
	list := p.e.Children[child.Field]
	parentRef := Later(Kind(p.e.Kind.Name), p.key)
	var liveKids []*Object
	if p.pk != "" {
		parentRef = Known(p.pk)
		liveKids = c.childrenOf(child, p.pk)
	}
	used := map[*Object]bool{}
	var out []*Change
	fields := child.Fields()
	for _, ce := range list {
		key := childKey(p.key, ce.Key)
		by, byKey := child.Ident(ce.Fields)
		var lk *Object
		refKind := fieldRef(fields, by)
		var ref Reference
		good := refKind != ""
		switch {
		case !good:
			// Identified by a plain field (an entitlement by its name),
			// which the body carries.
			lk = matchChild(liveKids, used, by, byKey, ce.Fields)
		default:
			ref, good = c.entryRef(refKind, byKey, ce.Src.At(by))
			if good && ref.PK != "" {
				lk = matchChild(liveKids, used, by, ref.PK, ce.Fields)
			}
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
		if good {
			// What identifies the child goes with every write: a policy
			// binding's validate() counts policy, group and user in the
			// body.
			spec.Refs[by] = ref
		}
		fc := finish(ch, f, spec)
		if fc != nil && fc.Action == Update && p.own != "" {
			fc.Warnings = append(fc.Warnings, childRevertWarnings(fc, lf)...)
		}
		out = append(out, fc)
		if len(ce.Children) > 0 {
			cp := parentNode{e: ce, key: key, whole: p.whole, own: p.own}
			if lk != nil {
				cp.pk = lk.PK
			}
			out = append(out, c.childLists(cp)...)
		}
	}
	if p.pk == "" {
		return out
	}
	claims := childClaims[p.e.Kind.Name]
	for _, lk := range liveKids {
		if used[lk] || (claims != nil && claims(c, p.e, lk)) {
			continue
		}
		by, pk := child.Ident(lk.Fields)
		if rk := fieldRef(fields, by); rk != "" {
			pk = c.keyOfPK(rk, pk)
		}
		name := childKey(p.key, child.Name(by, pk))
		if !p.whole {
			why := "the stack did not create it"
			if p.own != "" {
				why = p.own + " is one of authentik's own, whose blueprints add to it"
			}
			c.kept = append(c.kept, Kept{Kind: Kind(child.Kind.Name), Key: name, Source: p.e.Src.At(child.Field).String(),
				Reason: fmt.Sprintf("not listed in %s's %s:, and %s, so left in authentik", p.e.Label(), child.Field, why)})
			continue
		}
		out = append(out, &Change{Kind: Kind(child.Kind.Name), Key: name, Action: Delete, ID: lk.PK,
			Source: p.e.Src.At(child.Field).String(), Notes: []string{fmt.Sprintf("not listed in %s's %s:", p.e.Label(), child.Field)}})
	}
	return out
}

// childClaims are, by parent kind, the live children another part of the
// plan manages (an application's group bindings that access.groups
// lists), which a child list neither deletes nor shows as kept.
var childClaims = map[string]func(c *computer, parent *manifest.Entry, o *Object) bool{}

// hostIDs are the live pks by key of the hand-written kinds whose entries
// carry children (kinds.Hosts), from their KindSpec (set in init: the
// registry refers to this file).
var hostIDs = map[Kind]func(*Live) map[string]string{}

func init() {
	for _, h := range kinds.Hosts {
		for _, k := range registry {
			if string(k.Kind) == h.Name {
				hostIDs[k.Kind] = k.IDs
			}
		}
	}
}

// Kept is a live object on a target the manifest manages that the
// manifest does not list and the plan leaves alone (a binding made by
// hand on authentik's own flow); shown so nothing is hidden.
type Kept struct {
	Kind   Kind
	Key    string
	Source string
	Reason string
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
// when this manifest's stack created the object, and it is not one of
// authentik's own. A stack can create one of those (default-authentication-
// flow, after an admin deleted it), but authentik applies its blueprints
// again (on every start, when a file changes): they add their stage and
// policy bindings back, which the list must never delete.
func (c *computer) wholeTruth(e *manifest.Entry) bool {
	if c.stack == nil || e.Key == "" || c.ownLabel(e) != "" {
		return false
	}
	o, ok := c.stack.owned[Owned{Kind: Kind(e.Kind.Name), Key: e.Key}.ident()]
	return ok && o.Created
}

// ownLabel names the entry when it is one of authentik's own objects
// (IsBuiltin), "" otherwise.
func (c *computer) ownLabel(e *manifest.Entry) string {
	if e.Key == "" || !c.builtin(e.Kind.Name, e.Key) {
		return ""
	}
	return e.Label()
}

// entryObjects lists the manifest's descriptor entries for ownership.
func entryObjects(m *manifest.Manifest) []topObject {
	var out []topObject
	for _, e := range m.Entries {
		if e.Kind.Singleton {
			continue // always there, no stack's: never owned, recorded or pruned
		}
		out = append(out, topObject{declared{Owned{Kind: Kind(e.Kind.Name), Key: e.Key, Protect: e.Protect}, e.Src.Pos}, e.State.IsAbsent()})
	}
	return out
}

// singleton reports whether k is a Singleton kind (system settings): no
// stack owns, records, releases or prunes it.
func singleton(k Kind) bool {
	fam := kinds.Family(string(k))
	return len(fam) == 1 && fam[0].Singleton
}

// isEntryKind reports whether k is a descriptor kind's name.
func isEntryKind(k Kind) bool { return entryKindSet()[k] }

// entryKindSet and childKindSet are the descriptor kinds' names, computed
// once: they are asked per change and per owned object.
var (
	entryKindSet = sync.OnceValue(func() map[Kind]bool {
		out := map[Kind]bool{}
		for _, n := range kinds.Names() {
			out[Kind(n)] = true
		}
		return out
	})
	childKindSet = sync.OnceValue(func() map[Kind]bool {
		out := map[Kind]bool{}
		for _, ck := range kinds.ChildKinds() {
			out[Kind(ck.Name)] = true
		}
		return out
	})
)

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
	notes := []string{PruneNote}
	if fam := kinds.Family(string(o.Kind)); len(fam) > 0 && fam[0].DeleteNote != "" {
		notes = append(notes, fam[0].DeleteNote)
	}
	return &Change{Kind: o.Kind, Key: o.Key, Action: Delete, ID: live.PK, Notes: append(notes, c.usedBy(string(o.Kind), live.PK)...)}, nil
}

// usedBy names the live objects of descriptor kinds whose references name
// the object of kind with pk, and what its delete does to them: a delete
// never goes by without the plan saying who loses what.
func (c *computer) usedBy(kind, pk string) []string {
	var out []string
	for _, d := range kinds.All() {
		for _, f := range d.Fields() {
			if f.Ref != kind {
				continue
			}
			for _, o := range c.live.Objects[Kind(d.Name)] {
				if d.Type != "" && o.Type != d.Type {
					continue
				}
				uses := strings.EqualFold(str(o.Fields[f.Name]), pk)
				for _, x := range anyStrings(o.Fields[f.Name]) {
					uses = uses || strings.EqualFold(x, pk)
				}
				if !uses {
					continue
				}
				what := "authentik sets it to null"
				switch {
				case slices.Contains(d.Cascade, f.Name):
					what = "authentik deletes it too"
				case f.Type == kinds.RefList:
					what = "authentik removes it from the list"
				}
				out = append(out, fmt.Sprintf("used by %s %q as %s: %s", d.Label(), o.Key, f.Name, what))
			}
		}
	}
	if h := usedByHand[Kind(kind)]; h != nil {
		out = append(out, h(c, pk)...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// usedByHand are the hand-written kinds' references to descriptor kinds'
// objects, by the kind referenced, registered by the referring kind's own
// file: the notes a delete of the object carries.
var usedByHand = map[Kind]func(c *computer, pk string) []string{}

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
func isChildKind(k Kind) bool { return childKindSet()[k] }

// namedOnly reports whether k is a descriptor kind only named by
// references (users): never declared, so never owned.
func namedOnly(k Kind) bool {
	fam := kinds.Family(string(k))
	return len(fam) > 0 && fam[0].Section == ""
}

// KeyChildren names the live children of descriptor kinds by their
// parent's key and the object they name ("corp-login/corp-password",
// "corp-app/policy:corp-email"), as plans key their changes. The snapshot
// calls it once every list is read. Parents are keyed first (a flow's
// stage bindings before the policy bindings on them).
func KeyChildren(l *Live) {
	keyOf := func(kind string) map[string]string {
		out := map[string]string{}
		ids := hostIDs[Kind(kind)]
		if ids == nil {
			ids = liveIDs[Kind(kind)]
		}
		if ids == nil {
			for _, o := range l.Objects[Kind(kind)] {
				if o.Key != "" {
					out[strings.ToLower(o.PK)] = o.Key
				}
			}
			return out
		}
		for key, pk := range ids(l) {
			out[strings.ToLower(pk)] = key
		}
		return out
	}
	for _, ck := range kinds.ChildKinds() {
		kids := l.Objects[Kind(ck.Name)]
		for _, p := range kinds.Parents(ck.Name) {
			parents := keyOf(p.Kind.Name)
			c := p.Child
			byKey := map[string]map[string]string{}
			for _, by := range c.ByFields() {
				byKey[by] = keyOf(fieldRef(c.Kind.Fields(), by))
			}
			for i := range kids {
				pk, ok := parents[strings.ToLower(str(kids[i].Fields[c.Parent]))]
				if !ok {
					continue
				}
				by, v := c.Ident(kids[i].Fields)
				if k, ok := byKey[by][strings.ToLower(v)]; ok {
					v = k
				}
				kids[i].Key = childKey(pk, c.Name(by, v))
			}
		}
	}
}

// liveIDs are every registry kind's live pks by key (set in init).
var liveIDs = map[Kind]func(*Live) map[string]string{}

func init() {
	for _, k := range registry {
		if k.IDs != nil {
			liveIDs[k.Kind] = k.IDs
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

// NewEntrySpec is the spec of a change of a descriptor kind sending body
// (for tests and callers building changes by hand).
func NewEntrySpec(kind string, body map[string]any) *EntrySpec {
	return &EntrySpec{Kind: kinds.Family(kind)[0], Body: body}
}

// Put adds live objects of a kind (for building live state in tests).
func (l *Live) Put(kind Kind, objs ...Object) {
	if l.Objects == nil {
		l.Objects = map[Kind][]Object{}
	}
	l.Objects[kind] = append(l.Objects[kind], objs...)
}

// viaCreate turns a create into the kind's create-only action: its mapping
// (the name field defaulting to the key, the action's defaults filling the
// rest) is the action's body, shown as via.field; what else was declared
// is patched after, with the key when the action names the object
// otherwise.
func viaCreate(e *manifest.Entry, spec *EntrySpec, f *fields) {
	v := e.Kind.CreateVia
	body := map[string]any{}
	for k, d := range v.Defaults {
		body[k] = d
	}
	body[v.NameField] = e.Key
	for k, x := range e.Via {
		body[k] = x
	}
	spec.Via = body
	var shown []FieldChange
	for _, fd := range v.ViaFields() {
		if x, ok := body[fd.Name]; ok {
			shown = append(shown, FieldChange{Field: v.Field + "." + fd.Name, After: displayValue(NormalizeJSON(x))})
		}
	}
	f.list = append(shown, f.list...)
	delete(spec.Body, e.Kind.Key)
	if body[v.NameField] != e.Key {
		spec.Body[e.Kind.Key] = e.Key
	}
}

// ExpiryWarningDays is how close an expiry a plan warns about.
const ExpiryWarningDays = 30

// expiryWarning warns when a change sets or keeps an object whose expiry
// (kinds.Kind.Expires: the declared digest, else the live value) is within
// ExpiryWarningDays of the snapshot's time, or past.
func (c *computer) expiryWarning(k *kinds.Kind, spec *EntrySpec, f *fields, live map[string]any) string {
	if k.Expires == "" || c.live.Now.IsZero() {
		return ""
	}
	at := str(live[k.Expires])
	for _, fc := range f.list {
		if fc.Field == k.Expires {
			at = str(fc.After)
		}
	}
	exp, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return ""
	}
	left := exp.Sub(c.live.Now)
	switch {
	case left <= 0:
		return fmt.Sprintf("the %s expired on %s", k.Label(), exp.UTC().Format(time.DateOnly))
	case left < ExpiryWarningDays*24*time.Hour:
		return fmt.Sprintf("the %s expires on %s, in %d days (less than %d)", k.Label(), exp.UTC().Format(time.DateOnly), int(left.Hours()/24), ExpiryWarningDays)
	}
	return ""
}

// nulledRef reports whether every reference of kind name's descriptors to
// kind to is one authentik nulls when its object is deleted
// (kinds.Kind.Nulled).
func nulledRef(name, to string) bool {
	found := false
	for _, k := range kinds.Family(name) {
		for _, f := range k.Fields() {
			if f.Ref != to {
				continue
			}
			if !slices.Contains(k.Nulled, f.Name) {
				return false
			}
			found = true
		}
	}
	return found
}
