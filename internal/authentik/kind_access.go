package authentik

import (
	"context"
	"fmt"

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
		req := api.NewPolicyBindingRequest(appPK, s.FirstOrder+int32(i))
		req.Group.Set(&groupPK)
		enabled := true
		req.Enabled = &enabled
		if _, resp, err := c.api.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*req).Execute(); err != nil {
			return c.wrap(fmt.Sprintf("%s: bind group %q", doing(ch), group), resp, err)
		}
	}
	for _, pk := range s.RemoveBindings {
		resp, err := c.api.PoliciesApi.PoliciesBindingsDestroy(ctx, pk).Execute()
		if err != nil && !gone(resp, err) {
			return c.wrap(fmt.Sprintf("%s: remove binding %s", doing(ch), pk), resp, err)
		}
	}
	return nil
}}
