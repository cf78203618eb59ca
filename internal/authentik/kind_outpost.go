package authentik

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var outpostIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		read(r, "list outposts", plan.KindOutpost, "name", func(o *api.Outpost) plan.Outpost {
			return plan.Outpost{PK: o.Pk, Name: o.Name, Type: string(o.Type), Providers: o.Providers, Config: o.Config, Managed: nullString(o.Managed),
				ServiceConnection: nullString(o.ServiceConnection)}
		}, &live.Outposts, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.OutpostsApi.OutpostsInstancesList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	exec: execOutpost,
}

// execOutpost creates an outpost, or changes its providers. It re-reads the
// outpost right before writing and applies the change to what is attached
// then, so providers others attached since the plan was made are kept
// (unless listed for removal); type is always sent with providers so
// authentik checks their compatibility.
func execOutpost(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
	outposts := e.c.api.OutpostsApi
	if ch.Action == plan.Delete {
		return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			return outposts.OutpostsInstancesDestroy(ctx, ch.ID).Execute()
		})
	}
	s, err := spec[plan.OutpostSpec](ch)
	if err != nil {
		return err
	}
	var add []int32
	for _, name := range s.AddProviders {
		pk, err := providerByName(ids, name)
		if err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
		add = append(add, pk)
	}
	if ch.Action == plan.Create {
		cfg := s.Config
		if cfg == nil {
			cfg = map[string]any{}
		}
		req := api.NewOutpostRequest(s.Name, api.OutpostTypeEnum(s.Type), add, cfg)
		if s.ServiceConnection != nil {
			sc, err := serviceConnection(ids, s.ServiceConnection)
			if err != nil {
				return fmt.Errorf("%s: %w", doing(ch), err)
			}
			req.ServiceConnection = sc
		}
		return createdNamed(ctx, e, ch, ids, plan.KindOutpost, s.Name, "outpost",
			func(ctx context.Context) (*api.Outpost, *http.Response, error) {
				return outposts.OutpostsInstancesCreate(ctx).OutpostRequest(*req).Execute()
			}, func(ctx context.Context) ([]api.Outpost, *http.Response, error) {
				list, resp, err := outposts.OutpostsInstancesList(ctx).NameIexact(s.Name).Execute()
				if err != nil {
					return nil, resp, err
				}
				return list.Results, resp, nil
			}, func(o *api.Outpost) (string, string) { return o.Name, o.Pk })
	}
	// Providers (and config, outpost_merge.go) are merged with the outpost
	// as read just before each PATCH attempt, not as planned.
	var sc api.NullableString
	if s.ServiceConnection != nil {
		if sc, err = serviceConnection(ids, s.ServiceConnection); err != nil {
			return fmt.Errorf("%s: %w", doing(ch), err)
		}
	}
	return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
		return e.patchOutpost(ctx, ch, s, add, sc)
	})
}

// serviceConnection resolves an outpost's service connection (null for a
// zero reference).
func serviceConnection(ids *plan.IDs, r *plan.Reference) (api.NullableString, error) {
	var out api.NullableString
	if r.PK == "" && r.Key == "" {
		out.Set(nil)
		return out, nil
	}
	pk, err := ids.Resolve(*r)
	if err != nil {
		return out, err
	}
	out.Set(&pk)
	return out, nil
}

func (e *Executor) patchOutpost(ctx context.Context, ch *plan.Change, s *plan.OutpostSpec, add []int32, sc api.NullableString) (*http.Response, error) {
	outposts := e.c.api.OutpostsApi
	cur, resp, err := outposts.OutpostsInstancesRetrieve(ctx, ch.ID).Execute()
	if err != nil {
		return resp, err
	}
	var providers []int32
	for _, pk := range cur.Providers {
		if !slices.Contains(s.RemoveProviders, pk) {
			providers = append(providers, pk)
		}
	}
	for _, pk := range add {
		if !slices.Contains(providers, pk) {
			providers = append(providers, pk)
		}
	}
	typ := cur.Type
	if s.Type != "" {
		typ = api.OutpostTypeEnum(s.Type)
	}
	req := api.PatchedOutpostRequest{Type: &typ, Providers: providers, Config: s.Config, ServiceConnection: sc}
	if s.ConfigMerge != nil {
		merged, overridden := s.ConfigMerge.Remerge(cur.Config)
		req.Config = merged
		e.noteOverridden(ch, "config", overridden)
	}
	_, resp, err = outposts.OutpostsInstancesPartialUpdate(ctx, ch.ID).PatchedOutpostRequest(req).Execute()
	return resp, err
}
