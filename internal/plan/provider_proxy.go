package plan

import "github.com/provision/provision/internal/manifest"

// ProxyDetail is a live proxy provider's own fields.
type ProxyDetail struct {
	ExternalHost              string
	InternalHost              string
	Mode                      string
	InternalHostSSLValidation bool
	SkipPathRegex             string
	CookieDomain              string
	InterceptHeaderAuth       bool
	AccessTokenValidity       string
	RefreshTokenValidity      string
	Certificate               string // key pair uuid; "" when none
}

// ProxySpec is what a proxy provider write sends of its own fields.
type ProxySpec struct {
	ExternalHost              *string
	InternalHost              *string
	Mode                      *string
	InternalHostSSLValidation *bool
	SkipPathRegex             *string
	CookieDomain              *string
	InterceptHeaderAuth       *bool
	AccessTokenValidity       *string
	RefreshTokenValidity      *string
	Certificate               *string // key pair uuid; "" sends null
}

var proxyType = &providerType{
	reads: []Kind{KindScopeMapping},
	diff: func(c *computer, f *fields, p *manifest.Provider, l *Provider, spec *ProviderSpec) {
		d := detail[ProxyDetail](l)
		s := &ProxySpec{}
		spec.Detail = s
		spec.PropertyMappings = c.scopesField(f, p, l, true)
		s.ExternalHost = f.str("external_host", p.ExternalHost, d.ExternalHost)
		s.InternalHost = f.str("internal_host", p.InternalHost, d.InternalHost)
		s.Mode = f.str("mode", p.Mode, d.Mode)
		s.InternalHostSSLValidation = f.boolean("internal_host_ssl_validation", p.InternalHostSSLValidation, d.InternalHostSSLValidation)
		s.SkipPathRegex = f.str("skip_path_regex", p.SkipPathRegex, d.SkipPathRegex)
		s.CookieDomain = f.str("cookie_domain", p.CookieDomain, d.CookieDomain)
		s.InterceptHeaderAuth = f.boolean("intercept_header_auth", p.InterceptHeaderAuth, d.InterceptHeaderAuth)
		s.AccessTokenValidity = f.str("access_token_validity", p.AccessTokenValidity, d.AccessTokenValidity)
		s.RefreshTokenValidity = f.str("refresh_token_validity", p.RefreshTokenValidity, d.RefreshTokenValidity)
		s.Certificate = c.certificateField(f, spec, p, d.Certificate)
		if !f.create {
			// authentik validates a proxy PATCH without mode as mode=proxy,
			// which then needs internal_host: send the live values along
			// (unshown).
			if s.Mode == nil && d.Mode != "" {
				s.Mode = &d.Mode
			}
			if s.InternalHost == nil && d.InternalHost != "" {
				s.InternalHost = &d.InternalHost
			}
		}
	},
}

// Proxy returns the provider's proxy fields (zero when not read or not proxy).
func (p *Provider) Proxy() *ProxyDetail { return detail[ProxyDetail](p) }
