package kinds

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/suggest"
)

// Roles (authentik/rbac/models.py Role, api/rbac_roles.py RoleSerializer:
// name only). Permissions are not a field of the role: global ones are
// read from /rbac/permissions/?role=, those on one object from
// /rbac/permissions/roles/?uuid= (api/rbac_roles.py RolePermissionViewSet),
// and both are written through
// /rbac/permissions/assigned_by_roles/<uuid>/assign/ and unassign/
// (authentik/rbac/api/rbac_assigned_by_roles.py; model and object_pk for
// an object's). Groups and users hold roles (their roles:).
var role = &Kind{
	Name:    "role",
	Section: "roles",
	Path:    "rbac/roles/",
	Model:   "authentik_rbac.role",
	Schema:  "RoleRequest",
	Key:     "name",
	PK:      "pk",
	Managed: "managed",
	Extra: []Field{{Name: "permissions", Type: PermissionList,
		Doc: "Permissions: global ones by codename (authentik_core.view_user), and ones on one object as {permission: view_application, application: corp-app}, the object by its kind (application, brand, certificate, flow, group, prompt, role, token or user) and key: exactly these."}},
	Check: checkPermissions,
	Doc:   "An RBAC role with global and object permissions; groups and users hold roles.",
}

//go:embed permissions.txt
var permissionsTxt string

// Permissions are authentik 2026.2.2's permission codenames
// (app_label.codename), generated from its source by permgen.
var Permissions = func() []string {
	var out []string
	for _, l := range strings.Split(permissionsTxt, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}()

// KnownPermission reports whether authentik 2026.2.2 defines the codename.
func KnownPermission(p string) bool {
	i, ok := slicesBinarySearch(Permissions, p)
	return ok && Permissions[i] == p
}

func checkPermissions(key string, fields map[string]any, absent bool) []Problem {
	ps, _ := fields["permissions"].([]string)
	var out []Problem
	for _, p := range ps {
		if codename, kind, key, ok := ParseObjectPermission(p); ok {
			if msg := checkObjectPermission(codename, kind, key); msg != "" {
				out = append(out, Problem{Field: "permissions", Msg: msg})
			}
			continue
		}
		if msg := permissionProblem(p); msg != "" {
			out = append(out, Problem{Field: "permissions", Msg: msg})
		}
	}
	return out
}

// permissionProblem says what is wrong with a global permission's
// codename, with the nearest known one; "" when authentik has it.
func permissionProblem(p string) string {
	if KnownPermission(p) {
		return ""
	}
	msg := "unknown permission " + quote(p) + " (authentik 2026.2.2 has no such codename)"
	if !strings.Contains(p, ".") {
		msg = "permission " + quote(p) + " needs its app label (app_label.codename)"
	}
	if s := closestPermission(p); s != "" {
		msg += "; did you mean " + quote(s) + "?"
	}
	return msg
}

func slicesBinarySearch(s []string, x string) (int, bool) { return slices.BinarySearch(s, x) }

func quote(s string) string { return strconv.Quote(s) }

// closestPermission is the nearest known codename: the full name, or a
// codename without its app label completed.
func closestPermission(p string) string {
	if !strings.Contains(p, ".") {
		for _, k := range Permissions {
			if strings.HasSuffix(k, "."+p) {
				return k
			}
		}
	}
	return suggest.Closest(p, Permissions)
}
func init() { Register(role) }
