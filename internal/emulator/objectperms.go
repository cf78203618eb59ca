package emulator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/apischema"
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// A role's permissions on single objects, as authentik 2026.2.2 keeps them
// (guardian's RoleObjectPermission): assigned and unassigned through
// RoleAssignedPermissionViewSet's assign/unassign with model and object_pk
// (authentik/rbac/api/rbac_assigned_by_roles.py), listed by
// RolePermissionViewSet (authentik/rbac/api/rbac_roles.py,
// /rbac/permissions/roles/?uuid=).

// roleObjectPerms is assign or unassign with model or object_pk.
// PermissionAssignSerializer (authentik/rbac/api/rbac.py): model is a
// ChoiceField of model_choices(); model and object_pk go together
// (RequiredTogetherValidator, a non-field error); validate() looks the
// object up with filter(pk=...).first(), and when there is none leaves
// model_instance None: assign_perm / remove_perm then act globally, with
// the codename as given (a bare one is guardian's ValueError, a 500).
func (e *Emulator) roleObjectPerms(r *store.Role, perms []string, model, objectPK string, hasModel, hasPK, assign bool) httpapi.Resp {
	if hasModel && !slices.Contains(modelChoices(), model) {
		return httpapi.FieldError("model", strconv.Quote(model)+" is not a valid choice.")
	}
	if hasPK && objectPK == "" {
		return httpapi.FieldError("object_pk", "This field may not be blank.")
	}
	if !hasModel || !hasPK {
		return httpapi.NonFieldError("The fields model, object_pk must be used together.")
	}
	if !e.objectExists(model, objectPK) {
		// model_instance None: global, as guardian's shortcuts do.
		for _, p := range perms {
			if !strings.Contains(p, ".") || !slices.Contains(permissionCatalogue, p) {
				return httpapi.ServerError()
			}
		}
		var out []any
		for _, p := range perms {
			has := slices.Contains(r.Perms, p)
			switch {
			case assign && !has:
				r.Perms = append(r.Perms, p)
			case !assign && has:
				r.Perms = store.RemoveStr(r.Perms, p)
			}
			out = append(out, map[string]any{"id": strconv.Itoa(slices.Index(permissionCatalogue, p) + 1)})
		}
		slices.Sort(r.Perms)
		if !assign {
			return httpapi.Resp{Status: 204}
		}
		if out == nil {
			out = []any{}
		}
		return httpapi.Resp{Status: 200, Body: out}
	}
	app, name, _ := strings.Cut(model, ".")
	codenames := make([]string, 0, len(perms))
	for _, p := range perms {
		// guardian takes "codename" or "app_label.codename" of the
		// object's content type; another is Permission.DoesNotExist.
		code := p
		if label, c, labelled := strings.Cut(p, "."); labelled {
			if label != app {
				return httpapi.ServerError()
			}
			code = c
		}
		if !slices.Contains(permissionCatalogue, app+"."+code) || !permissionOfModel(code, name) {
			return httpapi.ServerError()
		}
		codenames = append(codenames, code)
	}
	var out []any
	for _, code := range codenames {
		i := slices.IndexFunc(r.ObjPerms, func(o store.ObjectPerm) bool {
			return o.Codename == code && o.AppLabel == app && o.Model == name && o.ObjectPK == objectPK
		})
		switch {
		case assign && i < 0:
			e.st.NextObjPerm++
			r.ObjPerms = append(r.ObjPerms, store.ObjectPerm{ID: e.st.NextObjPerm, Codename: code, AppLabel: app, Model: name, ObjectPK: objectPK})
			i = len(r.ObjPerms) - 1
		case !assign && i >= 0:
			r.ObjPerms = slices.Delete(r.ObjPerms, i, i+1)
			continue
		case !assign:
			continue
		}
		out = append(out, map[string]any{"id": strconv.Itoa(r.ObjPerms[i].ID)})
	}
	if !assign {
		return httpapi.Resp{Status: 204}
	}
	if out == nil {
		out = []any{}
	}
	return httpapi.Resp{Status: 200, Body: out}
}

// permissionOfModel reports whether a codename belongs to the model: a
// default one (add_, change_, delete_, view_) names it; the emulator's
// catalogue does not say which model another belongs to, so those pass.
func permissionOfModel(code, model string) bool {
	for _, verb := range []string{"add_", "change_", "delete_", "view_"} {
		if m, ok := strings.CutPrefix(code, verb); ok {
			return m == model
		}
	}
	return true
}

// modelChoices are model_choices(): PermissionAssignRequest's model enum
// in schema.yml.
func modelChoices() []string {
	c, _ := apischema.Lookup("PermissionAssignRequest")
	f, _ := c.Field("model")
	return f.Enum
}

// objectExists reports whether an object of model (app_label.model_name)
// with the pk exists: the generic kinds by their meta model, users, roles
// and tokens.
func (e *Emulator) objectExists(model, pk string) bool {
	switch model {
	case "authentik_core.user":
		n, err := strconv.ParseInt(pk, 10, 32)
		return err == nil && e.st.UserByPK(int32(n)) != nil
	case "authentik_rbac.role":
		return isUUID(pk) && e.st.RoleByPK(pk) != nil
	case "authentik_core.token":
		for _, t := range e.st.Tokens {
			if strings.EqualFold(t.PK, pk) {
				return true
			}
		}
		return false
	}
	for _, k := range genericKinds {
		if found, known := k.hasObject(e, model, pk); known {
			return found
		}
	}
	return false
}

// hasObject reports whether the kind serves the model (known) and holds an
// object with the pk (found).
func (k *kindDef[T]) hasObject(e *Emulator, model, pk string) (found, known bool) {
	m := k.metaModel
	if m == "" {
		m = handModels[k.prefix] // kinds blueprints do not seed (groups)
	}
	if m != model || k.all == nil || k.pk == nil {
		return false, false
	}
	for _, o := range k.all(e) {
		if strings.EqualFold(k.pk(o), pk) {
			return true, true
		}
	}
	return false, true
}

// listRoleObjectPermissions is RolePermissionViewSet's list: every role's
// object permissions, filtered by uuid (the role's; not a uuid is a 400),
// ordered by role name. Its queryset is guardian's RoleObjectPermission,
// so a non-superuser's list is empty (enforce: no role can hold
// guardian.view_roleobjectpermission). It pages by SmallerPagination: at
// most 10 a page.
func (e *Emulator) listRoleObjectPermissions(c *httpapi.Call) httpapi.Resp {
	uuid := c.Last("uuid")
	if uuid != "" && !isUUID(uuid) {
		return httpapi.FieldError("uuid", "Enter a valid UUID.")
	}
	type item struct {
		role *store.Role
		p    store.ObjectPerm
	}
	var items []item
	roles := slices.Clone(e.st.Roles)
	slices.SortStableFunc(roles, func(a, b *store.Role) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range roles {
		if uuid != "" && !strings.EqualFold(r.PK, uuid) {
			continue
		}
		for _, p := range r.ObjPerms {
			items = append(items, item{r, p})
		}
	}
	return httpapi.ListLazy(c, httpapi.LazyList{N: len(items), Render: func(i int) map[string]any {
		p := items[i].p
		return map[string]any{"id": p.ID, "codename": p.Codename, "model": p.Model, "app_label": p.AppLabel,
			"object_pk": p.ObjectPK, "name": p.Codename, "app_label_verbose": p.AppLabel, "model_verbose": p.Model,
			"object_description": nil}
	}}, httpapi.ListSpec{MaxPageSize: 10})
}

// RoleObjectPermissions are the role's permissions on single objects, as
// "codename app_label.model object_pk", sorted (tests).
func (e *Emulator) RoleObjectPermissions(name string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []string{}
	for _, r := range e.st.Roles {
		if r.Name == name {
			for _, p := range r.ObjPerms {
				out = append(out, p.Codename+" "+p.AppLabel+"."+p.Model+" "+p.ObjectPK)
			}
		}
	}
	slices.Sort(out)
	return out
}
