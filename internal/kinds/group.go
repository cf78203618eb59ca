package kinds

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
	Omit:      []string{"users", "roles"},
	Refs:      map[string]string{"parents": "group"},
	Merge:     []string{"attributes"},
	// Exported with the applications whose access names them.
	ExportWhenNamed: true,
	Defaults:        map[string]any{"is_superuser": false, "attributes": map[string]any{}},
	Docs: map[string]string{
		"name":         "Group name, its key: an existing group of that name is adopted.",
		"is_superuser": "Whether members are authentik superusers; left alone when not declared.",
		"attributes":   "Group attributes (a map), managed key by key: keys not declared are kept.",
		"parents":      "Parent groups, by name.",
	},
	Doc: "A group; provision never reads or writes its members.",
}

func init() { Register(group) }
