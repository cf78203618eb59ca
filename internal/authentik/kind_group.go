package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var groupIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		read(r, "list groups", plan.KindGroup, "name", func(g *api.Group) plan.Group {
			return plan.Group{PK: g.Pk, Name: g.Name, IsSuperuser: deref(g.IsSuperuser), Attributes: g.Attributes}
		}, &live.Groups, func(ctx context.Context, page int32) (*http.Response, error) {
			// Members are never needed: don't make authentik serialise them.
			_, resp, err := r.c.api.CoreApi.CoreGroupsList(ctx).IncludeUsers(false).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	exec: func(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
		groups := e.c.api.CoreApi
		if ch.Action == plan.Delete {
			return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
				return groups.CoreGroupsDestroy(ctx, ch.ID).Execute()
			})
		}
		s, err := spec[plan.GroupSpec](ch)
		if err != nil {
			return err
		}
		if ch.Action == plan.Create {
			req := api.NewGroupRequest(s.Name)
			req.IsSuperuser = s.IsSuperuser
			req.Attributes = s.Attributes
			return createdNamed(ctx, e, ch, ids, plan.KindGroup, s.Name, "group",
				func(ctx context.Context) (*api.Group, *http.Response, error) {
					return groups.CoreGroupsCreate(ctx).GroupRequest(*req).Execute()
				}, func(ctx context.Context) ([]api.Group, *http.Response, error) {
					list, resp, err := groups.CoreGroupsList(ctx).Name(s.Name).IncludeUsers(false).Execute()
					if err != nil {
						return nil, resp, err
					}
					return list.Results, resp, nil
				}, func(g *api.Group) (string, string) { return g.Name, g.Pk })
		}
		// PATCH, never PUT: a group PUT without users drops every member.
		return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			req := api.PatchedGroupRequest{IsSuperuser: s.IsSuperuser, Attributes: s.Attributes}
			if s.AttributesMerge != nil {
				// Merge with the attributes as they are now, not as planned.
				cur, resp, err := groups.CoreGroupsRetrieve(ctx, ch.ID).IncludeUsers(false).Execute()
				if err != nil {
					return resp, err
				}
				merged, overridden := s.AttributesMerge.Remerge(cur.Attributes)
				req.Attributes = merged
				e.noteOverridden(ch, "attributes", overridden)
			}
			_, resp, err := groups.CoreGroupsPartialUpdate(ctx, ch.ID).PatchedGroupRequest(req).Execute()
			return resp, err
		})
	},
}
