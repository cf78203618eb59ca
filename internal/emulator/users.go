package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// user is a core.User. Only akadmin exists after seeding; AddUser adds more.
type user struct {
	PK         int32
	Username   string
	Name       string
	Email      string
	IsActive   bool
	Path       string
	Type       string
	Attributes json.RawMessage
	Roles      []string
	// Password is the raw password set through set_password/ (the
	// emulator keeps no hash); "" is unusable. Never rendered.
	Password string
	// PasswordChanges counts set_password/ calls (tests read it).
	PasswordChanges int
}

func (u *user) uid() string {
	h := sha256.Sum256([]byte("user:" + u.Username))
	return hex.EncodeToString(h[:])
}

func (e *Emulator) addUser(username, name string) *user {
	u := &user{PK: e.st.nextUserPK, Username: username, Name: name, Email: username + "@example.com",
		IsActive: true, Path: "users", Type: "internal", Attributes: json.RawMessage(`{}`), Roles: []string{}}
	e.st.nextUserPK++
	e.st.users = append(e.st.users, u)
	return u
}

func (s *state) userByPK(pk int32) *user {
	for _, u := range s.users {
		if u.PK == pk {
			return u
		}
	}
	return nil
}

// userGroups returns the groups the user is a direct member of, plus all
// their ancestors (authentik's User.all_groups()).
func (s *state) userGroups(pk int32) []*group {
	seen := map[string]bool{}
	var out []*group
	var add func(g *group)
	add = func(g *group) {
		if g == nil || seen[g.PK] {
			return
		}
		seen[g.PK] = true
		out = append(out, g)
		for _, p := range g.parents() {
			add(s.groupByPK(p))
		}
	}
	for _, g := range s.groups {
		for _, m := range g.users() {
			if m == pk {
				add(g)
			}
		}
	}
	return out
}

func (s *state) isSuperuser(pk int32) bool {
	for _, g := range s.userGroups(pk) {
		if g.isSuperuser() {
			return true
		}
	}
	return false
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

func renderPartialUser(u *user) partialUserOut {
	return partialUserOut{PK: u.PK, Username: u.Username, Name: u.Name, IsActive: true, Email: u.Email,
		Attributes: map[string]any{}, UID: u.uid()}
}

func (e *Emulator) me(c *httpapi.Call) httpapi.Resp {
	u := e.st.userByPK(c.User)
	// UserSelfSerializer.get_groups (authentik/core/api/users.py):
	// all_groups() (ancestors included), ordered by name.
	all := e.st.userGroups(u.PK)
	sort.SliceStable(all, func(i, j int) bool { return all[i].name() < all[j].name() })
	groups := []map[string]any{}
	for _, g := range all {
		groups = append(groups, map[string]any{"name": g.name(), "pk": g.PK})
	}
	return httpapi.Resp{Status: 200, Body: map[string]any{"user": map[string]any{
		"pk": u.PK, "username": u.Username, "name": u.Name, "is_active": true,
		"is_superuser": e.st.isSuperuser(u.PK), "groups": groups, "roles": []any{},
		"email": u.Email, "avatar": "/static/dist/assets/images/user_default.png", "uid": u.uid(),
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

// uuid is the user's uuid, derived from its username.
func (u *user) uuid() string {
	h := sha256.Sum256([]byte("user-uuid:" + u.Username))
	b := h[:16]
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
