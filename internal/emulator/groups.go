package emulator

import (
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Groups, as authentik/core/api/groups.py (GroupSerializer, GroupViewSet,
// GroupFilter) on authentik/core/models.py (Group: name unique). The
// serializer's fields live in Attrs; num_pk, the *_obj lists and children
// are computed.

type group struct {
	PK    string
	NumPK int32
	Attrs map[string]any // name, is_superuser, parents, users, attributes, roles
}

func (g *group) name() string      { return httpapi.FmtVal(g.Attrs["name"]) }
func (g *group) isSuperuser() bool { return g.Attrs["is_superuser"] == true }
func (g *group) parents() []string { l, _ := g.Attrs["parents"].([]string); return l }
func (g *group) users() []int32    { l, _ := g.Attrs["users"].([]int32); return l }
func (g *group) attributes() json.RawMessage {
	r, _ := g.Attrs["attributes"].(json.RawMessage)
	return r
}

// users has extra_kwargs default=list, so a PUT without it clears the
// members; parents is declared on GroupSerializer itself, so its default
// does not apply and a PUT without it keeps the parents.
var groupFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact", unique: "Group with this name already exists."},
	{name: "is_superuser", typ: ftBool, def: false, filter: "exact"},
	{name: "parents", typ: ftRefList, ref: "group", allowEmpty: true, def: []string{}, unordered: true},
	{name: "users", typ: ftIntRefList, ref: "user", def: []int32{}, putDefault: true, unordered: true},
	{name: "attributes", typ: ftObject, def: json.RawMessage(`{}`)},
	{name: "roles", typ: ftRefList, ref: "role", allowEmpty: true, def: []string{}, unordered: true},
}

var groupKind = &kindDef[*group]{
	// No metaModel: blueprints do not seed groups; the one group of a
	// fresh install, system/bootstrap.yaml's admin group (its name is a
	// !Context value), is seeded in seed.go with the akadmin user.
	kind: "group", model: "Group", prefix: "core/groups/", fields: groupFields,
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "is_superuser"},
		Order:        []string{"name"},
	},
	refFilters: func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		return nil, map[string]func(string) bool{
			"members_by_pk": func(v string) bool {
				n, err := strconv.ParseInt(v, 10, 32)
				return err == nil && e.st.userExists(int32(n))
			},
		}
	},
	// GroupFilter: members_by_pk, members_by_username, and attributes
	// (a JSON object matched key by key).
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*group) bool, *httpapi.Resp) {
		var attrFilter map[string]any
		if a := c.Last("attributes"); a != "" {
			if err := json.Unmarshal([]byte(a), &attrFilter); err != nil {
				r := httpapi.FieldError("attributes", "filter: failed to parse JSON")
				return nil, &r
			}
		}
		return func(g *group) bool {
			return groupMatchesMembers(e.st, g, c) && groupMatchesAttributes(g, attrFilter)
		}, nil
	},
	all: func(e *Emulator) []*group { return e.st.groups },
	byID: func(e *Emulator, id string) (*group, bool) {
		g := e.st.groupByPK(id)
		return g, g != nil
	},
	fresh:  func(e *Emulator) *group { return &group{Attrs: map[string]any{}} },
	clone:  func(g *group) *group { n := *g; n.Attrs = cloneAttrs(g.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *group) { *dst = *src },
	insert: func(e *Emulator, g *group) {
		g.PK = e.newUUID()
		g.NumPK = numPK(g.PK)
		e.st.groups = append(e.st.groups, g)
	},
	remove: func(e *Emulator, g *group) { e.st.deleteGroup(g) },
	attrs:  func(g *group) map[string]any { return g.Attrs },
	key:    func(g *group) string { return g.name() },
	pk:     func(g *group) string { return g.PK },
	// GroupSerializer.validate_parents.
	fieldChecks: func(e *Emulator, f *httpapi.Form, g *group) {
		if f.Has("parents") && f.Errs["parents"] == nil && g.PK != "" && slices.Contains(g.parents(), g.PK) {
			f.Fail("parents", "Cannot set group as parent of itself.")
		}
	},
	render: func(e *Emulator, c *httpapi.Call, g *group) map[string]any {
		return e.renderGroupComputed(g, flagsFrom(c))
	},
}

type relatedGroupOut struct {
	PK          string          `json:"pk"`
	Name        string          `json:"name"`
	IsSuperuser bool            `json:"is_superuser"`
	Attributes  json.RawMessage `json:"attributes"`
	GroupUUID   string          `json:"group_uuid"`
}

func relatedGroup(g *group) relatedGroupOut {
	return relatedGroupOut{PK: g.PK, Name: g.name(), IsSuperuser: g.isSuperuser(), Attributes: g.attributes(), GroupUUID: g.PK}
}

// groupFlags are the payload-changing list/detail query flags.
type groupFlags struct{ users, children, parents bool }

func flagsFrom(c *httpapi.Call) groupFlags {
	fl := groupFlags{users: true}
	if c == nil {
		return fl
	}
	if b, err := httpapi.ParseBool(c.Last("include_users")); err == nil {
		fl.users = b
	}
	if b, err := httpapi.ParseBool(c.Last("include_children")); err == nil {
		fl.children = b
	}
	if b, err := httpapi.ParseBool(c.Last("include_parents")); err == nil {
		fl.parents = b
	}
	return fl
}

// renderGroupComputed renders GroupSerializer's read-only fields: num_pk,
// children, roles_obj, and users_obj / parents_obj / children_obj as the
// include_* flags ask (GroupViewSet.get_serializer).
func (e *Emulator) renderGroupComputed(g *group, fl groupFlags) map[string]any {
	rolesObj := []any{}
	for _, pk := range scramble(e.seed, g.roles()) {
		if r := e.st.roleByPK(pk); r != nil {
			rolesObj = append(rolesObj, renderRole(r))
		}
	}
	m := map[string]any{"pk": g.PK, "num_pk": json.Number(strconv.Itoa(int(g.NumPK))), "roles_obj": rolesObj}
	children := e.st.childrenOf(g)
	pks := []string{}
	for _, x := range children {
		pks = append(pks, x.PK)
	}
	m["children"] = renderValue(scramble(e.seed, pks))
	m["users_obj"], m["parents_obj"], m["children_obj"] = nil, nil, nil
	if fl.users {
		objs := []partialUserOut{}
		for _, pk := range scramble(e.seed, g.users()) {
			if u := e.st.userByPK(pk); u != nil {
				objs = append(objs, renderPartialUser(u))
			}
		}
		m["users_obj"] = toMapList(objs)
	}
	if fl.parents {
		objs := []relatedGroupOut{}
		for _, pk := range scramble(e.seed, g.parents()) {
			objs = append(objs, relatedGroup(e.st.groupByPK(pk)))
		}
		m["parents_obj"] = toMapList(objs)
	}
	if fl.children {
		objs := []relatedGroupOut{}
		for _, x := range children {
			objs = append(objs, relatedGroup(x))
		}
		m["children_obj"] = toMapList(objs)
	}
	return m
}

// toMapList renders a list of response structs.
func toMapList[T any](objs []T) []any {
	out := make([]any, len(objs))
	for i, o := range objs {
		out[i] = httpapi.ToMap(o)
	}
	return out
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
		if slices.Contains(x.parents(), g.PK) {
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
	g := &group{PK: e.newUUID(), Attrs: map[string]any{"name": name, "is_superuser": superuser,
		"parents": []string{}, "users": append([]int32{}, users...), "attributes": json.RawMessage(`{}`),
		"roles": []string{}}}
	g.NumPK = numPK(g.PK)
	e.st.groups = append(e.st.groups, g)
	return g
}

func groupMatchesMembers(s *state, g *group, c *httpapi.Call) bool {
	if pks := c.QueryValues("members_by_pk"); len(pks) > 0 {
		ok := false
		for _, v := range pks {
			n, _ := strconv.ParseInt(v, 10, 32)
			for _, m := range g.users() {
				ok = ok || m == int32(n)
			}
		}
		if !ok {
			return false
		}
	}
	if names := c.QueryValues("members_by_username"); len(names) > 0 {
		ok := false
		for _, m := range g.users() {
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
	_ = json.Unmarshal(g.attributes(), &have)
	for k, v := range want {
		a, _ := json.Marshal(have[k])
		b, _ := json.Marshal(v)
		if _, ok := have[k]; !ok || string(a) != string(b) {
			return false
		}
	}
	return true
}

// deleteGroup removes the group, its bindings and its parent links.
func (s *state) deleteGroup(g *group) {
	for _, x := range s.groups {
		x.Attrs["parents"] = removeStr(x.parents(), g.PK)
	}
	bs := s.bindings[:0]
	for _, b := range s.bindings {
		if b.Attrs["group"] != g.PK {
			bs = append(bs, b)
		}
	}
	s.bindings = bs
	s.clearStageRefs("group", g.PK) // user_write create_users_group: SET_DEFAULT None
	s.groups = slices.DeleteFunc(s.groups, func(x *group) bool { return x == g })
}
