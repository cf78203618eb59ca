package kinds

import "fmt"

// Users (authentik/core/models.py User, api/users.py UserSerializer),
// keyed by username. groups: is the user's membership, exactly the groups
// listed; roles: the roles assigned to the user directly, exactly those
// listed (UserSerializer.roles, a writable PrimaryKeyRelatedField at
// 2026.2.2; a group's roles: are the other way). The password is not a
// field of UserSerializer outside blueprints: provision sets it once,
// through set_password/, when it creates the user, and never again (a
// reset would trip password history and undo the user's own change).
var user = &Kind{
	Name: "user",
	// authentik/core/models.py: sessions and tokens reference the user
	// with on_delete=CASCADE.
	DeleteNote: "authentik deletes the user's sessions and tokens with it",
	DeleteWarning: func(key string, _ map[string]any) string {
		return fmt.Sprintf("user %q loses their sessions (signed out everywhere) and their API tokens and app passwords", key)
	},
	Section:  "users",
	Path:     "core/users/",
	Model:    "authentik_core.user",
	Schema:   "UserRequest",
	Key:      "username",
	PK:       "pk",
	Omit:     []string{"last_login"},
	Refs:     map[string]string{"groups": "group", "roles": "role"},
	Merge:    []string{"attributes"},
	Defaults: map[string]any{"is_active": true, "path": "users", "type": "internal", "attributes": map[string]any{}, "email": ""},
	Extra: []Field{{Name: "password", Type: String, Secret: true, Once: true, SensitiveOnly: true,
		Doc: "The password, from a sensitive variable only: set once, when provision creates the user; later runs never reset it."}},
	// authentik 2025.12 made access control role-only and deleted
	// rbac/permissions/assigned_by_users/ and rbac/permissions/users/
	// (website/docs/releases/2025/v2025.12.md, "User permissions"; absent
	// at version/2026.2.2 and from schema.yml).
	Gone: map[string]string{
		"permissions": "since 2025.12 authentik gives permissions to roles only: declare a role with these permissions (roles: - name: NAME, permissions: [...]) and give it to the user (roles: [NAME])",
	},
	Docs: map[string]string{
		"username":   "Username, the user's key: an existing user of that name is adopted.",
		"groups":     "The groups the user is a direct member of, by name: exactly these (others are left).",
		"roles":      "The roles assigned to the user directly, by name: exactly these (a group's roles reach its members too).",
		"attributes": "User attributes (a map), managed key by key: keys not declared are kept.",
	},
	// An internal service account is authentik's own: it makes one for
	// each outpost and SCIM source (scim_source_post_save), and the API
	// refuses to create one (UserSerializer.validate_type).
	Own: func(fields map[string]any) bool { return fields["type"] == "internal_service_account" },
	Doc: "A user or service account; its password is set once, at create.",
}

func init() { Register(user) }
