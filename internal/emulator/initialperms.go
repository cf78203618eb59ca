package emulator

import (
	"slices"
	"strconv"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// RBAC initial permissions at authentik 2026.2.2: authentik/rbac/models.py
// InitialPermissions (name: TextField(max_length=150, unique=True); role:
// ForeignKey(Role, on_delete=CASCADE); permissions: ManyToManyField(
// Permission, blank=True)), served by authentik/rbac/api/
// initial_permissions.py (InitialPermissionsSerializer: pk, name, role,
// permissions, permissions_obj read-only; InitialPermissionsViewSet,
// filter and search on name, ordered by pk). Permissions are named by
// their integer id, as /rbac/permissions/ lists them. authentik gives the
// permissions on each object a user creates to the role (rbac/signals.py);
// the emulator stores the rule only. Earlier releases' mode (user or role) is gone:
// schema.yml has no such field.

var initialPermsFields = []fieldDef{
	{name: "name", typ: ftString, required: true, filter: "exact", maxLength: 150,
		unique: "initial permissions with this name already exists."},
	{name: "role", typ: ftRef, ref: "role", required: true},
	{name: "permissions", typ: ftIntRefList, ref: "permission", allowEmpty: true, def: []int32{}, unordered: true},
}

var initialPermsKind = &kindDef[*store.Object]{
	kind: "initialpermissions", model: "InitialPermissions", metaModel: "authentik_rbac.initialpermissions",
	prefix: "rbac/initial_permissions/", intPK: true, fields: initialPermsFields,
	list: httpapi.ListSpec{SearchFields: []string{"name"}, Order: []string{"pk"}},
	all:  func(e *Emulator) []*store.Object { return e.st.InitialPerms },
	byID: func(e *Emulator, id string) (*store.Object, bool) {
		for _, x := range e.st.InitialPerms {
			if x.PK == id {
				return x, true
			}
		}
		return nil, false
	},
	fresh:  func(e *Emulator) *store.Object { return &store.Object{Attrs: map[string]any{}} },
	clone:  func(o *store.Object) *store.Object { return &store.Object{PK: o.PK, Attrs: cloneAttrs(o.Attrs)} },
	commit: func(_ *Emulator, dst, src *store.Object) { dst.Attrs = src.Attrs },
	insert: func(e *Emulator, o *store.Object) {
		e.st.InitialPermsSeq++
		o.PK = strconv.Itoa(e.st.InitialPermsSeq)
		e.st.InitialPerms = append(e.st.InitialPerms, o)
	},
	remove: func(e *Emulator, o *store.Object) {
		e.st.InitialPerms = slices.DeleteFunc(e.st.InitialPerms, func(x *store.Object) bool { return x == o })
	},
	attrs: func(o *store.Object) map[string]any { return o.Attrs },
	key:   func(o *store.Object) string { return httpapi.FmtVal(o.Attrs["name"]) },
	pk:    func(o *store.Object) string { return o.PK },
	render: func(e *Emulator, c *httpapi.Call, o *store.Object) map[string]any {
		pk, _ := strconv.Atoi(o.PK)
		objs := []any{}
		ids, _ := o.Attrs["permissions"].([]int32)
		for _, id := range ids {
			if id >= 1 && int(id) <= len(permissionCatalogue) {
				objs = append(objs, renderPermission(int(id), permissionCatalogue[id-1]))
			}
		}
		return map[string]any{"pk": pk, "permissions_obj": objs}
	},
}

// deleteRoleInitialPerms is the role FK's on_delete=CASCADE.
func (e *Emulator) deleteRoleInitialPerms(rolePK string) {
	e.st.InitialPerms = slices.DeleteFunc(e.st.InitialPerms, func(x *store.Object) bool {
		return httpapi.FmtVal(x.Attrs["role"]) == rolePK
	})
}

func init() { genericKinds = append(genericKinds, initialPermsKind) }
