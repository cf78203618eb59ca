package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var samlIO = providerTypeIO{
	model: "authentik_providers_saml.samlprovider",
	read: func(r *reader, dst *[]typedDetail) {
		read(r, "list SAML providers", plan.KindProvider, "name", func(p *api.SAMLProvider) typedDetail {
			d := &plan.SAMLDetail{
				ACSURL:                     p.AcsUrl,
				Audience:                   deref(p.Audience),
				Issuer:                     deref(p.Issuer),
				SPBinding:                  string(deref(p.SpBinding)),
				SigningKP:                  nullString(p.SigningKp),
				VerificationKP:             nullString(p.VerificationKp),
				NameIDMapping:              nullString(p.NameIdMapping),
				DigestAlgorithm:            string(deref(p.DigestAlgorithm)),
				SignatureAlgorithm:         string(deref(p.SignatureAlgorithm)),
				AssertionValidNotBefore:    deref(p.AssertionValidNotBefore),
				AssertionValidNotOnOrAfter: deref(p.AssertionValidNotOnOrAfter),
				SessionValidNotOnOrAfter:   deref(p.SessionValidNotOnOrAfter),
				SignAssertion:              deref(p.SignAssertion),
				SignResponse:               deref(p.SignResponse),
				MetadataURL:                p.UrlDownloadMetadata,
				SSOPostURL:                 p.UrlSsoPost,
				SSORedirectURL:             p.UrlSsoRedirect,
				SSOInitURL:                 p.UrlSsoInit,
				SLOPostURL:                 p.UrlSloPost,
				SLORedirectURL:             p.UrlSloRedirect,
			}
			return typedDetail{pk: p.Pk, detail: d}
		}, dst, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.ProvidersApi.ProvidersSamlList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	write: func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.ProviderSpec, mappings []string) (int32, error) {
		d, err := detailOf[plan.SAMLSpec](ch, s)
		if err != nil {
			return 0, err
		}
		providers := e.c.api.ProvidersApi
		patch := api.PatchedSAMLProviderRequest{
			AuthorizationFlow: s.AuthorizationFlow, InvalidationFlow: s.InvalidationFlow,
			AuthenticationFlow: nullableRef(s.AuthenticationFlow), PropertyMappings: mappings,
			AcsUrl: d.ACSURL, Audience: d.Audience, Issuer: d.Issuer,
			SpBinding:       (*api.SAMLBindingsEnum)(d.SPBinding),
			SigningKp:       nullableRef(d.SigningKP),
			VerificationKp:  nullableRef(d.VerificationKP),
			NameIdMapping:   nullableRef(d.NameIDMapping),
			DigestAlgorithm: (*api.DigestAlgorithmEnum)(d.DigestAlgorithm), SignatureAlgorithm: (*api.SignatureAlgorithmEnum)(d.SignatureAlgorithm),
			AssertionValidNotBefore: d.AssertionValidNotBefore, AssertionValidNotOnOrAfter: d.AssertionValidNotOnOrAfter,
			SessionValidNotOnOrAfter: d.SessionValidNotOnOrAfter,
			SignAssertion:            d.SignAssertion, SignResponse: d.SignResponse,
		}
		if s.Rename {
			patch.Name = &s.Name // moved: renamed in place
		}
		return e.createOrPatch(ctx, ch, func(ctx context.Context) (int32, *http.Response, error) {
			req := api.NewSAMLProviderRequest(s.Name, deref(s.AuthorizationFlow), deref(s.InvalidationFlow), deref(d.ACSURL))
			req.AuthenticationFlow, req.PropertyMappings = patch.AuthenticationFlow, patch.PropertyMappings
			req.Audience, req.Issuer, req.SpBinding = patch.Audience, patch.Issuer, patch.SpBinding
			req.SigningKp, req.VerificationKp, req.NameIdMapping = patch.SigningKp, patch.VerificationKp, patch.NameIdMapping
			req.DigestAlgorithm, req.SignatureAlgorithm = patch.DigestAlgorithm, patch.SignatureAlgorithm
			req.AssertionValidNotBefore, req.AssertionValidNotOnOrAfter = patch.AssertionValidNotBefore, patch.AssertionValidNotOnOrAfter
			req.SessionValidNotOnOrAfter = patch.SessionValidNotOnOrAfter
			req.SignAssertion, req.SignResponse = patch.SignAssertion, patch.SignResponse
			return pkOf(providers.ProvidersSamlCreate(ctx).SAMLProviderRequest(*req).Execute())
		}, func(ctx context.Context, pk int32) (*http.Response, error) {
			return respOf(providers.ProvidersSamlPartialUpdate(ctx, pk).PatchedSAMLProviderRequest(patch).Execute())
		})
	},
}
