package emulator

import (
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// group is a core.Group.
type group struct {
	PK          string
	NumPK       int32
	Name        string
	IsSuperuser bool
	Parents     []string
	Users       []int32
	Attributes  json.RawMessage
	Roles       []string
}

type relatedGroupOut struct {
	PK          string          `json:"pk"`
	Name        string          `json:"name"`
	IsSuperuser bool            `json:"is_superuser"`
	Attributes  json.RawMessage `json:"attributes"`
	GroupUUID   string          `json:"group_uuid"`
}

type groupOut struct {
	PK          string            `json:"pk"`
	NumPK       int32             `json:"num_pk"`
	Name        string            `json:"name"`
	IsSuperuser bool              `json:"is_superuser"`
	Parents     []string          `json:"parents"`
	ParentsObj  []relatedGroupOut `json:"parents_obj"`
	Users       []int32           `json:"users"`
	UsersObj    []partialUserOut  `json:"users_obj"`
	Attributes  json.RawMessage   `json:"attributes"`
	Roles       []string          `json:"roles"`
	RolesObj    []any             `json:"roles_obj"`
	Children    []string          `json:"children"`
	ChildrenObj []relatedGroupOut `json:"children_obj"`
}

func relatedGroup(g *group) relatedGroupOut {
	return relatedGroupOut{PK: g.PK, Name: g.Name, IsSuperuser: g.IsSuperuser, Attributes: g.Attributes, GroupUUID: g.PK}
}

// groupFlags are the payload-changing list/detail query flags.
type groupFlags struct{ users, children, parents bool }

func flagsFrom(c *call) groupFlags {
	fl := groupFlags{users: true}
	if b, err := parseBool(c.last("include_users")); err == nil {
		fl.users = b
	}
	if b, err := parseBool(c.last("include_children")); err == nil {
		fl.children = b
	}
	if b, err := parseBool(c.last("include_parents")); err == nil {
		fl.parents = b
	}
	return fl
}

func (e *Emulator) renderGroup(g *group, fl groupFlags) map[string]any {
	out := groupOut{
		PK: g.PK, NumPK: g.NumPK, Name: g.Name, IsSuperuser: g.IsSuperuser,
		Parents: scramble(e.seed, g.Parents), Users: scramble(e.seed, g.Users), Attributes: g.Attributes,
		Roles: scramble(e.seed, g.Roles), RolesObj: []any{}, Children: []string{},
	}
	for _, pk := range out.Roles {
		if r := e.st.roleByPK(pk); r != nil {
			out.RolesObj = append(out.RolesObj, renderRole(r))
		}
	}
	children := e.st.childrenOf(g)
	for _, x := range children {
		out.Children = append(out.Children, x.PK)
	}
	out.Children = scramble(e.seed, out.Children)
	if fl.users {
		out.UsersObj = []partialUserOut{}
		for _, pk := range out.Users {
			if u := e.st.userByPK(pk); u != nil {
				out.UsersObj = append(out.UsersObj, renderPartialUser(u))
			}
		}
	}
	if fl.parents {
		out.ParentsObj = []relatedGroupOut{}
		for _, pk := range out.Parents {
			out.ParentsObj = append(out.ParentsObj, relatedGroup(e.st.groupByPK(pk)))
		}
	}
	if fl.children {
		out.ChildrenObj = []relatedGroupOut{}
		for _, x := range children {
			out.ChildrenObj = append(out.ChildrenObj, relatedGroup(x))
		}
	}
	m := toMap(out)
	e.applyOverrides("group", g.Name, m)
	return m
}

// numPK is Group.num_pk (authentik/core/models.py):
// int(str(self.pk.int)[:5]), the first five decimal digits of the uuid's
// integer value.
func numPK(uuid string) int32 {
	n, ok := new(big.Int).SetString(strings.ReplaceAll(uuid, "-", ""), 16)
	if !ok {
		return 0
	}
	d := n.String()
	if len(d) > 5 {
		d = d[:5]
	}
	v, _ := strconv.ParseInt(d, 10, 32)
	return int32(v)
}

// childrenOf lists the groups that have g as a parent, in store order.
func (s *state) childrenOf(g *group) []*group {
	if s.idx != nil {
		return s.childIndex()[g.PK]
	}
	var out []*group
	for _, x := range s.groups {
		if slices.Contains(x.Parents, g.PK) {
			out = append(out, x)
		}
	}
	return out
}

func (s *state) groupByPK(pk string) *group {
	if s.idx != nil {
		return s.groupIndex()[lowerKey(pk)]
	}
	for _, g := range s.groups {
		if strings.EqualFold(g.PK, pk) {
			return g
		}
	}
	return nil
}

func (s *state) groupRef(pk string) string {
	if g := s.groupByPK(pk); g != nil {
		return g.PK
	}
	return ""
}

func (s *state) userExists(pk int32) bool { return s.userByPK(pk) != nil }

func (e *Emulator) addGroup(name string, superuser bool, users ...int32) *group {
	g := &group{PK: e.newUUID(), Name: name, IsSuperuser: superuser,
		Parents: []string{}, Users: append([]int32{}, users...), Attributes: json.RawMessage(`{}`), Roles: []string{}}
	g.NumPK = numPK(g.PK)
	e.st.groups = append(e.st.groups, g)
	return g
}

func (e *Emulator) listGroups(c *call) resp {
	if r := e.checkRefFilters(c, nil, map[string]func(string) bool{
		"members_by_pk": func(v string) bool {
			n, err := strconv.ParseInt(v, 10, 32)
			return err == nil && e.st.userExists(int32(n))
		},
	}); r != nil {
		return *r
	}
	fl := flagsFrom(c)
	var attrFilter map[string]any
	if a := c.last("attributes"); a != "" {
		if err := json.Unmarshal([]byte(a), &attrFilter); err != nil {
			return fieldError("attributes", "filter: failed to parse JSON")
		}
	}
	var gs []*group
	for _, g := range e.st.groups {
		if !groupMatchesMembers(e.st, g, c) || !groupMatchesAttributes(g, attrFilter) {
			continue
		}
		gs = append(gs, g)
	}
	l := lazyList{n: len(gs), render: func(i int) map[string]any { return e.renderGroup(gs[i], fl) }}
	if len(e.overrides["group"]) == 0 {
		l.fast = func(i int, name string) (any, bool) {
			switch name {
			case "name":
				return gs[i].Name, true
			case "is_superuser":
				return gs[i].IsSuperuser, true
			}
			return nil, false
		}
	}
	return e.listLazy(c, l, listSpec{
		filters:      []filterSpec{exact("name", "name"), boolExact("is_superuser", "is_superuser")},
		searchFields: []string{"name", "is_superuser"},
		order:        []string{"name"},
	})
}

func groupMatchesMembers(s *state, g *group, c *call) bool {
	if pks := c.queryValues("members_by_pk"); len(pks) > 0 {
		ok := false
		for _, v := range pks {
			n, _ := strconv.ParseInt(v, 10, 32)
			for _, m := range g.Users {
				ok = ok || m == int32(n)
			}
		}
		if !ok {
			return false
		}
	}
	if names := c.queryValues("members_by_username"); len(names) > 0 {
		ok := false
		for _, m := range g.Users {
			if u := s.userByPK(m); u != nil && slices.Contains(names, u.Username) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func groupMatchesAttributes(g *group, want map[string]any) bool {
	if len(want) == 0 {
		return true
	}
	var have map[string]any
	_ = json.Unmarshal(g.Attributes, &have)
	for k, v := range want {
		a, _ := json.Marshal(have[k])
		b, _ := json.Marshal(v)
		if _, ok := have[k]; !ok || string(a) != string(b) {
			return false
		}
	}
	return true
}

func (e *Emulator) groupFromURL(c *call) (*group, *resp) {
	if !isUUID(c.id) {
		r := notFound()
		return nil, &r
	}
	g := e.st.groupByPK(c.id)
	if g == nil {
		r := noMatch("Group")
		return nil, &r
	}
	return g, nil
}

func (e *Emulator) getGroup(c *call) resp {
	g, r := e.groupFromURL(c)
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderGroup(g, flagsFrom(c))}
}

func (e *Emulator) createGroup(c *call) resp {
	g := &group{Parents: []string{}, Users: []int32{}, Attributes: json.RawMessage(`{}`), Roles: []string{}}
	if r := e.writeGroup(c, g, false); r.status != 0 {
		return r
	}
	g.PK = e.newUUID()
	g.NumPK = numPK(g.PK)
	e.st.groups = append(e.st.groups, g)
	return resp{status: http.StatusCreated, body: e.renderGroup(g, flagsFrom(c))}
}

func (e *Emulator) putGroup(c *call) resp   { return e.updateGroup(c, false) }
func (e *Emulator) patchGroup(c *call) resp { return e.updateGroup(c, true) }

func (e *Emulator) updateGroup(c *call, partial bool) resp {
	g, r := e.groupFromURL(c)
	if r != nil {
		return *r
	}
	next := *g
	if r := e.writeGroup(c, &next, partial); r.status != 0 {
		return r
	}
	*g = next
	return resp{status: 200, body: e.renderGroup(g, flagsFrom(c))}
}

// writeGroup validates a group body into g. users defaults to [] on create
// and PUT (extra_kwargs default=list), so a PUT without it clears it;
// parents is declared explicitly on GroupSerializer (authentik/core/api/
// groups.py), so its extra_kwargs default does not apply and a PUT without
// it keeps the parents.
func (e *Emulator) writeGroup(c *call, g *group, partial bool) resp {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return *perr
	}
	if f.str("name", true, false, &g.Name) {
		for _, x := range e.st.groups {
			if x.Name == g.Name && x.PK != g.PK {
				f.fail("name", "Group with this name already exists.")
			}
		}
	}
	f.boolean("is_superuser", &g.IsSuperuser)
	if !partial {
		g.Users = []int32{}
	}
	if f.uuidList("parents", false, e.st.groupRef, &g.Parents) && g.PK != "" && slices.Contains(g.Parents, g.PK) {
		f.fail("parents", "Cannot set group as parent of itself.")
	}
	f.intList("users", false, true, e.st.userExists, &g.Users)
	f.object("attributes", false, &g.Attributes)
	f.uuidList("roles", false, e.st.roleRef, &g.Roles)
	if !f.ok() {
		return f.result()
	}
	return resp{}
}

// deleteGroup removes the group, its bindings and its parent links.
func (e *Emulator) deleteGroup(c *call) resp {
	g, r := e.groupFromURL(c)
	if r != nil {
		return *r
	}
	for _, x := range e.st.groups {
		x.Parents = removeStr(x.Parents, g.PK)
	}
	bs := e.st.bindings[:0]
	for _, b := range e.st.bindings {
		if b.Group == nil || *b.Group != g.PK {
			bs = append(bs, b)
		}
	}
	e.st.bindings = bs
	e.st.clearStageRefs("group", g.PK) // user_write create_users_group: SET_DEFAULT None
	out := e.st.groups[:0]
	for _, x := range e.st.groups {
		if x != g {
			out = append(out, x)
		}
	}
	e.st.groups = out
	return resp{status: http.StatusNoContent}
}
