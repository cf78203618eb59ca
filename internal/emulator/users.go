package emulator

import (
	"encoding/json"
	"sort"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

func (e *Emulator) addUser(username, name string) *store.User {
	u := &store.User{PK: e.st.NextUserPK, Username: username, Name: name, Email: username + "@example.com",
		IsActive: true, Path: "users", Type: "internal", Attributes: json.RawMessage(`{}`), Roles: []string{}}
	e.st.NextUserPK++
	e.st.Users = append(e.st.Users, u)
	return u
}

type partialUserOut struct {
	PK         int32          `json:"pk"`
	Username   string         `json:"username"`
	Name       string         `json:"name"`
	IsActive   bool           `json:"is_active"`
	LastLogin  *string        `json:"last_login"`
	Email      string         `json:"email"`
	Attributes map[string]any `json:"attributes"`
	UID        string         `json:"uid"`
}

func renderPartialUser(u *store.User) partialUserOut {
	return partialUserOut{PK: u.PK, Username: u.Username, Name: u.Name, IsActive: true, Email: u.Email,
		Attributes: map[string]any{}, UID: u.UID()}
}

func (e *Emulator) me(c *httpapi.Call) httpapi.Resp {
	u := e.st.UserByPK(c.User)
	// UserSelfSerializer.get_groups (authentik/core/api/users.py):
	// all_groups() (ancestors included), ordered by name.
	all := e.st.UserGroups(u.PK)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name() < all[j].Name() })
	groups := []map[string]any{}
	for _, g := range all {
		groups = append(groups, map[string]any{"name": g.Name(), "pk": g.PK})
	}
	return httpapi.Resp{Status: 200, Body: map[string]any{"user": map[string]any{
		"pk": u.PK, "username": u.Username, "name": u.Name, "is_active": true,
		"is_superuser": e.st.IsSuperuser(u.PK), "groups": groups, "roles": []any{},
		"email": u.Email, "avatar": "/static/dist/assets/images/user_default.png", "uid": u.UID(),
		"settings": map[string]any{}, "type": "internal", "system_permissions": []string{},
	}}}
}

func (e *Emulator) version(c *httpapi.Call) httpapi.Resp {
	return httpapi.Resp{Status: 200, Body: map[string]any{
		"version_current": "2026.2.2", "version_latest": "2026.2.2", "version_latest_valid": true,
		"build_hash": "", "outdated": false, "outpost_outdated": false,
	}}
}

func (e *Emulator) rootConfig(c *httpapi.Call) httpapi.Resp {
	return httpapi.Resp{Status: 200, Body: map[string]any{
		"error_reporting": map[string]any{"enabled": false, "sentry_dsn": "", "environment": "customer",
			"send_pii": false, "traces_sample_rate": 0.1},
		"capabilities":           []string{"can_save_media", "can_geo_ip", "can_asn", "can_impersonate"},
		"cache_timeout":          300,
		"cache_timeout_flows":    300,
		"cache_timeout_policies": 300,
	}}
}
