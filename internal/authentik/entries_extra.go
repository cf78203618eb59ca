package authentik

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/provision/provision/internal/plan"
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

// extraWrites write a change's extra fields, by kind, once the object
// exists (pk).
var extraWrites = map[string]func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string) error{
	"user":  writeUserPassword,
	"role":  writeRolePermissions,
	"token": writeTokenKey,
}

// readRolePermissions reads each role's global permissions
// (/rbac/permissions/?role=<uuid>, authentik/rbac/api/rbac.py
// PermissionFilter.filter_role) as app_label.codename, sorted, and every
// permission the server has (plan.KindPermission), which the plan checks
// declared codenames against.
func readRolePermissions(ctx context.Context, c *Client, _ plan.Reads, objs []plan.Object) (map[plan.Kind][]plan.Object, error) {
	for i := range objs {
		perms, err := listPermissions(ctx, c, fmt.Sprintf("list the permissions of role %q", objs[i].Key), url.Values{"role": {objs[i].PK}})
		if err != nil {
			return nil, err
		}
		if perms == nil {
			perms = []string{}
		}
		objs[i].Fields["permissions"] = perms
	}
	all, err := listPermissions(ctx, c, "list authentik's permissions", url.Values{})
	if err != nil {
		return nil, err
	}
	out := make([]plan.Object, 0, len(all))
	for _, p := range all {
		out = append(out, plan.Object{Key: p, PK: p, Fields: map[string]any{}})
	}
	return map[plan.Kind][]plan.Object{plan.KindPermission: out}, nil
}

// listPermissions reads /rbac/permissions/ (IsAuthenticated: any token
// may) as app_label.codename, sorted.
func listPermissions(ctx context.Context, c *Client, doing string, q url.Values) ([]string, error) {
	var perms []string
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		q.Set("page_size", strconv.Itoa(pageSize))
		resp, data, err := c.raw(ctx, http.MethodGet, "rbac/permissions/", q, nil)
		if err != nil {
			return nil, c.wrap(doing, resp, err)
		}
		var p listPage[struct {
			Codename string `json:"codename"`
			AppLabel string `json:"app_label"`
		}]
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fmt.Errorf("%s: authentik's answer is not a list", doing)
		}
		for _, r := range p.Results {
			perms = append(perms, r.AppLabel+"."+r.Codename)
		}
		if float64(page) >= p.Pagination.TotalPages {
			break
		}
	}
	slices.Sort(perms)
	return perms, nil
}

// writeUserPassword sets a created user's password through set_password/
// (authentik/core/api/users.py UserViewSet.set_password): UserSerializer
// takes no password outside blueprints.
func writeUserPassword(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string) error {
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
// assign, unassign: global when no object_pk).
func writeRolePermissions(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, pk string) error {
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
	return w(ctx, e, ch, s, pk)
}

// readTokenKeys reads the key of each token whose entry declares one
// (plan.Reads.Secrets), through view_key/ (TokenViewSet.view_key, which
// needs authentik_core.view_token_key and logs a secret_view event), for
// the plan to compare, masked; the key is told to the redactor. Other
// tokens' keys are never read.
func readTokenKeys(ctx context.Context, c *Client, reads plan.Reads, objs []plan.Object) (map[plan.Kind][]plan.Object, error) {
	for i := range objs {
		if !reads.ReadsSecret("token", objs[i].Key) {
			continue
		}
		key, err := c.TokenKey(ctx, objs[i].Key)
		if err != nil {
			return nil, err
		}
		objs[i].Fields["key"] = key
	}
	return nil, nil
}

// writeTokenKey sets a token's key when the plan changes it (a create
// with key:, or a rotation) through set_key/ (TokenViewSet.set_key, which
// needs authentik_core.set_token_key; an empty key is a 400). Tokens are
// addressed by identifier.
func writeTokenKey(ctx context.Context, e *Executor, ch *plan.Change, s *plan.EntrySpec, _ string) error {
	key, ok := s.Extra["key"].(string)
	if !ok {
		return nil
	}
	return e.perform(ctx, write{what: fmt.Sprintf("set the key of token %q", ch.Key), send: func(ctx context.Context) (*http.Response, error) {
		resp, _, err := e.c.raw(ctx, http.MethodPost, "core/tokens/"+url.PathEscape(ch.Key)+"/set_key/", nil, map[string]any{"key": key})
		return resp, err
	}})
}
