package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var scopeMappingIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		read(r, "list scope mappings", plan.KindScopeMapping, "name", func(s *api.ScopeMapping) plan.ScopeMapping {
			return plan.ScopeMapping{PK: s.Pk, Name: s.Name, ScopeName: s.ScopeName, Description: deref(s.Description),
				Expression: s.Expression, Managed: nullString(s.Managed)}
		}, &live.ScopeMappings, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	exec: func(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
		mappings := e.c.api.PropertymappingsApi
		if ch.Action == plan.Delete {
			return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
				return mappings.PropertymappingsProviderScopeDestroy(ctx, ch.ID).Execute()
			})
		}
		s, err := spec[plan.ScopeMappingSpec](ch)
		if err != nil {
			return err
		}
		if ch.Action == plan.Create {
			req := api.NewScopeMappingRequest(s.Name, deref(s.Expression), deref(s.ScopeName))
			req.Description = s.Description
			return createdNamed(ctx, e, ch, ids, plan.KindScopeMapping, s.Name, "scope mapping",
				func(ctx context.Context) (*api.ScopeMapping, *http.Response, error) {
					return mappings.PropertymappingsProviderScopeCreate(ctx).ScopeMappingRequest(*req).Execute()
				}, func(ctx context.Context) ([]api.ScopeMapping, *http.Response, error) {
					list, resp, err := mappings.PropertymappingsProviderScopeList(ctx).Name(s.Name).Execute()
					if err != nil {
						return nil, resp, err
					}
					return list.Results, resp, nil
				}, func(m *api.ScopeMapping) (string, string) { return m.Name, m.Pk })
		}
		return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			req := api.PatchedScopeMappingRequest{ScopeName: s.ScopeName, Description: s.Description, Expression: s.Expression}
			_, resp, err := mappings.PropertymappingsProviderScopePartialUpdate(ctx, ch.ID).PatchedScopeMappingRequest(req).Execute()
			return resp, err
		})
	},
}
