package emulator

import (
	"encoding/json"
	"maps"
	"net/http"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// System settings, as authentik/tenants/api/settings.py (SettingsView, a
// RetrieveUpdateAPIView on the request's tenant: GET, PUT and PATCH of
// admin/settings/, no list, no pk; SettingsSerializer) on
// authentik/tenants/models.py (Tenant). get_permissions asks
// authentik_rbac.view_system_settings for safe methods and
// authentik_rbac.edit_system_settings otherwise.

// settingsDefaults are a fresh install's: the Tenant model's field
// defaults (flags: default=dict).
func settingsDefaults() map[string]any {
	return map[string]any{
		"avatars":                      "gravatar,initials",
		"default_user_change_name":     true,
		"default_user_change_email":    false,
		"default_user_change_username": false,
		"event_retention":              "days=365",
		"reputation_lower_limit":       -5,
		"reputation_upper_limit":       5,
		"footer_links":                 []any{},
		"gdpr_compliance":              true,
		"impersonation":                true,
		"impersonation_require_reason": true,
		"default_token_duration":       "days=1",
		"default_token_length":         60,
		"pagination_default_page_size": 20,
		"pagination_max_page_size":     100,
		"flags":                        map[string]any{},
	}
}

func (e *Emulator) settingsRoute() route {
	return route{prefix: "admin/settings/", noDetail: true, collection: map[string]handler{
		http.MethodGet:   e.getSettings,
		http.MethodPut:   func(c *httpapi.Call) httpapi.Resp { return e.writeSettings(c, false) },
		http.MethodPatch: func(c *httpapi.Call) httpapi.Resp { return e.writeSettings(c, true) },
	}}
}

func (e *Emulator) settings() map[string]any {
	if e.st.Settings == nil {
		e.st.Settings = settingsDefaults()
	}
	return e.st.Settings
}

func (e *Emulator) getSettings(c *httpapi.Call) httpapi.Resp {
	if !e.hasPerm(c.User, "authentik_rbac.view_system_settings") {
		return httpapi.Detail(http.StatusForbidden, msgNoPermission)
	}
	return httpapi.Resp{Status: http.StatusOK, Body: maps.Clone(e.settings())}
}

// writeSettings is SettingsSerializer's validation and save: every field
// optional but flags (a FlagJSONField, required on PUT); the models'
// validators (timedelta_string_validator, Max/MinValueValidator,
// PositiveIntegerField's 0 floor).
func (e *Emulator) writeSettings(c *httpapi.Call, partial bool) httpapi.Resp {
	if !e.hasPerm(c.User, "authentik_rbac.edit_system_settings") {
		return httpapi.Detail(http.StatusForbidden, msgNoPermission)
	}
	f, perr := httpapi.ParseForm(c.Body, partial)
	if perr != nil {
		return *perr
	}
	next := maps.Clone(e.settings())
	for _, k := range []string{"avatars", "event_retention", "default_token_duration"} {
		var s string
		if f.Str(k, false, false, &s) {
			if k != "avatars" {
				if msg, crash := httpapi.DurationError(s); crash {
					f.Crash(k)
				} else if msg != "" {
					f.Fail(k, msg)
				}
			}
			next[k] = s
		}
	}
	for _, k := range []string{"default_user_change_name", "default_user_change_email", "default_user_change_username",
		"gdpr_compliance", "impersonation", "impersonation_require_reason"} {
		var b bool
		if f.Boolean(k, &b) {
			next[k] = b
		}
	}
	const maxInt, minInt = 2147483647, -2147483648
	for _, x := range []struct {
		k        string
		min, max int64
	}{
		{"reputation_lower_limit", minInt, 0}, {"reputation_upper_limit", 0, maxInt},
		{"default_token_length", 1, maxInt}, {"pagination_default_page_size", 0, maxInt},
		{"pagination_max_page_size", 0, maxInt},
	} {
		var n int
		if f.Integer(x.k, false, x.min, x.max, &n) {
			next[x.k] = n
		}
	}
	if f.Take("footer_links", false, false) {
		var v any
		_ = json.Unmarshal(f.Raw["footer_links"], &v)
		next["footer_links"] = v
	}
	var flags json.RawMessage
	if f.Object("flags", true, &flags) {
		var v map[string]any
		_ = json.Unmarshal(flags, &v)
		next["flags"] = v
	}
	if !f.Ok() {
		return f.Result()
	}
	e.st.Settings = next
	return httpapi.Resp{Status: http.StatusOK, Body: maps.Clone(next)}
}
