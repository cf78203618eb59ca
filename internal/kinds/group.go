package kinds

import "fmt"

// Groups (authentik/core/api/groups.py GroupSerializer). Members are never
// read or written (include_users=false, users omitted), so a PATCH never
// drops them; attributes are managed key by key.
var group = &Kind{
	Name:      "group",
	Section:   "groups",
	Path:      "core/groups/",
	ListQuery: map[string]string{"include_users": "false"},
	Model:     "authentik_core.group",
	Schema:    "GroupRequest",
	Key:       "name",
	PK:        "pk",
	Omit:      []string{"users"},
	Refs:      map[string]string{"parents": "group", "roles": "role"},
	Merge:     []string{"attributes"},
	// Exported with the applications whose access names them.
	ExportWhenNamed: true,
	Defaults:        map[string]any{"is_superuser": false, "attributes": map[string]any{}},
	Docs: map[string]string{
		"name":         "Group name, its key: an existing group of that name is adopted.",
		"is_superuser": "Whether members are authentik superusers; left alone when not declared.",
		"attributes":   "Group attributes (a map), managed key by key: keys not declared are kept.",
		"parents":      "Parent groups, by name.",
		"roles":        "The roles the group holds, by name: exactly these.",
	},
	Doc: "A group; provision never reads or writes its members.",
	// The list answers each group's member pks (users) even with
	// include_users=false, which drops only users_obj
	// (authentik/core/api/groups.py GroupSerializer): no extra request.
	DeleteWarning: func(key string, fields map[string]any) string {
		users, _ := fields["users"].([]any)
		switch len(users) {
		case 0:
			return ""
		case 1:
			return fmt.Sprintf("group %q has 1 member, who loses the group's memberships, bindings and roles", key)
		}
		return fmt.Sprintf("group %q has %d members, who lose the group's memberships, bindings and roles", key, len(users))
	},
}

func init() { Register(group) }
