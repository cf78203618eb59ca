package manifest

import "fmt"

// TypeProxy is a proxy provider, served by a proxy outpost.
const TypeProxy = "proxy"

// ProxyFields are the proxy provider's own fields.
type ProxyFields struct {
	ExternalHost              *string `yaml:"external_host"`
	InternalHost              *string `yaml:"internal_host"`
	Mode                      *string `yaml:"mode"`
	InternalHostSSLValidation *bool   `yaml:"internal_host_ssl_validation"`
	SkipPathRegex             *string `yaml:"skip_path_regex"`
	CookieDomain              *string `yaml:"cookie_domain"`
	InterceptHeaderAuth       *bool   `yaml:"intercept_header_auth"`
}

var proxyType = &ProviderType{
	Name:    TypeProxy,
	Label:   "proxy",
	Fields:  []any{OAuth2Base{}, ProxyFields{}, TLSFields{}},
	Outpost: "proxy",
	// Proxy providers get the flows only: authentik overwrites their OAuth2
	// settings on every write.
	Defaults: func(p *Provider) { defaultFlows(p, DefaultAuthorizationFlow, DefaultInvalidationFlow) },
	Validate: func(ds *Diagnostics, p *Provider) {
		validateOAuth2Base(ds, p)
		if p.ExternalHost == nil {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: external_host is required for a proxy provider", p.Name))
		} else {
			checkURL(ds, p.Src.At("external_host"), "external_host", *p.ExternalHost)
		}
		mode := "proxy"
		if p.Mode != nil {
			mode = *p.Mode
		}
		checkEnum(ds, "mode", p.Mode, p.Src)
		if mode == "proxy" && (p.InternalHost == nil || *p.InternalHost == "") {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: internal_host is required when mode is proxy", p.Name))
		}
		if p.InternalHost != nil && *p.InternalHost != "" {
			checkURL(ds, p.Src.At("internal_host"), "internal_host", *p.InternalHost)
		}
	},
}
