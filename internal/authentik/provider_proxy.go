package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var proxyIO = providerTypeIO{
	model: "authentik_providers_proxy.proxyprovider",
	read: func(r *reader, dst *[]typedDetail) {
		read(r, "list proxy providers", plan.KindProvider, "name", func(p *api.ProxyProvider) typedDetail {
			d := &plan.ProxyDetail{
				ExternalHost:              p.ExternalHost,
				InternalHost:              deref(p.InternalHost),
				Mode:                      string(deref(p.Mode)),
				InternalHostSSLValidation: deref(p.InternalHostSslValidation),
				SkipPathRegex:             deref(p.SkipPathRegex),
				CookieDomain:              deref(p.CookieDomain),
				InterceptHeaderAuth:       deref(p.InterceptHeaderAuth),
				AccessTokenValidity:       deref(p.AccessTokenValidity),
				RefreshTokenValidity:      deref(p.RefreshTokenValidity),
				Certificate:               nullString(p.Certificate),
			}
			return typedDetail{pk: p.Pk, detail: d}
		}, dst, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.ProvidersApi.ProvidersProxyList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	// The plan sends mode and internal_host along on updates: a PATCH
	// without mode is validated as mode=proxy.
	write: func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.ProviderSpec, mappings []string) (int32, error) {
		d, err := detailOf[plan.ProxySpec](ch, s)
		if err != nil {
			return 0, err
		}
		providers := e.c.api.ProvidersApi
		patch := api.PatchedProxyProviderRequest{
			AuthorizationFlow: s.AuthorizationFlow, InvalidationFlow: s.InvalidationFlow,
			AuthenticationFlow: nullableRef(s.AuthenticationFlow), PropertyMappings: mappings,
			ExternalHost: d.ExternalHost, InternalHost: d.InternalHost, InternalHostSslValidation: d.InternalHostSSLValidation,
			SkipPathRegex: d.SkipPathRegex, CookieDomain: d.CookieDomain, InterceptHeaderAuth: d.InterceptHeaderAuth,
			AccessTokenValidity: d.AccessTokenValidity, RefreshTokenValidity: d.RefreshTokenValidity, Mode: (*api.ProxyMode)(d.Mode),
			Certificate: nullableRef(d.Certificate),
		}
		if s.Rename {
			patch.Name = &s.Name // moved: renamed in place
		}
		return e.createOrPatch(ctx, ch, func(ctx context.Context) (int32, *http.Response, error) {
			req := api.NewProxyProviderRequest(s.Name, deref(s.AuthorizationFlow), deref(s.InvalidationFlow), deref(d.ExternalHost))
			req.AuthenticationFlow, req.PropertyMappings, req.Mode = patch.AuthenticationFlow, patch.PropertyMappings, patch.Mode
			req.InternalHost, req.InternalHostSslValidation, req.SkipPathRegex = patch.InternalHost, patch.InternalHostSslValidation, patch.SkipPathRegex
			req.CookieDomain, req.InterceptHeaderAuth = patch.CookieDomain, patch.InterceptHeaderAuth
			req.AccessTokenValidity, req.RefreshTokenValidity = patch.AccessTokenValidity, patch.RefreshTokenValidity
			req.Certificate = patch.Certificate
			return pkOf(providers.ProvidersProxyCreate(ctx).ProxyProviderRequest(*req).Execute())
		}, func(ctx context.Context, pk int32) (*http.Response, error) {
			return respOf(providers.ProvidersProxyPartialUpdate(ctx, pk).PatchedProxyProviderRequest(patch).Execute())
		})
	},
}
