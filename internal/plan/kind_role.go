package plan

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/suggest"
)

// KindPermission is the server's list of permissions (app_label.codename),
// read with roles: a role's codenames are checked offline against
// authentik 2026.2.2's (kinds.Permissions) and here against the server's.
const KindPermission Kind = "permission"

func init() {
	entryHooks["role"] = entryHook{check: func(c *computer, e *manifest.Entry) bool {
		have := c.live.Objects[KindPermission]
		if len(have) == 0 {
			return true // not read (a plan built by hand)
		}
		known := make(map[string]bool, len(have))
		keys := make([]string, 0, len(have))
		for _, o := range have {
			known[o.Key] = true
			keys = append(keys, o.Key)
		}
		ok := true
		for _, p := range anyStrings(e.Fields["permissions"]) {
			if codename, kind, _, isObject := kinds.ParseObjectPermission(p); isObject {
				// Checked offline against authentik 2026.2.2's; here the
				// server's own list, by its app label.
				if t, found := kinds.PermissionTarget(kind); found {
					app, _, _ := strings.Cut(t.Model, ".")
					if _, bare, labelled := strings.Cut(codename, "."); labelled {
						codename = bare
					}
					p = app + "." + codename
				}
			}
			if known[p] {
				continue
			}
			msg := "%s: authentik has no permission %q (another authentik version?)"
			if s := suggest.Closest(p, keys); s != "" {
				c.fail(e.Src.At("permissions"), msg+"; did you mean %q?", e.Label(), p, s)
			} else {
				c.fail(e.Src.At("permissions"), msg, e.Label(), p)
			}
			ok = false
		}
		return ok
	}}
}

// A role's permissions on one object (kinds.ObjectPermission): the API
// layer reads them per role from /rbac/permissions/roles/?uuid=
// (authentik/rbac/api/rbac_roles.py RolePermissionViewSet) into the live
// role's object_permissions, as authentik lists them (codename, app_label,
// model, object_pk); the plan names each by its object's kind and key.
//
// authentik's assign and unassign look the object up and, when it is not
// there, assign or remove the permission globally instead
// (PermissionAssignSerializer.validate leaves model_instance None): so
// provision never unassigns a permission whose object it cannot find (an
// orphan of a deleted object, or a kind it did not read: left alone), and
// the delete of an object waits for the unassigns naming it
// (orderPermissionRemovals).

// livePerms are a live role's object permissions.
type livePerms struct {
	// names are those whose object was found, as kinds.ObjectPermission.
	names []string
	// objects are their objects, by name.
	objects map[string]ObjectRef
	// unresolved counts those whose object was not found.
	unresolved int
}

// livePermissions names a live role's object permissions.
func (c *computer) livePermissions(live map[string]any) livePerms {
	return resolvePermissions(live, func(kind, pk string) (string, bool) {
		key, ok := c.indexOf(kind).keyByPK[strings.ToLower(pk)]
		return key, ok
	})
}

// ObjectPermissions names a live role's object permissions by kind and
// key, from the objects live holds (export).
func ObjectPermissions(live *Live, fields map[string]any) []string {
	return resolvePermissions(fields, func(kind, pk string) (string, bool) {
		if kind == string(KindApplication) {
			for _, a := range live.Applications {
				if strings.EqualFold(a.PK, pk) {
					return a.Slug, true
				}
			}
			return "", false
		}
		for _, o := range live.Objects[Kind(kind)] {
			if strings.EqualFold(o.PK, pk) {
				return o.Key, true
			}
		}
		return "", false
	}).names
}

func resolvePermissions(fields map[string]any, keyOf func(kind, pk string) (string, bool)) livePerms {
	out := livePerms{objects: map[string]ObjectRef{}}
	raw, _ := fields["object_permissions"].([]any)
	for _, r := range raw {
		m, _ := r.(map[string]any)
		model := str(m["app_label"]) + "." + str(m["model"])
		pk := str(m["object_pk"])
		kind := permissionKindOf(model)
		key, found := "", false
		if kind != "" {
			key, found = keyOf(kind, pk)
		}
		if !found {
			out.unresolved++
			continue
		}
		name := kinds.ObjectPermission(str(m["codename"]), kind, key)
		out.names = append(out.names, name)
		out.objects[name] = ObjectRef{Model: model, Ref: Known(pk)}
	}
	return out
}

// permissionKindOf is the kind whose objects have this model, "" for none
// object permissions may name.
func permissionKindOf(model string) string {
	for _, name := range kinds.PermissionTargets() {
		if k, _ := kinds.PermissionTarget(name); k.Model == model {
			return name
		}
	}
	return ""
}

// permissionObjects fills spec.Objects for a role's permissions wanted (w)
// and live (h): the objects of those to assign, resolved (created first
// when the manifest declares them), and of those to unassign, as live.
// false when one names no object (reported).
func (c *computer) permissionObjects(e *manifest.Entry, spec *EntrySpec, live map[string]any, w, h []string) bool {
	have := c.livePermissions(live)
	ok := true
	for _, p := range w {
		_, kind, key, isObject := kinds.ParseObjectPermission(p)
		if !isObject || slices.Contains(h, p) {
			continue
		}
		t, found := kinds.PermissionTarget(kind)
		if !found {
			ok = false // refused offline
			continue
		}
		ref, good := c.permissionRef(kind, key, e.Src.At("permissions"))
		if !good {
			ok = false
			continue
		}
		if spec.Objects == nil {
			spec.Objects = map[string]ObjectRef{}
		}
		spec.Objects[p] = ObjectRef{Model: t.Model, Ref: ref}
	}
	for _, p := range h {
		if o, isObject := have.objects[p]; isObject && !slices.Contains(w, p) {
			if spec.Objects == nil {
				spec.Objects = map[string]ObjectRef{}
			}
			spec.Objects[p] = o
		}
	}
	return ok
}

// permissionRef resolves the object a permission names: live, or declared
// by the manifest (created first). Applications are written by hand: a
// declared one is in the manifest's applications.
func (c *computer) permissionRef(kind, key string, pos manifest.Position) (Reference, bool) {
	if kind != string(KindApplication) {
		return c.entryRef(kind, key, pos)
	}
	if pk, ok := c.indexOf(kind).pkByKey[key]; ok {
		return Known(pk), true
	}
	var slugs []string
	for _, a := range c.m.Applications {
		if a.Slug == key && !a.State.IsAbsent() {
			return Later(KindApplication, key), true
		}
		slugs = append(slugs, a.Slug)
	}
	for slug := range c.indexOf(kind).pkByKey {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs)
	c.fail(pos, "application %q: not declared in the manifest and %s%s", key, matches(0), c.didYouMean(key, slugs))
	return Reference{}, false
}

// orderPermissionRemovals makes the delete of an object wait for the role
// updates that unassign a permission on it: once the object is gone,
// authentik's unassign would remove the permission globally.
func orderPermissionRemovals(changes [][]Change) {
	removing := map[string][]string{} // object ref -> role refs
	for _, stage := range changes {
		for _, ch := range stage {
			s, ok := ch.Spec.(*EntrySpec)
			if !ok || ch.Action != Update || len(s.Objects) == 0 {
				continue
			}
			want := anyStrings(s.Extra["permissions"])
			for name, o := range s.Objects {
				if !slices.Contains(want, name) && o.Ref.PK != "" {
					_, kind, key, _ := kinds.ParseObjectPermission(name)
					removing[Ref(Kind(kind), key)] = append(removing[Ref(Kind(kind), key)], Ref(ch.Kind, ch.Key))
				}
			}
		}
	}
	if len(removing) == 0 {
		return
	}
	for _, stage := range changes {
		for i := range stage {
			ch := &stage[i]
			if roles := removing[Ref(ch.Kind, ch.Key)]; ch.Action == Delete && len(roles) > 0 {
				ch.After = append(ch.After, roles...)
			}
		}
	}
}

// permissionReads are the kinds a plan reads for a role's object
// permissions: those the manifest's roles name.
func permissionReads(m *manifest.Manifest) Reads {
	var r Reads
	for _, e := range m.EntriesOf("role") {
		for _, p := range anyStrings(e.Fields["permissions"]) {
			if _, kind, _, ok := kinds.ParseObjectPermission(p); ok {
				if _, target := kinds.PermissionTarget(kind); target {
					r = r.Add(Reads{Kinds: []Kind{Kind(kind)}})
				}
			}
		}
	}
	return r
}

// livePermissionReads are the kinds holding the objects the live roles'
// object permissions name that reads did not read: a second round reads
// them, so the plan can name (and unassign) those permissions.
func livePermissionReads(live *Live, reads Reads) Reads {
	var r Reads
	for _, o := range live.Objects["role"] {
		raw, _ := o.Fields["object_permissions"].([]any)
		for _, x := range raw {
			m, _ := x.(map[string]any)
			if kind := permissionKindOf(str(m["app_label"]) + "." + str(m["model"])); kind != "" && !slices.Contains(reads.Kinds, Kind(kind)) {
				r = r.Add(Reads{Kinds: []Kind{Kind(kind)}})
			}
		}
	}
	return r
}
