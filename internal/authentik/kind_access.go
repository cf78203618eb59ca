package authentik

import (
	"context"
	"fmt"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// accessIO writes an application's group bindings (read as bindings,
// kind_readonly.go). It creates the missing ones (whole bodies, never
// PATCH: a binding PATCH without target crashes authentik) and deletes
// extra ones.
var accessIO = kindIO{exec: func(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
	c := e.c
	s, err := spec[plan.AccessSpec](ch)
	if err != nil {
		return err
	}
	appPK, err := ids.Get(plan.KindApplication, s.AppSlug)
	if err != nil {
		return fmt.Errorf("%s: %w", doing(ch), err)
	}
	for i, group := range s.AddGroups {
		groupPK, err := ids.Get(plan.KindGroup, group)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		order := s.FirstOrder + int32(i)
		req := api.NewPolicyBindingRequest(appPK, order)
		req.Group.Set(&groupPK)
		enabled := true
		req.Enabled = &enabled
		// Bindings have no unique key: after a lost answer, the binding is
		// looked up by (target, group, order) before it is posted again.
		// The list is filtered by order too: the new binding has the
		// highest order, so unfiltered it would be listed last, past the
		// first page of an application with many bindings.
		err = e.created(ctx, fmt.Sprintf("%s: bind group %q", doing(ch), group), func(ctx context.Context) (*http.Response, error) {
			_, resp, err := c.api.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*req).Execute()
			return resp, err
		}, func(ctx context.Context) (bool, error) {
			list, resp, err := c.api.PoliciesApi.PoliciesBindingsList(ctx).Target(appPK).Order(order).PageSize(pageSize).Execute()
			if err != nil {
				return false, c.wrap("find the bindings of application "+s.AppSlug, resp, err)
			}
			for _, b := range list.Results {
				if g := b.Group.Get(); g != nil && *g == groupPK && b.Order == order {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return err
		}
	}
	for _, pk := range s.RemoveBindings {
		err := e.del(ctx, fmt.Sprintf("%s: remove binding %s", doing(ch), pk), func(ctx context.Context) (*http.Response, error) {
			return c.api.PoliciesApi.PoliciesBindingsDestroy(ctx, pk).Execute()
		})
		if err != nil {
			return err
		}
	}
	return nil
}}
