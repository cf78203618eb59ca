package store

import "strings"

// Role is an rbac.Role with its global permissions (app_label.codename)
// and its permissions on single objects (guardian's RoleObjectPermission,
// deleted with the role, never with the object).
type Role struct {
	PK       string
	Name     string
	Managed  *string
	Perms    []string
	ObjPerms []ObjectPerm
}

// ObjectPerm is one permission of a role on one object.
type ObjectPerm struct {
	ID       int
	Codename string
	AppLabel string
	Model    string
	ObjectPK string
}

// APIToken is a core.Token made through the API.
type APIToken struct {
	PK          string
	Identifier  string
	Key         string
	Intent      string
	User        int32
	Description string
	Expires     *string
	Expiring    bool
	Managed     *string
}

func (s *State) RoleByPK(pk string) *Role {
	for _, r := range s.Roles {
		if strings.EqualFold(r.PK, pk) {
			return r
		}
	}
	return nil
}

func (g *Group) Roles() []string { l, _ := g.Attrs["roles"].([]string); return l }

func (s *State) RoleRef(pk string) string {
	if r := s.RoleByPK(pk); r != nil {
		return r.PK
	}
	return ""
}

// TokenUser is the user an API token made through the API authenticates
// (intent api, not expired: the emulator's tokens never expire). An
// outpost's token has no key until it is first viewed.
func (s *State) TokenUser(key string) (int32, bool) {
	for _, t := range s.Tokens {
		if key != "" && t.Key == key && t.Intent == "api" {
			return t.User, true
		}
	}
	return 0, false
}
