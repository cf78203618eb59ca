package authentik

import (
	"context"
	"net/http"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

var ldapIO = providerTypeIO{
	model: "authentik_providers_ldap.ldapprovider",
	read: func(r *reader, dst *[]typedDetail) {
		read(r, "list LDAP providers", plan.KindProvider, "name", func(p *api.LDAPProvider) typedDetail {
			d := &plan.LDAPDetail{
				BaseDN:         deref(p.BaseDn),
				SearchMode:     string(deref(p.SearchMode)),
				BindMode:       string(deref(p.BindMode)),
				MFASupport:     deref(p.MfaSupport),
				UIDStartNumber: deref(p.UidStartNumber),
				GIDStartNumber: deref(p.GidStartNumber),
				Certificate:    nullString(p.Certificate),
			}
			return typedDetail{pk: p.Pk, detail: d}
		}, dst, func(ctx context.Context, page int32) (*http.Response, error) {
			_, resp, err := r.c.api.ProvidersApi.ProvidersLdapList(ctx).Page(page).PageSize(pageSize).Execute()
			return resp, err
		})
	},
	write: func(ctx context.Context, e *Executor, ch *plan.Change, s *plan.ProviderSpec, mappings []string) (int32, error) {
		d, err := detailOf[plan.LDAPSpec](ch, s)
		if err != nil {
			return 0, err
		}
		providers := e.c.api.ProvidersApi
		patch := api.PatchedLDAPProviderRequest{
			AuthorizationFlow: s.AuthorizationFlow, InvalidationFlow: s.InvalidationFlow,
			AuthenticationFlow: nullableRef(s.AuthenticationFlow), PropertyMappings: mappings,
			BaseDn: d.BaseDN, SearchMode: (*api.LDAPAPIAccessMode)(d.SearchMode), BindMode: (*api.LDAPAPIAccessMode)(d.BindMode),
			MfaSupport: d.MFASupport, UidStartNumber: d.UIDStartNumber, GidStartNumber: d.GIDStartNumber,
			Certificate: nullableRef(d.Certificate),
		}
		if s.Rename {
			patch.Name = &s.Name // moved: renamed in place
		}
		return e.createOrPatch(ctx, ch, func(ctx context.Context) (int32, *http.Response, error) {
			req := api.NewLDAPProviderRequest(s.Name, deref(s.AuthorizationFlow), deref(s.InvalidationFlow))
			req.AuthenticationFlow, req.PropertyMappings = patch.AuthenticationFlow, patch.PropertyMappings
			req.BaseDn, req.SearchMode, req.BindMode = patch.BaseDn, patch.SearchMode, patch.BindMode
			req.MfaSupport, req.UidStartNumber, req.GidStartNumber = patch.MfaSupport, patch.UidStartNumber, patch.GidStartNumber
			req.Certificate = patch.Certificate
			return pkOf(providers.ProvidersLdapCreate(ctx).LDAPProviderRequest(*req).Execute())
		}, func(ctx context.Context, pk int32) (*http.Response, error) {
			return respOf(providers.ProvidersLdapPartialUpdate(ctx, pk).PatchedLDAPProviderRequest(patch).Execute())
		})
	},
}
