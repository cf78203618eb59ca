package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var oauth2IO = providerTypeIO{
	model: "authentik_providers_oauth2.oauth2provider",
	read: func(r *reader, dst *[]typedDetail) {
		read(r, "list OAuth2 providers", plan.KindProvider, "name", oauth2FromAPI, dst, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.ProvidersApi.ProvidersOauth2List(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	write: func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.ProviderSpec, mappings []string) (int32, error) {
		d, err := detailOf[plan.OAuth2Spec](ch, s)
		if err != nil {
			return 0, err
		}
		providers := e.c.api.ProvidersApi
		patch := api.PatchedOAuth2ProviderRequest{
			AuthorizationFlow:      s.AuthorizationFlow,
			InvalidationFlow:       s.InvalidationFlow,
			AuthenticationFlow:     nullableRef(s.AuthenticationFlow),
			PropertyMappings:       mappings,
			ClientType:             (*api.ClientTypeEnum)(d.ClientType),
			ClientId:               d.ClientID,
			ClientSecret:           d.ClientSecret,
			SigningKey:             nullableRef(d.SigningKey),
			SubMode:                (*api.SubModeEnum)(d.SubMode),
			IssuerMode:             (*api.IssuerModeEnum)(d.IssuerMode),
			IncludeClaimsInIdToken: d.IncludeClaimsInIDToken,
			AccessCodeValidity:     d.AccessCodeValidity,
			AccessTokenValidity:    d.AccessTokenValidity,
			RefreshTokenValidity:   d.RefreshTokenValidity,
			LogoutUri:              d.LogoutURI,
			LogoutMethod:           (*api.OAuth2ProviderLogoutMethodEnum)(d.LogoutMethod),
		}
		if s.Rename {
			patch.Name = &s.Name // moved: renamed in place
		}
		if d.RedirectURIs != nil {
			patch.RedirectUris = redirectRequests(d.RedirectURIs)
		}
		return e.createOrPatch(ctx, ch, func(ctx context.Context) (int32, *http.Response, error) {
			req := api.OAuth2ProviderRequest{
				Name:                   s.Name,
				AuthorizationFlow:      deref(patch.AuthorizationFlow),
				InvalidationFlow:       deref(patch.InvalidationFlow),
				AuthenticationFlow:     patch.AuthenticationFlow,
				PropertyMappings:       patch.PropertyMappings,
				ClientType:             patch.ClientType,
				ClientId:               patch.ClientId,
				ClientSecret:           patch.ClientSecret,
				SigningKey:             patch.SigningKey,
				SubMode:                patch.SubMode,
				IssuerMode:             patch.IssuerMode,
				IncludeClaimsInIdToken: patch.IncludeClaimsInIdToken,
				AccessCodeValidity:     patch.AccessCodeValidity,
				AccessTokenValidity:    patch.AccessTokenValidity,
				RefreshTokenValidity:   patch.RefreshTokenValidity,
				LogoutUri:              patch.LogoutUri,
				LogoutMethod:           patch.LogoutMethod,
				RedirectUris:           patch.RedirectUris,
			}
			if req.RedirectUris == nil {
				req.RedirectUris = []api.RedirectURIRequest{} // required: nil would send null
			}
			return pkOf(providers.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(req).Execute())
		}, func(ctx context.Context, pk int32) (*http.Response, error) {
			return respOf(providers.ProvidersOauth2PartialUpdate(ctx, pk).PatchedOAuth2ProviderRequest(patch).Execute())
		})
	},
}

func oauth2FromAPI(p *api.OAuth2Provider) typedDetail {
	d := &plan.OAuth2Detail{
		ClientID:               deref(p.ClientId),
		ClientSecret:           deref(p.ClientSecret),
		SigningKey:             nullString(p.SigningKey),
		IncludeClaimsInIDToken: deref(p.IncludeClaimsInIdToken),
		AccessCodeValidity:     deref(p.AccessCodeValidity),
		AccessTokenValidity:    deref(p.AccessTokenValidity),
		RefreshTokenValidity:   deref(p.RefreshTokenValidity),
		LogoutURI:              deref(p.LogoutUri),
		ClientType:             string(deref(p.ClientType)),
		SubMode:                string(deref(p.SubMode)),
		IssuerMode:             string(deref(p.IssuerMode)),
		LogoutMethod:           string(deref(p.LogoutMethod)),
	}
	for _, r := range p.RedirectUris {
		d.RedirectURIs = append(d.RedirectURIs, plan.RedirectURI{MatchingMode: string(r.MatchingMode), URL: r.Url})
	}
	return typedDetail{pk: p.Pk, detail: d}
}

func redirectRequests(rs []plan.RedirectURI) []api.RedirectURIRequest {
	out := make([]api.RedirectURIRequest, len(rs))
	for i, r := range rs {
		out[i] = api.RedirectURIRequest{MatchingMode: api.MatchingModeEnum(r.MatchingMode), Url: r.URL}
	}
	return out
}
