package authentik

import (
	"context"
	"fmt"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var applicationIO = kindIO{
	read: func(r *reader, live *plan.Live) {
		// superuser_full_list: the plain list is filtered by the token
		// user's access and cached per user for 24h. authentik ignores it
		// for anyone else: the list is then partial, which the plan
		// refuses when the manifest manages applications
		// (plan.PartialApplicationsMsg); a read-only pipeline identity can
		// still plan the rest.
		var super bool
		r.g.Go(func() error {
			me, err := r.c.Whoami(r.ctx)
			super = err == nil && me.IsSuperuser
			return err
		})
		read(r, "list applications", plan.KindApplication, "slug", applicationFromAPI, &live.Applications, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
		r.after = append(r.after, func() { live.ApplicationsPartial = !super })
	},
	exec: execApplication,
}

func applicationFromAPI(a *api.Application) plan.Application {
	out := plan.Application{
		PK:                   a.Pk,
		Slug:                 a.Slug,
		Name:                 a.Name,
		MetaLaunchURL:        deref(a.MetaLaunchUrl),
		MetaDescription:      deref(a.MetaDescription),
		MetaPublisher:        deref(a.MetaPublisher),
		MetaIcon:             deref(a.MetaIcon),
		Group:                deref(a.Group),
		OpenInNewTab:         deref(a.OpenInNewTab),
		BackchannelProviders: a.BackchannelProviders,
	}
	if v := a.Provider.Get(); v != nil {
		out.Provider = *v
	}
	if a.PolicyEngineMode != nil {
		out.PolicyEngineMode = string(*a.PolicyEngineMode)
	}
	return out
}

func execApplication(ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs) error {
	apps := e.c.api.CoreApi
	if ch.Action == plan.Delete {
		return e.deleted(ctx, ch, func(ctx context.Context) (*http.Response, error) {
			return apps.CoreApplicationsDestroy(ctx, ch.ID).Execute()
		})
	}
	s, err := spec[plan.ApplicationSpec](ch)
	if err != nil {
		return err
	}
	var provider api.NullableInt32
	if s.Provider != nil {
		if *s.Provider == "" {
			provider.Set(nil)
		} else {
			pk, err := providerByName(ids, *s.Provider)
			if err != nil {
				return fmt.Errorf("%s: %w", doing(ch), err)
			}
			provider.Set(&pk)
		}
	}
	var backchannel []int32
	if s.BackchannelProviders != nil {
		backchannel = []int32{}
		for _, name := range *s.BackchannelProviders {
			pk, err := providerByName(ids, name)
			if err != nil {
				return fmt.Errorf("%s: %w", doing(ch), err)
			}
			backchannel = append(backchannel, pk)
		}
	}
	mode := (*api.PolicyEngineMode)(s.PolicyEngineMode)
	if ch.Action == plan.Create {
		req := api.ApplicationRequest{
			Name: deref(s.Name), Slug: s.Slug, Provider: provider, OpenInNewTab: s.OpenInNewTab,
			MetaLaunchUrl: s.MetaLaunchURL, MetaIcon: s.MetaIcon, MetaDescription: s.MetaDescription,
			MetaPublisher: s.MetaPublisher, PolicyEngineMode: mode, Group: s.Group, BackchannelProviders: backchannel,
		}
		return e.created(ctx, doing(ch), func(ctx context.Context) (*http.Response, error) {
			a, resp, err := apps.CoreApplicationsCreate(ctx).ApplicationRequest(req).Execute()
			if err == nil {
				ids.Set(plan.KindApplication, s.Slug, a.Pk)
			}
			return resp, err
		}, func(ctx context.Context) (bool, error) {
			a, resp, err := apps.CoreApplicationsRetrieve(ctx, s.Slug).Execute()
			if gone(resp, err) {
				return false, nil
			}
			if err != nil {
				return false, e.c.wrap("find application "+s.Slug, resp, err)
			}
			ids.Set(plan.KindApplication, s.Slug, a.Pk)
			return true, nil
		})
	}
	req := api.PatchedApplicationRequest{
		Name: s.Name, Provider: provider, OpenInNewTab: s.OpenInNewTab,
		MetaLaunchUrl: s.MetaLaunchURL, MetaIcon: s.MetaIcon, MetaDescription: s.MetaDescription,
		MetaPublisher: s.MetaPublisher, PolicyEngineMode: mode, Group: s.Group, BackchannelProviders: backchannel,
	}
	if s.Rename {
		req.Slug = &s.Slug // moved: renamed in place
	}
	return e.patched(ctx, ch, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := apps.CoreApplicationsPartialUpdate(ctx, ch.ID).PatchedApplicationRequest(req).Execute()
		return resp, err
	})
}
