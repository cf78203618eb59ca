package authentik

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/secretdigest"
)

// Extra fields (kinds.Kind.Extra): what authentik keeps outside an
// object's body, read after the kind's list and written after its create
// or update, per kind.

// extraReads fill the live objects' extra fields, by kind, and may read
// further lists the plan checks against (returned by kind).
var extraReads = map[string]func(ctx context.Context, c *Client, reads plan.Reads, objs []plan.Object) (map[plan.Kind][]plan.Object, error){
	"role":  readRolePermissions,
	"token": readTokenKeys,
}

// extraLists read, by kind, lists the plan checks the kind's extra fields
// against, in parallel with the kind's own list (returned by kind).
var extraLists = map[string]func(ctx context.Context, c *Client, reads plan.Reads) (map[plan.Kind][]plan.Object, error){
	"role": readPermissionCatalogue,
}

// extraWrites write a change's extra fields, by kind, once the object
// exists (pk).
var extraWrites = map[string]func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string, ids *plan.IDs) error{
	"user":  writeUserPassword,
	"role":  writeRolePermissions,
	"token": writeTokenKey,
}

// readRolePermissions reads the global permissions
// (/rbac/permissions/?role=<uuid>, authentik/rbac/api/rbac.py
// PermissionFilter.filter_role) as app_label.codename, sorted, and the
// permissions on single objects (/rbac/permissions/roles/?uuid=<uuid>,
// api/rbac_roles.py RolePermissionViewSet) as authentik lists them, of
// the roles whose permissions the plan compares (Reads.ReadsExtra: those
// the manifest declares with permissions:, every role for export). The
// other roles' are not read.
//
// Two lists per role, because authentik 2026.2.2 lists no role's
// permissions beside its name: RoleSerializer has pk and name only
// (api/roles.py); RolePermissionViewSet's items (ExtraRoleObjectPermission)
// do not say whose they are; RoleAssignedPermissionViewSet
// (api/rbac_assigned_by_roles.py) needs a model and lists only the roles
// holding a global permission on it (or on object_pk). So the lists run
// at once, bounded by the client's requests in flight, each list's pages
// after its first in parallel too: the round trips do not grow with the
// roles read, and the requests not with the roles left alone.
func readRolePermissions(ctx context.Context, c *Client, reads plan.Reads, objs []plan.Object) (map[plan.Kind][]plan.Object, error) {
	if !reads.ReadsExtras("role") {
		return nil, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(requestsInFlight)
	type read struct {
		i       int
		global  []string
		objects []any
	}
	var got []*read
	for i := range objs {
		if !reads.ReadsExtra("role", objs[i].Key) {
			continue
		}
		r := &read{i: i}
		got = append(got, r)
		g.Go(func() (err error) {
			r.global, err = listPermissions(gctx, c, fmt.Sprintf("list the permissions of role %q", objs[i].Key), url.Values{"role": {objs[i].PK}})
			return err
		})
		g.Go(func() (err error) {
			r.objects, err = listObjectPermissions(gctx, c, fmt.Sprintf("list the object permissions of role %q", objs[i].Key), objs[i].PK)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, r := range got {
		if r.global == nil {
			r.global = []string{}
		}
		objs[r.i].Fields["permissions"] = r.global
		objs[r.i].Fields["object_permissions"] = r.objects
	}
	return nil, nil
}

// readPermissionCatalogue reads every permission the server has
// (plan.KindPermission), which the plan checks declared codenames
// against, when some role's permissions are read: in parallel with the
// roles' list, as it does not need it.
// When the plan reads the permission kind itself (initial permissions
// name permissions by id), that read is the catalogue: it is not read
// twice. Either way an object's pk is the permission's id.
func readPermissionCatalogue(ctx context.Context, c *Client, reads plan.Reads) (map[plan.Kind][]plan.Object, error) {
	if !reads.ReadsExtras("role") || slices.Contains(reads.Kinds, plan.KindPermission) {
		return nil, nil
	}
	doing := "list authentik's permissions"
	type permission struct {
		ID       int64  `json:"id"`
		Codename string `json:"codename"`
		AppLabel string `json:"app_label"`
	}
	pages, bad, err := listPages(ctx, c, doing, plan.KindPermission, "codename", rawPages(c, "rbac/permissions/", url.Values{}), func(items []permission) []plan.Object {
		out := make([]plan.Object, len(items))
		for i, r := range items {
			k := r.AppLabel + "." + r.Codename
			out[i] = plan.Object{Key: k, PK: strconv.FormatInt(r.ID, 10), Fields: map[string]any{}}
		}
		return out
	})
	if err = wholeList(doing, bad, err); err != nil {
		return nil, err
	}
	all := slices.Concat(pages...)
	slices.SortFunc(all, func(a, b plan.Object) int { return strings.Compare(a.Key, b.Key) })
	return map[plan.Kind][]plan.Object{plan.KindPermission: all}, nil
}

// listPermissions reads /rbac/permissions/ (IsAuthenticated: any token
// may) as app_label.codename, sorted: the first page, then the rest in
// parallel.
func listPermissions(ctx context.Context, c *Client, doing string, q url.Values) ([]string, error) {
	type permission struct {
		Codename string `json:"codename"`
		AppLabel string `json:"app_label"`
	}
	pages, bad, err := listPages(ctx, c, doing, plan.KindPermission, "codename", rawPages(c, "rbac/permissions/", q), func(items []permission) []string {
		out := make([]string, len(items))
		for i, r := range items {
			out[i] = r.AppLabel + "." + r.Codename
		}
		return out
	})
	if err = wholeList(doing, bad, err); err != nil {
		return nil, err
	}
	perms := slices.Concat(pages...)
	slices.Sort(perms)
	return perms, nil
}

// listObjectPermissions reads a role's permissions on single objects, each
// {codename, app_label, model, object_pk}. authentik pages this list by 10
// (SmallerPagination), so its pages after the first are read in parallel.
func listObjectPermissions(ctx context.Context, c *Client, doing, role string) ([]any, error) {
	type permission struct {
		Codename string `json:"codename"`
		AppLabel string `json:"app_label"`
		Model    string `json:"model"`
		ObjectPK string `json:"object_pk"`
	}
	pages, bad, err := listPages(ctx, c, doing, "role object permission", "codename", rawPages(c, "rbac/permissions/roles/", url.Values{"uuid": {role}}), func(items []permission) []any {
		out := make([]any, len(items))
		for i, r := range items {
			out[i] = map[string]any{"codename": r.Codename, "app_label": r.AppLabel, "model": r.Model, "object_pk": r.ObjectPK}
		}
		return out
	})
	if err = wholeList(doing, bad, err); err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range pages {
		out = append(out, p...)
	}
	return out, nil
}

// wholeList fails a list of permissions with an item that did not decode:
// left out, it would read as a permission the role lacks.
func wholeList(doing string, bad []plan.Unreadable, err error) error {
	if err != nil || len(bad) == 0 {
		return err
	}
	return fmt.Errorf("%s: authentik's answer is not a list of permissions (an item's %q does not decode)", doing, bad[0].Field)
}

// rawPages fetches the pages of a list the generated client is not used
// for, with the query q, at the maximum page size.
func rawPages(c *Client, path string, q url.Values) fetchFunc {
	return func(ctx context.Context, page int32) (*http.Response, error) {
		pq := url.Values{"page": {strconv.Itoa(int(page))}, "page_size": {strconv.Itoa(pageSize)}}
		for k, v := range q {
			pq[k] = v
		}
		resp, _, err := c.raw(ctx, http.MethodGet, path, pq, nil)
		return resp, err
	}
}

// writeUserPassword sets a created user's password through set_password/
// (authentik/core/api/users.py UserViewSet.set_password): UserSerializer
// takes no password outside blueprints.
func writeUserPassword(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string, _ *plan.IDs) error {
	pw, ok := s.Extra["password"].(string)
	if !ok || ch.Action != plan.Create {
		return nil
	}
	return e.perform(ctx, write{what: fmt.Sprintf("set the password of user %q", ch.Key), send: func(ctx context.Context) (*http.Response, error) {
		resp, _, err := e.c.raw(ctx, http.MethodPost, "core/users/"+url.PathEscape(pk)+"/set_password/", nil, map[string]any{"password": pw})
		return resp, err
	}})
}

// writeRolePermissions assigns the permissions a role lacks and unassigns
// those it should not hold (authentik/rbac/api/rbac_assigned_by_roles.py
// assign, unassign: global when no object_pk), global ones in one request
// each way, and those on one object per object, with its model and pk.
func writeRolePermissions(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string, ids *plan.IDs) error {
	want, ok := s.Extra["permissions"].([]string)
	if !ok {
		return nil
	}
	have, _ := s.Before["permissions"].([]string)
	var add, remove []string
	for _, p := range want {
		if !slices.Contains(have, p) {
			add = append(add, p)
		}
	}
	for _, p := range have {
		if !slices.Contains(want, p) {
			remove = append(remove, p)
		}
	}
	base := "rbac/permissions/assigned_by_roles/" + url.PathEscape(pk) + "/"
	add, err := writeObjectPermissions(ctx, e, ch, s, ids, base, add, true)
	if err != nil {
		return err
	}
	if remove, err = writeObjectPermissions(ctx, e, ch, s, ids, base, remove, false); err != nil {
		return err
	}
	if len(add) > 0 {
		// Assigning twice is harmless (assign_perm gets or creates).
		if err := e.perform(ctx, write{what: fmt.Sprintf("assign permissions to role %q", ch.Key), send: func(ctx context.Context) (*http.Response, error) {
			resp, _, err := e.c.raw(ctx, http.MethodPost, base+"assign/", nil, map[string]any{"permissions": add})
			return resp, err
		}}); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		return e.perform(ctx, write{what: fmt.Sprintf("unassign permissions from role %q", ch.Key), send: func(ctx context.Context) (*http.Response, error) {
			resp, _, err := e.c.raw(ctx, http.MethodPatch, base+"unassign/", nil, map[string]any{"permissions": remove})
			return resp, err
		}})
	}
	return nil
}

// writeObjectPermissions assigns (or unassigns) the object permissions
// among perms, one request per object, and returns the global ones left.
// An object's pk comes from the plan (created earlier in this apply when
// the manifest declares it); the plan never names an object it did not
// find, since authentik would then assign or remove the permission
// globally.
func writeObjectPermissions(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, ids *plan.IDs, base string, perms []string, assign bool) ([]string, error) {
	var global []string
	type object struct{ model, pk, label string }
	byObject := map[object][]string{}
	var order []object
	for _, p := range perms {
		codename, kind, key, isObject := desc.ParseObjectPermission(p)
		if !isObject {
			global = append(global, p)
			continue
		}
		o, found := s.Objects[p]
		if !found {
			return nil, fmt.Errorf("%s: the plan names no object for permission %s on %s %q", doing(ch), codename, kind, key)
		}
		pk, err := ids.Resolve(o.Ref)
		if err != nil {
			return nil, fmt.Errorf("%s: permission %s on %s %q: %w", doing(ch), codename, kind, key, err)
		}
		if _, bare, labelled := strings.Cut(codename, "."); labelled {
			codename = bare
		}
		k := object{o.Model, pk, fmt.Sprintf("%s %q", kind, key)}
		if _, seen := byObject[k]; !seen {
			order = append(order, k)
		}
		byObject[k] = append(byObject[k], codename)
	}
	for _, o := range order {
		body := map[string]any{"permissions": byObject[o], "model": o.model, "object_pk": o.pk}
		what, method, action := fmt.Sprintf("assign permissions on %s to role %q", o.label, ch.Key), http.MethodPost, "assign/"
		if !assign {
			what, method, action = fmt.Sprintf("unassign permissions on %s from role %q", o.label, ch.Key), http.MethodPatch, "unassign/"
		}
		if err := e.perform(ctx, write{what: what, send: func(ctx context.Context) (*http.Response, error) {
			resp, _, err := e.c.raw(ctx, method, base+action, nil, body)
			return resp, err
		}}); err != nil {
			return nil, err
		}
	}
	return global, nil
}

// execExtra writes a change's extra fields once the object exists.
func (e *Executor) execExtra(ctx context.Context, ch *plan.Change, s *plan.EntrySpec, ids *plan.IDs) error {
	w := extraWrites[string(ch.Kind)]
	if w == nil || len(s.Extra) == 0 {
		return nil
	}
	pk := ch.ID
	if pk == "" {
		var err error
		if pk, err = ids.Resolve(plan.Later(ch.Kind, ch.Key)); err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
	}
	return w(ctx, e, ch, s, pk, ids)
}

// readTokenKeys reads the key of each token whose entry declares one
// (plan.Reads.Secrets), through view_key/ (TokenViewSet.view_key, which
// needs authentik_core.view_token_key and logs a secret_view event), for
// the plan to compare, masked; the key is told to the redactor. Other
// tokens' keys are never read.
func readTokenKeys(ctx context.Context, c *Client, reads plan.Reads, objs []plan.Object) (map[plan.Kind][]plan.Object, error) {
	// Concurrently, as role permissions are: the plan's round trips stay
	// one however many tokens declare key:.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(requestsInFlight)
	keys := make([]*string, len(objs))
	for i := range objs {
		if !reads.ReadsSecret("token", objs[i].Key) {
			continue
		}
		g.Go(func() error {
			key, err := c.TokenKey(gctx, objs[i].Key)
			keys[i] = &key
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, k := range keys {
		if k != nil {
			objs[i].Fields["key"] = secretdigest.Of(*k)
		}
	}
	return nil, nil
}

// writeTokenKey sets a token's key when the plan changes it (a create
// with key:, or a rotation) through set_key/ (TokenViewSet.set_key, which
// needs authentik_core.set_token_key; an empty key is a 400). Tokens are
// addressed by identifier.
func writeTokenKey(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, _ string, _ *plan.IDs) error {
	key, ok := s.Extra["key"].(string)
	if !ok {
		return nil
	}
	return e.perform(ctx, write{what: fmt.Sprintf("set the key of token %q", ch.Key), send: func(ctx context.Context) (*http.Response, error) {
		resp, _, err := e.c.raw(ctx, http.MethodPost, "core/tokens/"+url.PathEscape(ch.Key)+"/set_key/", nil, map[string]any{"key": key})
		return resp, err
	}})
}
