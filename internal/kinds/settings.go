package kinds

// System settings (authentik/tenants/api/settings.py SettingsView and
// SettingsSerializer on authentik/tenants/models.py Tenant): one object
// that always exists, read with GET and changed with PATCH of
// admin/settings/, with no key and no pk. The Terraform provider calls it
// authentik_system_settings. Its permissions are
// authentik_rbac.view_system_settings and edit_system_settings, so Model
// names that pair (no model of that name exists: the permissions belong to
// authentik_rbac's SystemPermission).
var systemSettings = &Kind{
	Name:      "system_settings",
	Noun:      "system settings",
	Section:   "system_settings",
	Path:      "admin/settings/",
	Model:     "authentik_rbac.system_settings",
	Schema:    "SettingsRequest",
	Singleton: true,
	// flags are authentik's feature flags, not settings: PUT requires the
	// whole object, and a manifest leaves them to authentik.
	Omit: []string{"flags"},
	// Tenant's model defaults.
	Defaults: map[string]any{
		"avatars": "gravatar,initials", "default_user_change_name": true, "default_user_change_email": false,
		"default_user_change_username": false, "event_retention": "days=365", "reputation_lower_limit": -5,
		"reputation_upper_limit": 5, "footer_links": []any{}, "gdpr_compliance": true, "impersonation": true,
		"impersonation_require_reason": true, "default_token_duration": "days=1", "default_token_length": 60,
		"pagination_default_page_size": 20, "pagination_max_page_size": 100,
	},
	Docs: map[string]string{
		"footer_links": "Links shown in the footer of flow pages: a list of {name, href}.",
	},
	Doc: "authentik's system settings (Admin > System > Settings): one mapping, only its declared fields are managed.",
}

func init() { Register(systemSettings) }
