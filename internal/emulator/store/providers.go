package store

import "github.com/provision/provision/internal/emulator/httpapi"

// Provider is one row of authentik's shared Provider table. The Provider
// base fields (ProviderSerializer) are typed; each type's own fields live
// in Attrs, read and rendered by its kind's field table: OAuth2 and proxy
// (providers.go), SAML (saml.go), LDAP (ldap.go). A proxy provider is an
// OAuth2Provider subclass, so its Attrs carry the OAuth2 fields too.
type Provider struct {
	PK                 int32
	Kind               string         // kindOAuth2, kindProxy, kindSAML, kindLDAP
	Attrs              map[string]any // the type's own fields (see kinds.go)
	Name               string
	AuthorizationFlow  string
	InvalidationFlow   *string // nullable in the database (flow deletion sets null)
	AuthenticationFlow *string
	PropertyMappings   []string

	BackchannelApp string // pk of the application using it as backchannel provider
}

// Attr is a string field of the type's own.
func (p *Provider) Attr(k string) string { return httpapi.FmtVal(p.Attrs[k]) }

// Ref is a nullable reference field of the type's own (nil when null).
func (p *Provider) Ref(k string) *string {
	if s, ok := p.Attrs[k].(string); ok {
		return &s
	}
	return nil
}

// RedirectURIs is an OAuth2 provider's redirect_uris.
func (p *Provider) RedirectURIs() []RedirectURI {
	l, _ := p.Attrs["redirect_uris"].([]RedirectURI)
	return l
}

type RedirectURI struct {
	MatchingMode string `json:"matching_mode"`
	URL          string `json:"url"`
}

// ProviderClass is how a provider presents itself in a response.
type ProviderClass struct {
	Component, Verbose, VerbosePlural, ModelName, PyName string
}

var (
	ClassBase   = ProviderClass{"", "provider", "providers", "authentik_core.provider", "Provider"}
	ClassOAuth2 = ProviderClass{"ak-provider-oauth2-form", "OAuth2/OpenID Provider", "OAuth2/OpenID Providers",
		"authentik_providers_oauth2.oauth2provider", "OAuth2Provider"}
	ClassProxy = ProviderClass{"ak-provider-proxy-form", "Proxy Provider", "Proxy Providers",
		"authentik_providers_proxy.proxyprovider", "ProxyProvider"}
	classSAML = ProviderClass{"ak-provider-saml-form", "SAML Provider", "SAML Providers",
		"authentik_providers_saml.samlprovider", "SAMLProvider"}
	classLDAP = ProviderClass{"ak-provider-ldap-form", "LDAP Provider", "LDAP Providers",
		"authentik_providers_ldap.ldapprovider", "LDAPProvider"}
	// providers/{radius,scim,rac}/models.py: component and Meta names.
	classRadius = ProviderClass{"ak-provider-radius-form", "Radius Provider", "Radius Providers",
		"authentik_providers_radius.radiusprovider", "RadiusProvider"}
	classSCIM = ProviderClass{"ak-provider-scim-form", "SCIM Provider", "SCIM Providers",
		"authentik_providers_scim.scimprovider", "SCIMProvider"}
	classRAC = ProviderClass{"ak-provider-rac-form", "RAC Provider", "RAC Providers",
		"authentik_providers_rac.racprovider", "RACProvider"}
)

const (
	KindOAuth2 = "oauth2"
	KindProxy  = "proxy"
	KindSAML   = "saml"
	KindLDAP   = "ldap"
	KindRadius = "radius"
	KindSCIM   = "scim"
	KindRAC    = "rac"
)

// IsOAuth2 says whether the row is an OAuth2Provider (proxy providers are one).
func (p *Provider) IsOAuth2() bool { return p.Kind == KindOAuth2 || p.Kind == KindProxy }

func (p *Provider) ConcreteClass() ProviderClass {
	switch p.Kind {
	case KindProxy:
		return ClassProxy
	case KindSAML:
		return classSAML
	case KindLDAP:
		return classLDAP
	case KindRadius:
		return classRadius
	case KindSCIM:
		return classSCIM
	case KindRAC:
		return classRAC
	}
	return ClassOAuth2
}

// OverrideKind is the OverrideField/SetField kind of a provider.
func (p *Provider) OverrideKind() string { return p.Kind + "provider" }

func (s *State) ProviderByPK(pk int32) *Provider {
	if s.Idx != nil {
		return s.providerIndex()[pk]
	}
	for _, p := range s.Providers {
		if p.PK == pk {
			return p
		}
	}
	return nil
}

func (s *State) ProviderExists(pk int32) bool { return s.ProviderByPK(pk) != nil }

// IsBackchannel is Provider.is_backchannel: true for BackchannelProvider
// subclasses (LDAP and SCIM here).
func (p *Provider) IsBackchannel() bool { return p.Kind == KindLDAP || p.Kind == KindSCIM }

// DeleteProvider removes a provider: applications lose it (provider=null),
// Outposts drop it, federation lists drop it.
func (s *State) DeleteProvider(p *Provider) {
	for _, a := range s.Apps {
		if pk := a.Provider(); pk != nil && *pk == p.PK {
			a.Attrs["provider"] = nil
		}
	}
	for _, o := range s.Outposts {
		o.setProviders(removeInt(o.Providers(), p.PK))
	}
	s.deleteEndpointsOf(p.PK)
	out := s.Providers[:0]
	for _, x := range s.Providers {
		if x != p {
			if l, ok := x.Attrs["jwt_federation_providers"].([]int32); ok {
				x.Attrs["jwt_federation_providers"] = removeInt(l, p.PK)
			}
			out = append(out, x)
		}
	}
	s.Providers = out
}
