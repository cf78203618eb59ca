package export

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// The kind engine's export part: any descriptor kind's live object becomes
// an entry of its section, with references by key, defaults and secrets
// left out, and its children (a flow's stage bindings) listed under it.
// Objects it references come along, except authentik's own (named only).

// entryReads are the descriptor kinds an export reads: every kind, every
// family member in full, and every child kind (nested ones and those of
// hand-written kinds' entries: an application's entitlements).
func entryReads() plan.Reads {
	var r plan.Reads
	for _, name := range kinds.Names() {
		r.Kinds = append(r.Kinds, plan.Kind(name))
		for _, d := range kinds.Family(name) {
			if d.Type != "" {
				r.Types = append(r.Types, plan.TypeRead(d))
			}
		}
	}
	for _, c := range kinds.ChildKinds() {
		r.Kinds = append(r.Kinds, plan.Kind(c.Name))
	}
	return r
}

// selectFlows exports the flows with these slugs.
func (x *exporter) selectFlows(slugs []string) error {
	for _, slug := range slugs {
		o := x.object("flow", slug)
		if o == nil {
			var keys []string
			for _, f := range x.live.Objects["flow"] {
				keys = append(keys, f.Key)
			}
			msg := fmt.Sprintf("authentik has no flow with slug %q", slug)
			if near := suggest.Closest(slug, keys); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			return fmt.Errorf("%s", msg)
		}
		x.entryObject("flow", o, true)
	}
	return nil
}

func (x *exporter) object(kind, key string) *plan.Object {
	objs := x.live.Objects[plan.Kind(kind)]
	for i := range objs {
		if objs[i].Key == key {
			return &objs[i]
		}
	}
	return nil
}

func (x *exporter) objectByPK(kind, pk string) *plan.Object {
	objs := x.live.Objects[plan.Kind(kind)]
	for i := range objs {
		if strings.EqualFold(objs[i].PK, pk) {
			return &objs[i]
		}
	}
	return nil
}

// entryObject adds a live object of a descriptor kind. asked is set for
// an object the command named: authentik's own are exported then too.
func (x *exporter) entryObject(kind string, o *plan.Object, asked bool) {
	if x.byKey[ref(plan.Kind(kind), o.Key)] != nil || (!asked && plan.IsBuiltin(kind, o.Key)) {
		return
	}
	// authentik's own (the family's managed field set, whatever the type:
	// a managed SCIM mapping in propertymappings/all/): named, never
	// exported, and not worth a "left out" line.
	if fam := kinds.Family(kind); len(fam) > 0 && fam[0].Managed != "" {
		if m := o.Fields[fam[0].Managed]; m != nil && m != "" {
			return
		}
	}
	d := descriptor(kind, o.Type)
	if d != nil && d.Own != nil && !asked && d.Own(o.Fields) {
		return
	}
	if d == nil {
		x.skip("%s %q: its type is not one provision manages yet; left out", kind, o.Key)
		return
	}
	e := newEntry(plan.Kind(kind), o.Key)
	e.section = d.Section
	if d.Singleton {
		// The mapping of what differs from a fresh install: nothing when
		// every field holds its default.
		x.entryFields(e, d.Fields(), o.Fields, "", "")
		if len(e.keys) > 0 {
			x.add(e, &x.entries)
		}
		return
	}
	e.set(d.Key, o.Key)
	if d.Type != "" {
		e.set("type", d.Type)
	}
	x.add(e, &x.entries)
	fields := d.Fields()
	if d.ExportOmit != nil {
		omit := d.ExportOmit(o.Fields)
		fields = slices.DeleteFunc(fields, func(f kinds.Field) bool { return slices.Contains(omit, f.Name) })
	}
	x.entryFields(e, fields, o.Fields, d.Key, "")
	// One comment names every secret field and its variable (a Kerberos
	// source has three).
	var secrets []string
	for _, f := range fields { // Fields() has the Extra ones
		if f.Secret && f.SensitiveOnly {
			v := variableName(o.Key, f.Name)
			when := " when provision creates the " + d.Label()
			if !f.Once {
				when = "" // a token's key: set whenever it differs
			}
			secrets = append(secrets, fmt.Sprintf("%s is not exported (secrets never are), and its absence is not a change. To set it%s, declare a sensitive variable (variables: {%s: {sensitive: true}}) and add %s: ${%s}.", f.Name, when, v, f.Name, v))
		}
	}
	if len(secrets) > 0 {
		e.comment = strings.Join(secrets, "\n")
	}
	for _, field := range slices.Sorted(maps.Keys(d.Digests)) {
		// A write-only value authentik shows only as its digests (a
		// certificate's PEM): the export says where to put it back.
		from := field
		for ff, target := range d.Files {
			if target == field {
				from = ff
			}
		}
		e.comment = fmt.Sprintf("%s is write-only (authentik never returns it), so it is not exported: add %s to create this %s on another authentik", field, from, d.Label())
	}
	for _, c := range d.Children {
		kids := x.childList(c, o.PK, nil)
		if kids == nil {
			kids = []map[string]any{}
		}
		e.set(c.Field, kids)
	}
}

// childList exports the children of the object with pk parentPK (those
// keep accepts, when set), by order, each with its own children (the
// policies bound to a flow's stage binding) when it has any.
func (x *exporter) childList(c kinds.Child, parentPK string, keep func(*plan.Object) bool) []map[string]any {
	var kids []map[string]any
	objs := x.live.Objects[plan.Kind(c.Kind.Name)]
	for i := range objs {
		k := &objs[i]
		if !strings.EqualFold(fmt.Sprint(k.Fields[c.Parent]), parentPK) || keep != nil && !keep(k) {
			continue
		}
		ce := newEntry(plan.Kind(c.Kind.Name), k.Key)
		x.entryFields(ce, c.Fields(), k.Fields, "", c.By)
		m := map[string]any{}
		for _, key := range ce.keys {
			m[key] = ce.vals[key]
		}
		for _, gc := range c.Kind.Children {
			if list := x.childList(gc, k.PK, nil); len(list) > 0 {
				m[gc.Field] = list
			}
		}
		kids = append(kids, m)
	}
	sort.SliceStable(kids, func(i, j int) bool { return toFloat(kids[i]["order"]) < toFloat(kids[j]["order"]) })
	return kids
}

// hostedChildren exports the engine children of a hand-written kind's
// object (an application's policies:) that keep accepts.
func (x *exporter) hostedChildren(e *entry, kind, pk string, keep func(*plan.Object) bool) {
	for _, h := range kinds.Hosts {
		if h.Name != kind {
			continue
		}
		for _, c := range h.Children {
			if kids := x.childList(c, pk, keep); len(kids) > 0 {
				e.set(c.Field, kids)
			}
		}
	}
}

// variableName suggests a variable for an object's secret field:
// ALICE_PASSWORD for alice's password.
func variableName(key, field string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(key + "_" + field) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func toFloat(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case int64:
		return float64(t)
	case int:
		return float64(t)
	}
	return 0
}

// entryFields sets an entry's fields from live values: references by key
// (bringing the objects along), defaults and secrets left out. first is a
// field to set first (a child's By).
func (x *exporter) entryFields(e *entry, fields []kinds.Field, live map[string]any, skip, first string) {
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Name == first && fields[j].Name != first })
	for _, f := range fields {
		v, ok := live[f.Name]
		if f.Name == skip || !ok || f.Secret {
			continue
		}
		switch f.Type {
		case kinds.Ref:
			if v == nil {
				if f.HasDefault || f.Nullable {
					continue
				}
			}
			r := x.objectByPK(f.Ref, fmt.Sprint(v))
			if r == nil {
				if v != nil {
					x.skip("%s %q: %s names an object provision cannot find; left out", e.kind, e.key, f.Name)
				}
				continue
			}
			if f.HasDefault && f.Default == r.Key {
				continue // the default by key (a RADIUS provider's wizard flows)
			}
			x.entryObject(f.Ref, r, false)
			e.set(f.Name, r.Key)
		case kinds.RefList:
			var keys []string
			for _, pk := range anyList(v) {
				if r := x.objectByPK(f.Ref, fmt.Sprint(pk)); r != nil {
					x.entryObject(f.Ref, r, false)
					keys = append(keys, r.Key)
				}
			}
			if len(keys) == 0 && !f.Required {
				continue
			}
			sort.Strings(keys)
			if keys == nil {
				keys = []string{}
			}
			e.set(f.Name, keys)
		default:
			if obj, ok := v.(map[string]any); ok && merged(string(e.kind), f.Name) {
				v = x.withoutSecretKeys(e, f.Name, obj)
			}
			if f.HasDefault && reflect.DeepEqual(plan.NormalizeJSON(f.Default), plan.NormalizeJSON(v)) {
				continue
			}
			if v == nil && !f.Required {
				continue
			}
			if f.Type == kinds.PermissionList {
				e.set(f.Name, x.permissions(v, live))
				continue
			}
			if l := anyList(v); f.Type == kinds.StringList && l != nil {
				s := make([]string, 0, len(l))
				for _, x := range l {
					s = append(s, fmt.Sprint(x))
				}
				if !f.Ordered {
					slices.Sort(s)
				}
				e.set(f.Name, s)
				continue
			}
			if n, ok := v.(float64); ok && f.Type == kinds.Int {
				e.set(f.Name, int64(n))
				continue
			}
			e.set(f.Name, v)
		}
	}
}

// withoutSecretKeys leaves out of a key-by-key object the keys that look
// secret (secrets are never exported), saying so on the entry: leaving
// them out is not a change, as the object is merged key by key.
func (x *exporter) withoutSecretKeys(e *entry, field string, obj map[string]any) map[string]any {
	out := map[string]any{}
	var secret []string
	for k, v := range obj {
		if plan.SecretLooking(k, v) {
			secret = append(secret, k)
			continue
		}
		out[k] = v
	}
	if len(secret) > 0 {
		sort.Strings(secret)
		e.comment = fmt.Sprintf("%s %s not exported: they look secret (secrets never are), and leaving them out is not a change, as %s are merged key by key. To set them from the manifest, use a sensitive variable.", field, strings.Join(secret, ", "), field)
	}
	return out
}

// merged reports whether a kind manages the field key by key.
func merged(kind, field string) bool {
	for _, d := range kinds.Family(kind) {
		if slices.Contains(d.Merge, field) {
			return true
		}
	}
	return false
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func descriptor(kind, typ string) *kinds.Kind {
	for _, d := range kinds.Family(kind) {
		if d.Type == typ {
			return d
		}
	}
	return nil
}

// permissions are a role's permissions as a manifest writes them: global
// codenames, then those on one object as {permission: codename, <kind>:
// key}, each sorted; an object permission on an object not read is left
// out (the plan leaves it alone too).
func (x *exporter) permissions(global any, live map[string]any) []any {
	out := []any{}
	var g []string
	switch l := global.(type) {
	case []string:
		g = slices.Clone(l)
	case []any:
		for _, p := range l {
			g = append(g, fmt.Sprint(p))
		}
	}
	slices.Sort(g)
	for _, p := range g {
		out = append(out, p)
	}
	objs := plan.ObjectPermissions(x.live, live)
	slices.Sort(objs)
	for _, p := range objs {
		codename, kind, key, _ := kinds.ParseObjectPermission(p)
		out = append(out, map[string]any{"permission": codename, kind: key})
	}
	return out
}
