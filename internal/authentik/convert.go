package authentik

import (
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// This file is the only one that knows both the API models and the plan's
// live model.

func flowFromAPI(f *api.Flow) plan.Flow {
	return plan.Flow{PK: f.Pk, Slug: f.Slug, Name: f.Name, Designation: string(f.Designation)}
}

func scopeMappingFromAPI(s *api.ScopeMapping) plan.ScopeMapping {
	return plan.ScopeMapping{PK: s.Pk, Name: s.Name, ScopeName: s.ScopeName, Managed: nullString(s.Managed)}
}

func keyPairFromAPI(k *api.CertificateKeyPair) plan.KeyPair {
	out := plan.KeyPair{PK: k.Pk, Name: k.Name, PrivateKey: k.PrivateKeyAvailable}
	if t := k.KeyType.Get(); t != nil {
		out.KeyType = string(*t)
	}
	return out
}

func groupFromAPI(g *api.Group) plan.Group {
	return plan.Group{PK: g.Pk, Name: g.Name, IsSuperuser: deref(g.IsSuperuser), Attributes: g.Attributes}
}

func providerFromAPI(p *api.OAuth2Provider) plan.Provider {
	out := plan.Provider{
		PK:                     p.Pk,
		Name:                   p.Name,
		Type:                   "oauth2",
		AuthorizationFlow:      p.AuthorizationFlow,
		InvalidationFlow:       p.InvalidationFlow,
		AuthenticationFlow:     nullString(p.AuthenticationFlow),
		PropertyMappings:       p.PropertyMappings,
		ClientID:               deref(p.ClientId),
		ClientSecret:           deref(p.ClientSecret),
		SigningKey:             nullString(p.SigningKey),
		IncludeClaimsInIDToken: deref(p.IncludeClaimsInIdToken),
		AccessCodeValidity:     deref(p.AccessCodeValidity),
		AccessTokenValidity:    deref(p.AccessTokenValidity),
		RefreshTokenValidity:   deref(p.RefreshTokenValidity),
		LogoutURI:              deref(p.LogoutUri),
	}
	if p.ClientType != nil {
		out.ClientType = string(*p.ClientType)
	}
	if p.SubMode != nil {
		out.SubMode = string(*p.SubMode)
	}
	if p.IssuerMode != nil {
		out.IssuerMode = string(*p.IssuerMode)
	}
	if p.LogoutMethod != nil {
		out.LogoutMethod = string(*p.LogoutMethod)
	}
	for _, r := range p.RedirectUris {
		out.RedirectURIs = append(out.RedirectURIs, plan.RedirectURI{MatchingMode: string(r.MatchingMode), URL: r.Url})
	}
	return out
}

// withProxy types a provider as proxy and fills in the proxy fields.
func withProxy(p *plan.Provider, px *api.ProxyProvider) {
	p.Type = "proxy"
	p.Name = px.Name
	p.AuthorizationFlow = px.AuthorizationFlow
	p.InvalidationFlow = px.InvalidationFlow
	p.AuthenticationFlow = nullString(px.AuthenticationFlow)
	p.PropertyMappings = px.PropertyMappings
	p.ExternalHost = px.ExternalHost
	p.InternalHost = deref(px.InternalHost)
	if px.Mode != nil {
		p.Mode = string(*px.Mode)
	}
	p.InternalHostSSLValidation = deref(px.InternalHostSslValidation)
	p.SkipPathRegex = deref(px.SkipPathRegex)
	p.CookieDomain = deref(px.CookieDomain)
	p.InterceptHeaderAuth = deref(px.InterceptHeaderAuth)
	p.AccessTokenValidity = deref(px.AccessTokenValidity)
	p.RefreshTokenValidity = deref(px.RefreshTokenValidity)
}

func applicationFromAPI(a *api.Application) plan.Application {
	out := plan.Application{
		PK:              a.Pk,
		Slug:            a.Slug,
		Name:            a.Name,
		MetaLaunchURL:   deref(a.MetaLaunchUrl),
		MetaDescription: deref(a.MetaDescription),
		MetaPublisher:   deref(a.MetaPublisher),
		MetaIcon:        deref(a.MetaIcon),
		Group:           deref(a.Group),
		OpenInNewTab:    deref(a.OpenInNewTab),
	}
	if v := a.Provider.Get(); v != nil {
		out.Provider = *v
	}
	if a.PolicyEngineMode != nil {
		out.PolicyEngineMode = string(*a.PolicyEngineMode)
	}
	return out
}

func bindingFromAPI(b *api.PolicyBinding) plan.Binding {
	out := plan.Binding{PK: b.Pk, Target: b.Target, Group: nullString(b.Group), Policy: nullString(b.Policy), Order: b.Order}
	if v := b.User.Get(); v != nil {
		out.User = *v
	}
	return out
}

func outpostFromAPI(o *api.Outpost) plan.Outpost {
	return plan.Outpost{PK: o.Pk, Name: o.Name, Type: string(o.Type), Providers: o.Providers, Config: o.Config, Managed: nullString(o.Managed)}
}

func nullString(n api.NullableString) string {
	if v := n.Get(); v != nil {
		return *v
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
