package emulator

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// Users, roles, global permissions (object ones: objectperms.go) and API
// tokens as authentik 2026.2.2
// serves them: authentik/core/api/users.py (UserViewSet, UserSerializer,
// set_password), authentik/rbac/api/rbac_roles.py (RoleViewSet),
// authentik/rbac/api/rbac.py (RBACPermissionViewSet, PermissionFilter),
// authentik/rbac/api/rbac_assigned_by_roles.py (assign, unassign) and
// authentik/core/api/tokens.py (TokenViewSet, TokenSerializer). A token's
// key is never in its list or detail answers, only in view_key/.

//go:embed permissions.txt
var permissionsTxt string

// permissionCatalogue is authentik 2026.2.2's permissions, app_label.codename
// (the list internal/kinds/permgen generates), in id order.
var permissionCatalogue = func() []string {
	var out []string
	for _, l := range strings.Split(permissionsTxt, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}()

// --- users ---

func (e *Emulator) renderUser(c *httpapi.Call, u *store.User) map[string]any {
	groups, groupsObj := []any{}, []any{}
	for _, g := range e.st.Groups {
		if slices.Contains(g.Users(), u.PK) {
			groups = append(groups, g.PK)
			groupsObj = append(groupsObj, map[string]any{"pk": g.PK, "num_pk": g.NumPK, "name": g.Name(),
				"is_superuser": g.IsSuperuser(), "parents": g.Parents(), "attributes": g.Attributes()})
		}
	}
	roles, rolesObj := []any{}, []any{}
	for _, pk := range u.Roles {
		if r := e.st.RoleByPK(pk); r != nil {
			roles = append(roles, r.PK)
			rolesObj = append(rolesObj, map[string]any{"pk": r.PK, "name": r.Name})
		}
	}
	m := map[string]any{"pk": u.PK, "username": u.Username, "name": u.Name, "is_active": u.IsActive, "last_login": nil,
		"date_joined": "2026-01-01T00:00:00Z", "is_superuser": e.st.IsSuperuser(u.PK), "groups": groups,
		"groups_obj": groupsObj, "roles": roles, "roles_obj": rolesObj, "email": u.Email,
		"avatar": "/static/dist/assets/images/user_default.png", "attributes": u.Attributes, "uid": u.UID(),
		"path": u.Path, "type": u.Type, "uuid": u.UUID(), "password_change_date": "2026-01-01T00:00:00Z",
		"last_updated": "2026-01-01T00:00:00Z"}
	if c != nil && strings.ToLower(c.Last("include_groups")) == "false" {
		m["groups_obj"] = nil
	}
	if c != nil && strings.ToLower(c.Last("include_roles")) == "false" {
		m["roles_obj"] = nil
	}
	return m
}

// listUsers is UserViewSet's list, filtered by username, email, type,
// path and is_active.
func (e *Emulator) listUsers(c *httpapi.Call) httpapi.Resp {
	us := e.visibleUsers(c)
	return httpapi.ListLazy(c, httpapi.LazyList{N: len(us), Render: func(i int) map[string]any { return e.renderUser(c, us[i]) }},
		httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("username", "username"), httpapi.Exact("email", "email"), httpapi.Exact("type", "type"),
			httpapi.Exact("path", "path"), httpapi.BoolExact("is_active", "is_active")},
			SearchFields: []string{"username", "name", "email"}, Order: []string{"username"}})
}

func (e *Emulator) userFromURL(c *httpapi.Call) (*store.User, *httpapi.Resp) {
	n, err := strconv.ParseInt(c.ID, 10, 32)
	if err != nil {
		r := httpapi.NotFound()
		return nil, &r
	}
	u := e.st.UserByPK(int32(n))
	if u == nil || !e.mayView(c, "authentik_core.view_user") {
		r := httpapi.NoMatch("User")
		return nil, &r
	}
	return u, nil
}

func (e *Emulator) getUser(c *httpapi.Call) httpapi.Resp {
	u, r := e.userFromURL(c)
	if r != nil {
		return *r
	}
	return httpapi.Resp{Status: 200, Body: e.renderUser(c, u)}
}

func (e *Emulator) createUser(c *httpapi.Call) httpapi.Resp {
	u := &store.User{IsActive: true, Path: "users", Type: "internal", Attributes: json.RawMessage(`{}`), Roles: []string{}}
	groups, r := e.writeUser(c, u, false, true)
	if r.Status != 0 {
		return r
	}
	u.PK = e.st.NextUserPK
	e.st.NextUserPK++
	e.st.Users = append(e.st.Users, u)
	e.setUserGroups(u, groups)
	return httpapi.Resp{Status: http.StatusCreated, Body: e.renderUser(c, u)}
}

func (e *Emulator) putUser(c *httpapi.Call) httpapi.Resp   { return e.updateUser(c, false) }
func (e *Emulator) patchUser(c *httpapi.Call) httpapi.Resp { return e.updateUser(c, true) }

func (e *Emulator) updateUser(c *httpapi.Call, partial bool) httpapi.Resp {
	u, r := e.userFromURL(c)
	if r != nil {
		return *r
	}
	next := *u
	groups, rr := e.writeUser(c, &next, partial, false)
	if rr.Status != 0 {
		return rr
	}
	*u = next
	e.setUserGroups(u, groups)
	return httpapi.Resp{Status: 200, Body: e.renderUser(c, u)}
}

// writeUser validates a UserSerializer body into u; groups is nil when
// the body leaves membership alone (a PATCH without groups; groups has
// default=list, so a create or PUT without it clears it).
func (e *Emulator) writeUser(c *httpapi.Call, u *store.User, partial, create bool) ([]string, httpapi.Resp) {
	f, perr := httpapi.ParseForm(c.Body, partial)
	if perr != nil {
		return nil, *perr
	}
	if f.Str("username", true, false, &u.Username) {
		if len(u.Username) > 150 {
			f.Fail("username", "Ensure this field has no more than 150 characters.")
		}
		for _, x := range e.st.Users {
			if x.Username == u.Username && x != u && x.PK != u.PK {
				f.Fail("username", "This field must be unique.")
			}
		}
	}
	f.Str("name", true, true, &u.Name) // extra_kwargs allow_blank
	f.Boolean("is_active", &u.IsActive)
	if f.Has("email") {
		f.Str("email", false, true, &u.Email)
		if u.Email != "" && !strings.Contains(u.Email, "@") {
			f.Fail("email", "Enter a valid email address.")
		}
	}
	if f.Str("path", false, false, &u.Path) {
		// UserSerializer.validate_path
		if strings.HasPrefix(u.Path, "/") || strings.HasSuffix(u.Path, "/") {
			f.Fail("path", "No leading or trailing slashes allowed.")
		} else if slices.Contains(strings.Split(u.Path, "/"), "") {
			f.Fail("path", "No empty segments in user path allowed.")
		}
	}
	was := u.Type
	if f.Choice("type", false, []string{"internal", "external", "service_account", "internal_service_account"}, &u.Type) {
		// UserSerializer.validate_type
		switch {
		case create && u.Type == "internal_service_account":
			f.Fail("type", "Setting a user to internal service account is not allowed.")
		case !create && was == "internal_service_account" && u.Type != was:
			f.Fail("type", "Can't change internal service account to other user type.")
		}
	}
	f.Object("attributes", false, &u.Attributes)
	var groups []string
	if f.Has("groups") || !partial {
		groups = []string{}
		f.UUIDList("groups", false, e.st.GroupRef, &groups)
	}
	if f.Has("roles") || !partial {
		u.Roles = []string{}
		f.UUIDList("roles", false, e.st.RoleRef, &u.Roles)
	}
	if !f.Ok() {
		return nil, f.Result()
	}
	if !create && was == "internal_service_account" {
		return nil, httpapi.NonFieldError("Can't modify internal service account users")
	}
	return groups, httpapi.Resp{}
}

// setUserGroups makes groups (pks) the user's direct groups; nil keeps them.
func (e *Emulator) setUserGroups(u *store.User, groups []string) {
	if groups == nil {
		return
	}
	for _, g := range e.st.Groups {
		in := slices.ContainsFunc(groups, func(pk string) bool { return strings.EqualFold(pk, g.PK) })
		has := slices.Contains(g.Users(), u.PK)
		switch {
		case in && !has:
			g.Attrs["users"] = append(slices.Clone(g.Users()), u.PK)
		case !in && has:
			g.Attrs["users"] = slices.DeleteFunc(slices.Clone(g.Users()), func(pk int32) bool { return pk == u.PK })
		}
	}
}

// deleteUser removes the user, its memberships, its tokens and its
// bindings (the tokens' user FK is CASCADE).
func (e *Emulator) deleteUser(c *httpapi.Call) httpapi.Resp {
	u, r := e.userFromURL(c)
	if r != nil {
		return *r
	}
	e.removeUser(u)
	return httpapi.Resp{Status: http.StatusNoContent}
}

// removeUser deletes the user, its memberships and its tokens.
func (e *Emulator) removeUser(u *store.User) {
	for _, g := range e.st.Groups {
		g.Attrs["users"] = slices.DeleteFunc(slices.Clone(g.Users()), func(pk int32) bool { return pk == u.PK })
	}
	e.st.Tokens = slices.DeleteFunc(e.st.Tokens, func(t *store.APIToken) bool { return t.User == u.PK })
	for k, pk := range e.userTokens {
		if pk == u.PK {
			delete(e.userTokens, k)
		}
	}
	e.st.Users = slices.DeleteFunc(e.st.Users, func(x *store.User) bool { return x == u })
}

// setPassword is UserViewSet.set_password: {"password": ...} (required),
// 204; needs authentik_core.reset_user_password.
func (e *Emulator) setPassword(c *httpapi.Call) httpapi.Resp {
	if !e.hasPerm(c.User, "authentik_core.reset_user_password") {
		return httpapi.Detail(403, msgNoPermission)
	}
	u, r := e.userFromURL(c)
	if r != nil {
		return *r
	}
	f, perr := httpapi.ParseForm(c.Body, false)
	if perr != nil {
		return *perr
	}
	var pw string
	if !f.Str("password", true, false, &pw) || !f.Ok() {
		return f.Result()
	}
	u.Password = pw
	u.PasswordChanges++
	return httpapi.Resp{Status: http.StatusNoContent}
}

// --- roles ---

func renderRole(r *store.Role) map[string]any {
	var managed any
	if r.Managed != nil {
		managed = *r.Managed
	}
	return map[string]any{"pk": r.PK, "name": r.Name, "managed": managed}
}

func (e *Emulator) listRoles(c *httpapi.Call) httpapi.Resp {
	rs := e.st.Roles
	if !e.hasPerm(c.User, "authentik_rbac.view_role") {
		rs = nil
	}
	return httpapi.ListLazy(c, httpapi.LazyList{N: len(rs), Render: func(i int) map[string]any { return renderRole(rs[i]) }},
		httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.Exact("managed", "managed")}, SearchFields: []string{"name"}, Order: []string{"name"}})
}

func (e *Emulator) roleFromURL(c *httpapi.Call) (*store.Role, *httpapi.Resp) {
	if !isUUID(c.ID) {
		r := httpapi.NotFound()
		return nil, &r
	}
	r := e.st.RoleByPK(c.ID)
	if r == nil || !e.mayView(c, "authentik_rbac.view_role") {
		x := httpapi.NoMatch("Role")
		return nil, &x
	}
	return r, nil
}

func (e *Emulator) getRole(c *httpapi.Call) httpapi.Resp {
	r, x := e.roleFromURL(c)
	if x != nil {
		return *x
	}
	return httpapi.Resp{Status: 200, Body: renderRole(r)}
}

func (e *Emulator) writeRole(c *httpapi.Call, r *store.Role, partial bool) httpapi.Resp {
	f, perr := httpapi.ParseForm(c.Body, partial)
	if perr != nil {
		return *perr
	}
	if f.Str("name", true, false, &r.Name) {
		if len(r.Name) > 150 {
			f.Fail("name", "Ensure this field has no more than 150 characters.")
		}
		for _, x := range e.st.Roles {
			if x.Name == r.Name && x.PK != r.PK {
				f.Fail("name", "role with this name already exists.")
			}
		}
	}
	if !f.Ok() {
		return f.Result()
	}
	return httpapi.Resp{}
}

func (e *Emulator) createRole(c *httpapi.Call) httpapi.Resp {
	r := &store.Role{Perms: []string{}}
	if x := e.writeRole(c, r, false); x.Status != 0 {
		return x
	}
	r.PK = e.newUUID()
	e.st.Roles = append(e.st.Roles, r)
	return httpapi.Resp{Status: http.StatusCreated, Body: renderRole(r)}
}

func (e *Emulator) putRole(c *httpapi.Call) httpapi.Resp   { return e.updateRole(c, false) }
func (e *Emulator) patchRole(c *httpapi.Call) httpapi.Resp { return e.updateRole(c, true) }

func (e *Emulator) updateRole(c *httpapi.Call, partial bool) httpapi.Resp {
	r, x := e.roleFromURL(c)
	if x != nil {
		return *x
	}
	next := *r
	if x := e.writeRole(c, &next, partial); x.Status != 0 {
		return x
	}
	*r = next
	return httpapi.Resp{Status: 200, Body: renderRole(r)}
}

// deleteRole removes the role and its holdings (groups' and users' roles).
func (e *Emulator) deleteRole(c *httpapi.Call) httpapi.Resp {
	r, x := e.roleFromURL(c)
	if x != nil {
		return *x
	}
	for _, g := range e.st.Groups {
		g.Attrs["roles"] = store.RemoveStr(slices.Clone(g.Roles()), r.PK)
	}
	for _, u := range e.st.Users {
		u.Roles = store.RemoveStr(u.Roles, r.PK)
	}
	e.st.Roles = slices.DeleteFunc(e.st.Roles, func(y *store.Role) bool { return y == r })
	e.deleteRoleInitialPerms(r.PK)
	return httpapi.Resp{Status: http.StatusNoContent}
}

// --- permissions ---

func renderPermission(id int, p string) map[string]any {
	app, code, _ := strings.Cut(p, ".")
	model := ""
	for _, verb := range []string{"add_", "change_", "delete_", "view_"} {
		if strings.HasPrefix(code, verb) {
			model = strings.TrimPrefix(code, verb)
		}
	}
	return map[string]any{"id": id, "name": code, "codename": code, "model": model, "app_label": app,
		"app_label_verbose": app, "model_verbose": model}
}

// listPermissions is RBACPermissionViewSet's list (IsAuthenticated only):
// filters codename, content_type__app_label, content_type__model and
// role (a role's global permissions; an unknown role is a 400).
func (e *Emulator) listPermissions(c *httpapi.Call) httpapi.Resp {
	ids := make([]int, 0, len(permissionCatalogue))
	if rpk := c.Last("role"); rpk != "" {
		r := e.st.RoleByPK(rpk)
		if r == nil || !isUUID(rpk) {
			return httpapi.FieldError("role", "Select a valid choice. That choice is not one of the available choices.")
		}
		for i, p := range permissionCatalogue {
			if slices.Contains(r.Perms, p) {
				ids = append(ids, i)
			}
		}
	} else {
		for i := range permissionCatalogue {
			ids = append(ids, i)
		}
	}
	return httpapi.ListLazy(c, httpapi.LazyList{N: len(ids), Render: func(i int) map[string]any {
		return renderPermission(ids[i]+1, permissionCatalogue[ids[i]])
	}}, httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("codename", "codename"), httpapi.Exact("content_type__app_label", "app_label"),
		httpapi.Exact("content_type__model", "model")}, SearchFields: []string{"name", "codename", "model", "app_label"}, Order: []string{"name"}})
}

// assignPermissions and unassignPermissions are
// RoleAssignedPermissionViewSet's assign (POST, 200 with the ids) and
// unassign (PATCH, 204): global permissions, or, with model and object_pk
// (RequiredTogetherValidator), permissions on one object
// (roleObjectPerms, objectperms.go). Global codenames must be
// app_label.codename; an unknown one raises Permission.DoesNotExist (500).
func (e *Emulator) assignPermissions(c *httpapi.Call) httpapi.Resp   { return e.rolePerms(c, true) }
func (e *Emulator) unassignPermissions(c *httpapi.Call) httpapi.Resp { return e.rolePerms(c, false) }

func (e *Emulator) rolePerms(c *httpapi.Call, assign bool) httpapi.Resp {
	need := "authentik_rbac.assign_role_permissions"
	if !assign {
		need = "authentik_rbac.unassign_role_permissions"
	}
	if !e.hasPerm(c.User, need) {
		return httpapi.Detail(403, msgNoPermission)
	}
	r, x := e.roleFromURL(c)
	if x != nil {
		return *x
	}
	var body struct {
		Permissions []string `json:"permissions"`
		Model       string   `json:"model"`
		ObjectPK    string   `json:"object_pk"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil || body.Permissions == nil {
		return httpapi.FieldError("permissions", httpapi.MsgRequired)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(c.Body, &raw)
	_, hasModel := raw["model"]
	_, hasPK := raw["object_pk"]
	if hasModel || hasPK {
		return e.roleObjectPerms(r, body.Permissions, body.Model, body.ObjectPK, hasModel, hasPK, assign)
	}
	for _, p := range body.Permissions {
		if !strings.Contains(p, ".") {
			return httpapi.FieldError("permissions", "When assigning global permissions, codename must be given as app_label.codename")
		}
		if !slices.Contains(permissionCatalogue, p) {
			return httpapi.ServerError()
		}
	}
	var out []any
	for _, p := range body.Permissions {
		has := slices.Contains(r.Perms, p)
		switch {
		case assign && !has:
			r.Perms = append(r.Perms, p)
		case !assign && has:
			r.Perms = store.RemoveStr(r.Perms, p)
		}
		out = append(out, map[string]any{"id": strconv.Itoa(slices.Index(permissionCatalogue, p) + 1)})
	}
	sort.Strings(r.Perms)
	if !assign {
		return httpapi.Resp{Status: http.StatusNoContent}
	}
	if out == nil {
		out = []any{}
	}
	return httpapi.Resp{Status: 200, Body: out}
}

// --- tokens ---

func (e *Emulator) renderToken(t *store.APIToken) map[string]any {
	var managed, expires any
	if t.Managed != nil {
		managed = *t.Managed
	}
	if t.Expires != nil {
		expires = *t.Expires
	}
	var userObj any
	if u := e.st.UserByPK(t.User); u != nil {
		userObj = e.renderUser(nil, u)
	}
	return map[string]any{"pk": t.PK, "managed": managed, "identifier": t.Identifier, "intent": t.Intent,
		"user": t.User, "user_obj": userObj, "description": t.Description, "expires": expires, "expiring": t.Expiring}
}

// visibleTokens are the tokens a caller may list: every one for a
// superuser or a holder of view_token; else only the caller's own
// (TokenViewSet.owner_field = "user": ObjectFilter keeps objects with a
// per-object permission, which authentik grants the owner).
func (e *Emulator) visibleTokens(c *httpapi.Call) []*store.APIToken {
	if e.hasPerm(c.User, "authentik_core.view_token") {
		return e.st.Tokens
	}
	var out []*store.APIToken
	for _, t := range e.st.Tokens {
		if t.User == c.User {
			out = append(out, t)
		}
	}
	return out
}

func (e *Emulator) listTokens(c *httpapi.Call) httpapi.Resp {
	ts := e.visibleTokens(c)
	return httpapi.ListLazy(c, httpapi.LazyList{N: len(ts), Render: func(i int) map[string]any {
		m := e.renderToken(ts[i])
		m["_username"] = httpapi.FmtVal(m["user_obj"].(map[string]any)["username"])
		return m
	}}, httpapi.ListSpec{Filters: []httpapi.FilterSpec{httpapi.Exact("identifier", "identifier"), httpapi.Exact("intent", "intent"),
		httpapi.Exact("user__username", "_username"), httpapi.Exact("description", "description"), httpapi.BoolExact("expiring", "expiring"),
		httpapi.Exact("managed", "managed")}, SearchFields: []string{"identifier", "intent", "description"}, Order: []string{"identifier", "expires"}})
}

func (e *Emulator) tokenFromURL(c *httpapi.Call) (*store.APIToken, *httpapi.Resp) {
	for _, t := range e.visibleTokens(c) {
		if t.Identifier == c.ID {
			return t, nil
		}
	}
	r := httpapi.NoMatch("Token")
	return nil, &r
}

func (e *Emulator) getToken(c *httpapi.Call) httpapi.Resp {
	t, r := e.tokenFromURL(c)
	if r != nil {
		return *r
	}
	return httpapi.Resp{Status: 200, Body: e.renderToken(t)}
}

// writeToken validates a TokenSerializer body. validate() sets an API
// token's expires to default_token_duration() (now + 30 minutes) on every
// write; only api and app_password intents are allowed.
func (e *Emulator) writeToken(c *httpapi.Call, t *store.APIToken, partial, create bool) httpapi.Resp {
	f, perr := httpapi.ParseForm(c.Body, partial)
	if perr != nil {
		return *perr
	}
	if f.Str("identifier", true, false, &t.Identifier) {
		if !slugRe.MatchString(t.Identifier) {
			f.Fail("identifier", "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.")
		}
		for _, x := range e.st.Tokens {
			if x.Identifier == t.Identifier && x != t && x.PK != t.PK {
				f.Fail("identifier", "Token with this identifier already exists.")
			}
		}
	}
	intentSet := f.Choice("intent", false, []string{"verification", "api", "recovery", "app_password"}, &t.Intent)
	var upk *int32
	if f.IntRef("user", false, false, e.st.UserExists, &upk) && upk != nil {
		if !create && t.User != 0 && *upk != t.User {
			f.Fail("user", "User cannot be changed")
		}
		t.User = *upk
	}
	f.Str("description", false, true, &t.Description)
	f.NullStr("expires", &t.Expires)
	f.Boolean("expiring", &t.Expiring)
	if !f.Ok() {
		return f.Result()
	}
	if create && upk == nil {
		t.User = c.User // attrs.setdefault("user", request.user)
	}
	if create && !intentSet {
		t.Intent = "api"
	}
	if t.Intent != "api" && t.Intent != "app_password" {
		return httpapi.FieldError("intent", "Invalid intent "+t.Intent)
	}
	if t.Intent == "api" {
		exp := "2026-01-01T00:30:00Z" // default_token_duration(): the emulator's clock is fixed
		t.Expires = &exp
	}
	return httpapi.Resp{}
}

func (e *Emulator) createToken(c *httpapi.Call) httpapi.Resp {
	t := &store.APIToken{Intent: "verification", Expiring: true}
	if r := e.writeToken(c, t, false, true); r.Status != 0 {
		return r
	}
	if !e.st.IsSuperuser(c.User) {
		// perform_create: a non-superuser's token is its own.
		t.User = c.User
	}
	t.PK = e.newUUID()
	t.Key = e.randomString(60) // default_token_key
	e.st.Tokens = append(e.st.Tokens, t)
	return httpapi.Resp{Status: http.StatusCreated, Body: e.renderToken(t)}
}

func (e *Emulator) putToken(c *httpapi.Call) httpapi.Resp   { return e.updateToken(c, false) }
func (e *Emulator) patchToken(c *httpapi.Call) httpapi.Resp { return e.updateToken(c, true) }

func (e *Emulator) updateToken(c *httpapi.Call, partial bool) httpapi.Resp {
	t, r := e.tokenFromURL(c)
	if r != nil {
		return *r
	}
	next := *t
	if r := e.writeToken(c, &next, partial, false); r.Status != 0 {
		return r
	}
	*t = next
	return httpapi.Resp{Status: 200, Body: e.renderToken(t)}
}

func (e *Emulator) deleteToken(c *httpapi.Call) httpapi.Resp {
	t, r := e.tokenFromURL(c)
	if r != nil {
		return *r
	}
	e.st.Tokens = slices.DeleteFunc(e.st.Tokens, func(x *store.APIToken) bool { return x == t })
	return httpapi.Resp{Status: http.StatusNoContent}
}

// viewKey is TokenViewSet.view_key (authentik_core.view_token_key).
func (e *Emulator) viewKey(c *httpapi.Call) httpapi.Resp {
	if !e.hasPerm(c.User, "authentik_core.view_token_key") {
		return httpapi.Detail(403, msgNoPermission)
	}
	for _, t := range e.st.Tokens {
		if t.Identifier == c.ID {
			if t.Key == "" {
				t.Key = e.randomString(60) // an outpost's (outpostToken): default_token_key
			}
			return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"key": t.Key}}
		}
	}
	return httpapi.NoMatch("Token")
}

// setKey is TokenViewSet.set_key (authentik_core.set_token_key).
func (e *Emulator) setKey(c *httpapi.Call) httpapi.Resp {
	if !e.hasPerm(c.User, "authentik_core.set_token_key") {
		return httpapi.Detail(403, msgNoPermission)
	}
	t, r := e.tokenFromURL(c)
	if r != nil {
		return *r
	}
	var body struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(c.Body, &body) != nil || body.Key == "" {
		return httpapi.Resp{Status: 400}
	}
	t.Key = body.Key
	return httpapi.Resp{Status: http.StatusNoContent}
}

// --- permissions of the caller ---

// hasPerm reports whether the user holds a global permission: a
// superuser holds every one; otherwise through the roles of the user and
// of its groups (ancestors included). Users made by AddUserToken hold
// every permission (see there).
func (e *Emulator) hasPerm(pk int32, perm string) bool {
	if pk == 0 || e.st.IsSuperuser(pk) || e.st.AllPerms[pk] {
		return true
	}
	u := e.st.UserByPK(pk)
	if u == nil {
		return false
	}
	roles := slices.Clone(u.Roles)
	for _, g := range e.st.UserGroups(pk) {
		roles = append(roles, g.Roles()...)
	}
	for _, rpk := range roles {
		if r := e.st.RoleByPK(rpk); r != nil && slices.Contains(r.Perms, perm) {
			return true
		}
	}
	return false
}

// mayView reports whether the caller may see an object of a model it
// needs perm for (list filtering by view permission: ObjectFilter).
func (e *Emulator) mayView(c *httpapi.Call, perm string) bool { return e.hasPerm(c.User, perm) }

// visibleUsers are the users the caller may list: all with view_user,
// else only itself.
func (e *Emulator) visibleUsers(c *httpapi.Call) []*store.User {
	if e.hasPerm(c.User, "authentik_core.view_user") {
		return e.st.Users
	}
	if u := e.st.UserByPK(c.User); u != nil {
		return []*store.User{u}
	}
	return nil
}

// --- for tests ---

// UserGroups names the groups the user is a direct member of, sorted.
func (e *Emulator) UserGroups(username string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []string{}
	for _, u := range e.st.Users {
		if u.Username != username {
			continue
		}
		for _, g := range e.st.Groups {
			if slices.Contains(g.Users(), u.PK) {
				out = append(out, g.Name())
			}
		}
	}
	sort.Strings(out)
	return out
}

// UserPassword returns the user's password and how many times
// set_password/ set it.
func (e *Emulator) UserPassword(username string) (string, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, u := range e.st.Users {
		if u.Username == username {
			return u.Password, u.PasswordChanges
		}
	}
	return "", 0
}

// RolePermissions are the role's global permissions, sorted.
func (e *Emulator) RolePermissions(name string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range e.st.Roles {
		if r.Name == name {
			return slices.Sorted(slices.Values(r.Perms))
		}
	}
	return nil
}

// GroupRoles names the roles the group holds, sorted.
func (e *Emulator) GroupRoles(name string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []string{}
	for _, g := range e.st.Groups {
		if g.Name() != name {
			continue
		}
		for _, pk := range g.Roles() {
			if r := e.st.RoleByPK(pk); r != nil {
				out = append(out, r.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// handModels are the models of the routes written by hand, by prefix.
var handModels = map[string]string{
	"managed/blueprints/":              "authentik_blueprints.blueprintinstance",
	"core/applications/":               "authentik_core.application",
	"providers/oauth2/":                "authentik_providers_oauth2.oauth2provider",
	"providers/proxy/":                 "authentik_providers_proxy.proxyprovider",
	"providers/all/":                   "authentik_core.provider",
	"outposts/instances/":              "authentik_outposts.outpost",
	"propertymappings/all/":            "authentik_core.propertymapping",
	"propertymappings/provider/scope/": "authentik_providers_oauth2.scopemapping",
	"crypto/certificatekeypairs/":      "authentik_crypto.certificatekeypair",
	"core/groups/":                     "authentik_core.group",
	"policies/bindings/":               "authentik_policies.policybinding",
	"core/tokens/":                     "authentik_core.token",
	"rbac/roles/":                      "authentik_rbac.role",
	"rbac/permissions/roles/":          "guardian.roleobjectpermission",
	"core/users/":                      "authentik_core.user",
	"stages/all/":                      "authentik_flows.stage",
	"policies/all/":                    "authentik_policies.policy",
}

// enforce applies a non-superuser's permissions to the model routes
// (authentik's ObjectPermissions and ObjectFilter, authentik/rbac/
// permissions.py and filters.py): a list holds only what the user may
// view (none without the model's view_ permission: a role's object
// permissions are kept, objectperms.go, but not enforced); a detail read
// without it is a 404; a create needs
// add_, an update change_ and a delete delete_ (403). Detail actions check
// their own permission; applications list by policy access
// (listApplications); a token may be created without add_token
// (rbac_allow_create_without_perm).
func (e *Emulator) enforce(rt *route, r *http.Request, id string, handlers map[string]handler, pk int32) (httpapi.Resp, bool) {
	model := rt.model
	if model == "" {
		model = handModels[rt.prefix]
	}
	if model == "" || e.st.IsSuperuser(pk) || e.st.AllPerms[pk] {
		return httpapi.Resp{}, false
	}
	app, name, _ := strings.Cut(model, ".")
	perm := func(verb string) string { return app + "." + verb + "_" + name }
	isCollection := id == "" && sameHandlers(handlers, rt.collection)
	isDetail := id != "" && sameHandlers(handlers, rt.detail)
	switch {
	case isCollection && r.Method == http.MethodGet:
		if rt.prefix == "core/applications/" || rt.prefix == "core/tokens/" || rt.prefix == "core/users/" || e.hasPerm(pk, perm("view")) {
			return httpapi.Resp{}, false // those filter by their own rules
		}
		c := &httpapi.Call{R: r, Q: r.URL.Query(), User: pk}
		return httpapi.ListLazy(c, httpapi.LazyList{}, httpapi.ListSpec{}), true
	case isCollection && r.Method == http.MethodPost:
		if rt.prefix == "core/tokens/" || e.hasPerm(pk, perm("add")) {
			return httpapi.Resp{}, false
		}
	case isDetail && r.Method == http.MethodGet:
		if rt.prefix == "core/tokens/" || rt.prefix == "core/users/" || e.hasPerm(pk, perm("view")) {
			return httpapi.Resp{}, false
		}
		return httpapi.NotFound(), true
	case isDetail && (r.Method == http.MethodPut || r.Method == http.MethodPatch):
		if e.hasPerm(pk, perm("change")) || rt.prefix == "core/tokens/" && e.ownsToken(pk, id) {
			return httpapi.Resp{}, false
		}
	case isDetail && r.Method == http.MethodDelete:
		if e.hasPerm(pk, perm("delete")) || rt.prefix == "core/tokens/" && e.ownsToken(pk, id) {
			return httpapi.Resp{}, false
		}
	default:
		return httpapi.Resp{}, false
	}
	return httpapi.Detail(http.StatusForbidden, msgNoPermission), true
}

func (e *Emulator) ownsToken(pk int32, identifier string) bool {
	for _, t := range e.st.Tokens {
		if t.Identifier == identifier {
			return t.User == pk
		}
	}
	return false
}

// sameHandlers reports whether two handler maps are the same map.
func sameHandlers(a, b map[string]handler) bool {
	return a != nil && b != nil && reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}
