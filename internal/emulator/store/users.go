package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// User is a core.User. Only akadmin exists after seeding; AddUser adds more.
type User struct {
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

func (u *User) UID() string {
	h := sha256.Sum256([]byte("user:" + u.Username))
	return hex.EncodeToString(h[:])
}

func (s *State) UserByPK(pk int32) *User {
	for _, u := range s.Users {
		if u.PK == pk {
			return u
		}
	}
	return nil
}

// UserGroups returns the groups the user is a direct member of, plus all
// their ancestors (authentik's User.all_groups()).
func (s *State) UserGroups(pk int32) []*Group {
	seen := map[string]bool{}
	var out []*Group
	var add func(g *Group)
	add = func(g *Group) {
		if g == nil || seen[g.PK] {
			return
		}
		seen[g.PK] = true
		out = append(out, g)
		for _, p := range g.Parents() {
			add(s.GroupByPK(p))
		}
	}
	for _, g := range s.Groups {
		for _, m := range g.Users() {
			if m == pk {
				add(g)
			}
		}
	}
	return out
}

func (s *State) IsSuperuser(pk int32) bool {
	for _, g := range s.UserGroups(pk) {
		if g.IsSuperuser() {
			return true
		}
	}
	return false
}

// UUID is the user's uuid, derived from its username.
func (u *User) UUID() string {
	h := sha256.Sum256([]byte("user-uuid:" + u.Username))
	b := h[:16]
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
