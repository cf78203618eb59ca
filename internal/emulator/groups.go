package emulator

import (
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Groups, as authentik/core/api/groups.py (GroupSerializer, GroupViewSet,
// GroupFilter) on authentik/core/models.py (Group: name unique). The
// serializer's fields live in Attrs; num_pk, the *_obj lists and children
// are computed.

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

var groupKind = &kindDef[*store.Group]{
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
				return err == nil && e.st.UserExists(int32(n))
			},
		}
	},
	// GroupFilter: members_by_pk, members_by_username, and attributes
	// (a JSON object matched key by key).
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*store.Group) bool, *httpapi.Resp) {
		var attrFilter map[string]any
		if a := c.Last("attributes"); a != "" {
			if err := json.Unmarshal([]byte(a), &attrFilter); err != nil {
				r := httpapi.FieldError("attributes", "filter: failed to parse JSON")
				return nil, &r
			}
		}
		return func(g *store.Group) bool {
			return groupMatchesMembers(e.st, g, c) && groupMatchesAttributes(g, attrFilter)
		}, nil
	},
	all: func(e *Emulator) []*store.Group { return e.st.Groups },
	byID: func(e *Emulator, id string) (*store.Group, bool) {
		g := e.st.GroupByPK(id)
		return g, g != nil
	},
	fresh:  func(e *Emulator) *store.Group { return &store.Group{Attrs: map[string]any{}} },
	clone:  func(g *store.Group) *store.Group { n := *g; n.Attrs = cloneAttrs(g.Attrs); return &n },
	commit: func(_ *Emulator, dst, src *store.Group) { *dst = *src },
	insert: func(e *Emulator, g *store.Group) {
		g.PK = e.newUUID()
		g.NumPK = numPK(g.PK)
		e.st.Groups = append(e.st.Groups, g)
	},
	remove: func(e *Emulator, g *store.Group) { e.st.DeleteGroup(g) },
	attrs:  func(g *store.Group) map[string]any { return g.Attrs },
	key:    func(g *store.Group) string { return g.Name() },
	pk:     func(g *store.Group) string { return g.PK },
	// GroupSerializer.validate_parents.
	fieldChecks: func(e *Emulator, f *httpapi.Form, g *store.Group) {
		if f.Has("parents") && f.Errs["parents"] == nil && g.PK != "" && slices.Contains(g.Parents(), g.PK) {
			f.Fail("parents", "Cannot set group as parent of itself.")
		}
	},
	render: func(e *Emulator, c *httpapi.Call, g *store.Group) map[string]any {
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

func relatedGroup(g *store.Group) relatedGroupOut {
	return relatedGroupOut{PK: g.PK, Name: g.Name(), IsSuperuser: g.IsSuperuser(), Attributes: g.Attributes(), GroupUUID: g.PK}
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
func (e *Emulator) renderGroupComputed(g *store.Group, fl groupFlags) map[string]any {
	rolesObj := []any{}
	for _, pk := range scramble(e.seed, g.Roles()) {
		if r := e.st.RoleByPK(pk); r != nil {
			rolesObj = append(rolesObj, renderRole(r))
		}
	}
	m := map[string]any{"pk": g.PK, "num_pk": json.Number(strconv.Itoa(int(g.NumPK))), "roles_obj": rolesObj}
	children := e.st.ChildrenOf(g)
	pks := []string{}
	for _, x := range children {
		pks = append(pks, x.PK)
	}
	m["children"] = renderValue(scramble(e.seed, pks))
	m["users_obj"], m["parents_obj"], m["children_obj"] = nil, nil, nil
	if fl.users {
		objs := []partialUserOut{}
		for _, pk := range scramble(e.seed, g.Users()) {
			if u := e.st.UserByPK(pk); u != nil {
				objs = append(objs, renderPartialUser(u))
			}
		}
		m["users_obj"] = toMapList(objs)
	}
	if fl.parents {
		objs := []relatedGroupOut{}
		for _, pk := range scramble(e.seed, g.Parents()) {
			objs = append(objs, relatedGroup(e.st.GroupByPK(pk)))
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

func (e *Emulator) addGroup(name string, superuser bool, users ...int32) *store.Group {
	g := &store.Group{PK: e.newUUID(), Attrs: map[string]any{"name": name, "is_superuser": superuser,
		"parents": []string{}, "users": append([]int32{}, users...), "attributes": json.RawMessage(`{}`),
		"roles": []string{}}}
	g.NumPK = numPK(g.PK)
	e.st.Groups = append(e.st.Groups, g)
	return g
}

func groupMatchesMembers(s *store.State, g *store.Group, c *httpapi.Call) bool {
	if pks := c.QueryValues("members_by_pk"); len(pks) > 0 {
		ok := false
		for _, v := range pks {
			n, _ := strconv.ParseInt(v, 10, 32)
			for _, m := range g.Users() {
				ok = ok || m == int32(n)
			}
		}
		if !ok {
			return false
		}
	}
	if names := c.QueryValues("members_by_username"); len(names) > 0 {
		ok := false
		for _, m := range g.Users() {
			if u := s.UserByPK(m); u != nil && slices.Contains(names, u.Username) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func groupMatchesAttributes(g *store.Group, want map[string]any) bool {
	if len(want) == 0 {
		return true
	}
	var have map[string]any
	_ = json.Unmarshal(g.Attributes(), &have)
	for k, v := range want {
		a, _ := json.Marshal(have[k])
		b, _ := json.Marshal(v)
		if _, ok := have[k]; !ok || string(a) != string(b) {
			return false
		}
	}
	return true
}
