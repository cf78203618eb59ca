package kinds

import (
	"slices"
	"strings"
)

// Object permissions: a role's permissions: may name, besides global
// codenames, a permission on one object, {permission: view_application,
// application: corp-app}: authentik assigns it through the same
// assigned_by_roles/<uuid>/assign/ with model and object_pk
// (authentik/rbac/api/rbac.py PermissionAssignSerializer). In a
// PermissionList value each is the string "<codename> on <kind> <key>"
// (ObjectPermission), so the list diffs as a set of strings.

// PermissionList is a list of permissions: codenames, or mappings naming a
// permission on one object (the manifest's permissions: of a role).
const PermissionList FieldType = RefList + 1

// objectSep separates an object permission's codename from its object.
const objectSep = " on "

// ObjectPermission is an object permission as a PermissionList value.
func ObjectPermission(codename, kind, key string) string {
	return codename + objectSep + kind + " " + key
}

// ParseObjectPermission splits a PermissionList value naming an object;
// ok is false for a global codename.
func ParseObjectPermission(s string) (codename, kind, key string, ok bool) {
	codename, rest, ok := strings.Cut(s, objectSep)
	if !ok {
		return s, "", "", false
	}
	kind, key, ok = strings.Cut(rest, " ")
	return codename, kind, key, ok
}

// PermissionTarget is a kind whose objects a role's permissions may name:
// one model for the whole kind (a family's members have one model each,
// so families are not targets yet), named by one word (a manifest key).
func PermissionTarget(kind string) (*Kind, bool) {
	for _, k := range append(slices.Clone(registry), Hosts...) {
		if k.Name == kind && k.Section != "" && k.Model != "" && k.Key != "" && len(Family(kind)) <= 1 && !strings.Contains(kind, " ") {
			return k, true
		}
	}
	return nil, false
}

// PermissionTargets names the kinds object permissions may name, sorted.
func PermissionTargets() []string {
	var out []string
	for _, k := range append(slices.Clone(registry), Hosts...) {
		if _, ok := PermissionTarget(k.Name); ok && !slices.Contains(out, k.Name) {
			out = append(out, k.Name)
		}
	}
	slices.Sort(out)
	return out
}

// checkObjectPermission checks one object permission offline: the kind is
// a target, and the codename is one of its model's app (with the app label
// or without), and, for a default permission (add_, change_, delete_,
// view_), of its model. It returns the problem's message, "" when none.
func checkObjectPermission(codename, kind, key string) string {
	k, ok := PermissionTarget(kind)
	if !ok {
		return "permission " + quote(codename) + " names a " + quote(kind) + ", which object permissions cannot name; name one of " + strings.Join(PermissionTargets(), ", ")
	}
	app, model, _ := strings.Cut(k.Model, ".")
	if label, code, labelled := strings.Cut(codename, "."); labelled {
		if label != app {
			return "permission " + quote(codename) + " is not a permission of " + k.Name + "s (their app label is " + app + ")"
		}
		codename = code
	}
	full := app + "." + codename
	if !KnownPermission(full) {
		msg := "unknown permission " + quote(codename) + " for " + k.Name + "s (authentik 2026.2.2 has no " + full + ")"
		if s := closestPermission(full); strings.HasPrefix(s, app+".") {
			msg += "; did you mean " + quote(strings.TrimPrefix(s, app+".")) + "?"
		}
		return msg
	}
	for _, verb := range []string{"add_", "change_", "delete_", "view_"} {
		if m, ok := strings.CutPrefix(codename, verb); ok && m != model && KnownPermission(app+"."+verb+m) {
			return "permission " + quote(codename) + " is a permission on " + m + "s, not on " + k.Name + "s; did you mean " + quote(verb+model) + "?"
		}
	}
	return ""
}
