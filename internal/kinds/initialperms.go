package kinds

// RBAC initial permissions (authentik/rbac/models.py InitialPermissions at
// 2026.2.2; api/initial_permissions.py InitialPermissionsSerializer):
// when a user holding the role creates an object, authentik gives the role
// these permissions on it. Keyed by name (unique=True); role by name
// (ForeignKey, on_delete=CASCADE: the role's delete takes it along);
// permissions by codename, which authentik takes as Permission ids
// (/rbac/permissions/ lists them), so they reference the permission kind
// below. Earlier releases' mode (user or role) is gone: the model has no such field.
var initialPermissions = &Kind{
	Name:     "initial permissions",
	Section:  "initial_permissions",
	Path:     "rbac/initial_permissions/",
	Model:    "authentik_rbac.initialpermissions",
	Schema:   "InitialPermissionsRequest",
	Key:      "name",
	PK:       "pk",
	Refs:     map[string]string{"role": "role", "permissions": "permission"},
	Defaults: map[string]any{"permissions": []any{}},
	Check:    checkInitialPermissions,
	Gone: map[string]string{
		"mode": "authentik 2026.2.2's initial permissions have no mode: they always go to the role; remove mode",
	},
	Docs: map[string]string{
		"name":        "Name, its key.",
		"role":        "The role given the permissions on each object its holders create, by name.",
		"permissions": "The permissions given, by codename (authentik_core.view_application); an object's own permissions only apply to objects of that model.",
	},
	Doc: "RBAC initial permissions: the permissions a role gets on each object its holders create.",
}

// permission is authentik's Permission (django.contrib.auth), read from
// /rbac/permissions/ (RBACPermissionViewSet, PermissionSerializer: id,
// codename, app_label...) and named by app_label.codename: only
// references name it.
var permission = &Kind{
	Name:  "permission",
	Path:  "rbac/permissions/",
	Key:   "codename",
	KeyOf: func(it map[string]any) string { return str(it["app_label"]) + "." + str(it["codename"]) },
	PK:    "id",
	Doc:   "A permission, by app_label.codename.",
}

func str(v any) string { s, _ := v.(string); return s }

func checkInitialPermissions(_ string, fields map[string]any, _ bool) []Problem {
	var out []Problem
	ps, _ := fields["permissions"].([]string)
	for _, p := range ps {
		if msg := permissionProblem(p); msg != "" {
			out = append(out, Problem{Field: "permissions", Msg: msg})
		}
	}
	return out
}

func init() { Register(initialPermissions, permission) }
