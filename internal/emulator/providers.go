package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/pyregex"
)

// provider is one row of authentik's shared Provider table: an
// OAuth2Provider, a ProxyProvider (an OAuth2Provider subclass), or a kind
// served by the generic layer (SAML, LDAP), whose own fields live in Attrs.
type provider struct {
	PK                 int32
	Kind               string         // kindOAuth2, kindProxy, kindSAML, kindLDAP
	Attrs              map[string]any // fields of generic kinds (see kinds.go)
	Name               string
	AuthorizationFlow  string
	InvalidationFlow   *string // nullable in the database (flow deletion sets null)
	AuthenticationFlow *string
	PropertyMappings   []string

	// OAuth2Provider
	ClientType             string
	ClientID               string
	ClientSecret           string
	AccessCodeValidity     string
	AccessTokenValidity    string
	RefreshTokenValidity   string
	RefreshTokenThreshold  string
	IncludeClaimsInIDToken bool
	SigningKey             *string
	EncryptionKey          *string
	RedirectURIs           []redirectURI
	LogoutURI              string
	LogoutMethod           string
	SubMode                string
	IssuerMode             string
	JWTFederationSources   []string
	JWTFederationProviders []int32

	// ProxyProvider
	InternalHost               string
	ExternalHost               string
	InternalHostSSLValidation  bool
	Certificate                *string
	SkipPathRegex              string
	BasicAuthEnabled           bool
	BasicAuthPasswordAttribute string
	BasicAuthUserAttribute     string
	Mode                       string
	InterceptHeaderAuth        bool
	CookieDomain               string

	BackchannelApp string // pk of the application using it as backchannel provider
}

type redirectURI struct {
	MatchingMode string `json:"matching_mode"`
	URL          string `json:"url"`
}

var (
	clientTypes   = []string{"confidential", "public"}
	subModes      = []string{"hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn"}
	issuerModes   = []string{"global", "per_provider"}
	logoutMethods = []string{"backchannel", "frontchannel"}
	matchingModes = []string{"strict", "regex"}
	proxyModes    = []string{"proxy", "forward_single", "forward_domain"}
)

// providerClass is how a provider presents itself in a response.
type providerClass struct {
	component, verbose, verbosePlural, modelName, pyName string
}

var (
	classBase   = providerClass{"", "provider", "providers", "authentik_core.provider", "Provider"}
	classOAuth2 = providerClass{"ak-provider-oauth2-form", "OAuth2/OpenID Provider", "OAuth2/OpenID Providers",
		"authentik_providers_oauth2.oauth2provider", "OAuth2Provider"}
	classProxy = providerClass{"ak-provider-proxy-form", "Proxy Provider", "Proxy Providers",
		"authentik_providers_proxy.proxyprovider", "ProxyProvider"}
	classSAML = providerClass{"ak-provider-saml-form", "SAML Provider", "SAML Providers",
		"authentik_providers_saml.samlprovider", "SAMLProvider"}
	classLDAP = providerClass{"ak-provider-ldap-form", "LDAP Provider", "LDAP Providers",
		"authentik_providers_ldap.ldapprovider", "LDAPProvider"}
)

const (
	kindOAuth2 = "oauth2"
	kindProxy  = "proxy"
	kindSAML   = "saml"
	kindLDAP   = "ldap"
)

// isOAuth2 says whether the row is an OAuth2Provider (proxy providers are one).
func (p *provider) isOAuth2() bool { return p.Kind == kindOAuth2 || p.Kind == kindProxy }

func (p *provider) concreteClass() providerClass {
	switch p.Kind {
	case kindProxy:
		return classProxy
	case kindSAML:
		return classSAML
	case kindLDAP:
		return classLDAP
	}
	return classOAuth2
}

// overrideKind is the OverrideField/SetField kind of a provider.
func (p *provider) overrideKind() string { return p.Kind + "provider" }

type providerOut struct {
	PK                                 int32    `json:"pk"`
	Name                               string   `json:"name"`
	AuthenticationFlow                 *string  `json:"authentication_flow"`
	AuthorizationFlow                  string   `json:"authorization_flow"`
	InvalidationFlow                   *string  `json:"invalidation_flow"`
	PropertyMappings                   []string `json:"property_mappings"`
	Component                          string   `json:"component"`
	AssignedApplicationSlug            string   `json:"assigned_application_slug"`
	AssignedApplicationName            string   `json:"assigned_application_name"`
	AssignedBackchannelApplicationSlug string   `json:"assigned_backchannel_application_slug"`
	AssignedBackchannelApplicationName string   `json:"assigned_backchannel_application_name"`
	VerboseName                        string   `json:"verbose_name"`
	VerboseNamePlural                  string   `json:"verbose_name_plural"`
	MetaModelName                      string   `json:"meta_model_name"`
}

type oauth2Out struct {
	providerOut
	ClientType             string        `json:"client_type"`
	ClientID               string        `json:"client_id"`
	ClientSecret           string        `json:"client_secret"`
	AccessCodeValidity     string        `json:"access_code_validity"`
	AccessTokenValidity    string        `json:"access_token_validity"`
	RefreshTokenValidity   string        `json:"refresh_token_validity"`
	RefreshTokenThreshold  string        `json:"refresh_token_threshold"`
	IncludeClaimsInIDToken bool          `json:"include_claims_in_id_token"`
	SigningKey             *string       `json:"signing_key"`
	EncryptionKey          *string       `json:"encryption_key"`
	RedirectURIs           []redirectURI `json:"redirect_uris"`
	LogoutURI              string        `json:"logout_uri"`
	LogoutMethod           string        `json:"logout_method"`
	SubMode                string        `json:"sub_mode"`
	IssuerMode             string        `json:"issuer_mode"`
	JWTFederationSources   []string      `json:"jwt_federation_sources"`
	JWTFederationProviders []int32       `json:"jwt_federation_providers"`
}

type proxyOut struct {
	providerOut
	ClientID                   string        `json:"client_id"`
	InternalHost               string        `json:"internal_host"`
	ExternalHost               string        `json:"external_host"`
	InternalHostSSLValidation  bool          `json:"internal_host_ssl_validation"`
	Certificate                *string       `json:"certificate"`
	SkipPathRegex              string        `json:"skip_path_regex"`
	BasicAuthEnabled           bool          `json:"basic_auth_enabled"`
	BasicAuthPasswordAttribute string        `json:"basic_auth_password_attribute"`
	BasicAuthUserAttribute     string        `json:"basic_auth_user_attribute"`
	Mode                       string        `json:"mode"`
	InterceptHeaderAuth        bool          `json:"intercept_header_auth"`
	RedirectURIs               []redirectURI `json:"redirect_uris"`
	CookieDomain               string        `json:"cookie_domain"`
	JWTFederationSources       []string      `json:"jwt_federation_sources"`
	JWTFederationProviders     []int32       `json:"jwt_federation_providers"`
	AccessTokenValidity        string        `json:"access_token_validity"`
	RefreshTokenValidity       string        `json:"refresh_token_validity"`
	OutpostSet                 []string      `json:"outpost_set"`
}

// baseOut renders the fields shared by every provider serializer. Unassigned
// providers get "" in assigned_* (the client schema has them non-nullable;
// the real 2026.2.2 server sends null).
func (e *Emulator) baseOut(p *provider, cls providerClass) providerOut {
	out := providerOut{
		PK: p.PK, Name: p.Name, AuthenticationFlow: p.AuthenticationFlow, AuthorizationFlow: p.AuthorizationFlow,
		InvalidationFlow: p.InvalidationFlow, PropertyMappings: scramble(e.seed, p.PropertyMappings),
		Component: cls.component, VerboseName: cls.verbose, VerboseNamePlural: cls.verbosePlural,
		MetaModelName: cls.modelName,
	}
	if a := e.st.appUsingProvider(p.PK); a != nil {
		out.AssignedApplicationSlug, out.AssignedApplicationName = a.Slug, a.Name
	}
	if a := e.st.appByPK(p.BackchannelApp); a != nil {
		out.AssignedBackchannelApplicationSlug, out.AssignedBackchannelApplicationName = a.Slug, a.Name
	}
	return out
}

func (e *Emulator) renderProviderAs(p *provider, cls providerClass) map[string]any {
	m := toMap(e.baseOut(p, cls))
	e.applyOverrides(p.overrideKind(), p.Name, m)
	return m
}

func (e *Emulator) renderOAuth2(p *provider) map[string]any {
	m := toMap(oauth2Out{
		providerOut: e.baseOut(p, classOAuth2), ClientType: p.ClientType, ClientID: p.ClientID,
		ClientSecret: p.ClientSecret, AccessCodeValidity: p.AccessCodeValidity,
		AccessTokenValidity: p.AccessTokenValidity, RefreshTokenValidity: p.RefreshTokenValidity,
		RefreshTokenThreshold: p.RefreshTokenThreshold, IncludeClaimsInIDToken: p.IncludeClaimsInIDToken,
		SigningKey: p.SigningKey, EncryptionKey: p.EncryptionKey, RedirectURIs: p.RedirectURIs,
		LogoutURI: p.LogoutURI, LogoutMethod: p.LogoutMethod, SubMode: p.SubMode, IssuerMode: p.IssuerMode,
		JWTFederationSources:   scramble(e.seed, p.JWTFederationSources),
		JWTFederationProviders: scramble(e.seed, p.JWTFederationProviders),
	})
	e.applyOverrides("oauth2provider", p.Name, m)
	return m
}

func (e *Emulator) renderProxy(p *provider) map[string]any {
	outposts := []string{}
	for _, o := range e.st.outposts {
		for _, pk := range o.Providers {
			if pk == p.PK {
				outposts = append(outposts, "Outpost "+o.Name)
			}
		}
	}
	m := toMap(proxyOut{
		providerOut: e.baseOut(p, classProxy), ClientID: p.ClientID, InternalHost: p.InternalHost,
		ExternalHost: p.ExternalHost, InternalHostSSLValidation: p.InternalHostSSLValidation,
		Certificate: p.Certificate, SkipPathRegex: p.SkipPathRegex, BasicAuthEnabled: p.BasicAuthEnabled,
		BasicAuthPasswordAttribute: p.BasicAuthPasswordAttribute, BasicAuthUserAttribute: p.BasicAuthUserAttribute,
		Mode: p.Mode, InterceptHeaderAuth: p.InterceptHeaderAuth, RedirectURIs: p.RedirectURIs,
		CookieDomain: p.CookieDomain, JWTFederationSources: scramble(e.seed, p.JWTFederationSources),
		JWTFederationProviders: scramble(e.seed, p.JWTFederationProviders),
		AccessTokenValidity:    p.AccessTokenValidity, RefreshTokenValidity: p.RefreshTokenValidity,
		OutpostSet: outposts,
	})
	e.applyOverrides("proxyprovider", p.Name, m)
	return m
}

func (s *state) providerByPK(pk int32) *provider {
	if s.idx != nil {
		return s.providerIndex()[pk]
	}
	for _, p := range s.providers {
		if p.PK == pk {
			return p
		}
	}
	return nil
}

func (s *state) providerExists(pk int32) bool { return s.providerByPK(pk) != nil }

// providerFromURL resolves the {id} of a provider detail URL. The model
// (OAuth2Provider, ProxyProvider, ... or Provider for any) restricts the
// lookup to that class and its subclasses, like the viewset's queryset.
func (e *Emulator) providerFromURL(c *call, model string) (*provider, *resp) {
	n, err := strconv.ParseInt(c.id, 10, 32)
	if err != nil {
		r := notFound()
		return nil, &r
	}
	p := e.st.providerByPK(int32(n))
	if p == nil || !p.isA(model) {
		r := noMatch(model)
		return nil, &r
	}
	return p, nil
}

// isA is Python's isinstance against a provider class name.
func (p *provider) isA(model string) bool {
	switch model {
	case "Provider":
		return true
	case "OAuth2Provider":
		return p.isOAuth2()
	}
	return p.concreteClass().pyName == model
}

// newOAuth2Defaults is an OAuth2Provider with the model defaults.
func (e *Emulator) newOAuth2Defaults() *provider {
	return &provider{
		Kind:       kindOAuth2,
		ClientType: "confidential", ClientID: e.randomString(40), ClientSecret: e.randomString(128),
		AccessCodeValidity: "minutes=1", AccessTokenValidity: "hours=1", RefreshTokenValidity: "days=30",
		RefreshTokenThreshold: "seconds=0", IncludeClaimsInIDToken: true, RedirectURIs: []redirectURI{},
		LogoutMethod: "backchannel", SubMode: "hashed_user_id", IssuerMode: "per_provider",
		PropertyMappings: []string{}, JWTFederationSources: []string{}, JWTFederationProviders: []int32{},
		InternalHostSSLValidation: true, Mode: "proxy", InterceptHeaderAuth: true,
	}
}

// ---- OAuth2 endpoints ----

func (e *Emulator) listOAuth2(c *call) resp {
	r := e.checkRefFilters(c, map[string]func(string) bool{
		"application":        func(v string) bool { return e.st.appByPK(v) != nil },
		"authorization_flow": func(v string) bool { return e.st.flowRef(v) != "" },
		"signing_key":        func(v string) bool { return e.st.keypairRef(v) != "" },
	}, map[string]func(string) bool{
		"property_mappings": func(v string) bool { return e.st.mappingRef(v) != "" },
	})
	if r = checkChoiceFilters(c, map[string][]string{"client_type": clientTypes, "sub_mode": subModes,
		"issuer_mode": issuerModes}, nil, r); r != nil {
		return *r
	}
	var ps []*provider
	for _, p := range e.st.providers {
		if !p.isOAuth2() {
			continue
		}
		if app := c.last("application"); app != "" {
			if a := e.st.appUsingProvider(p.PK); a == nil || !strings.EqualFold(a.PK, app) {
				continue
			}
		}
		ps = append(ps, p)
	}
	l := lazyList{n: len(ps), render: func(i int) map[string]any { return e.renderOAuth2(ps[i]) }}
	if len(e.overrides["oauth2provider"]) == 0 {
		l.fast = func(i int, name string) (any, bool) {
			p := ps[i]
			switch name {
			case "name":
				return p.Name, true
			case "client_id":
				return p.ClientID, true
			case "client_type":
				return p.ClientType, true
			case "sub_mode":
				return p.SubMode, true
			case "issuer_mode":
				return p.IssuerMode, true
			}
			return nil, false
		}
	}
	return e.listLazy(c, l, listSpec{
		filters: []filterSpec{exact("name", "name"), exact("client_id", "client_id"), exact("client_type", "client_type"),
			iexact("authorization_flow", "authorization_flow"), listContains("property_mappings", "property_mappings"),
			iexact("signing_key", "signing_key"), exact("sub_mode", "sub_mode"), exact("issuer_mode", "issuer_mode"),
			boolExact("include_claims_in_id_token", "include_claims_in_id_token"),
			exact("access_code_validity", "access_code_validity"), exact("access_token_validity", "access_token_validity"),
			exact("refresh_token_validity", "refresh_token_validity")},
		searchFields: []string{"name"},
		order:        []string{"name"},
	})
}

func (e *Emulator) getOAuth2(c *call) resp {
	p, r := e.providerFromURL(c, "OAuth2Provider")
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderOAuth2(p)}
}

func (e *Emulator) createOAuth2(c *call) resp {
	p := e.newOAuth2Defaults()
	if r := e.writeProvider(c, p, false, false); r.status != 0 {
		return r
	}
	e.insertProvider(p)
	return resp{status: http.StatusCreated, body: e.renderOAuth2(p)}
}

func (e *Emulator) putOAuth2(c *call) resp   { return e.updateOAuth2(c, false) }
func (e *Emulator) patchOAuth2(c *call) resp { return e.updateOAuth2(c, true) }

func (e *Emulator) updateOAuth2(c *call, partial bool) resp {
	p, r := e.providerFromURL(c, "OAuth2Provider")
	if r != nil {
		return *r
	}
	next := *p
	if r := e.writeProvider(c, &next, partial, false); r.status != 0 {
		return r
	}
	*p = next
	return resp{status: 200, body: e.renderOAuth2(p)}
}

// ---- Proxy endpoints ----

func (e *Emulator) listProxy(c *call) resp {
	var ps []*provider
	for _, p := range e.st.providers {
		if p.Kind == kindProxy {
			ps = append(ps, p)
		}
	}
	l := lazyList{n: len(ps), render: func(i int) map[string]any {
		p := ps[i]
		m := e.renderProxy(p)
		if p.Certificate != nil {
			if k := e.st.keypairByPK(*p.Certificate); k != nil {
				m["_certificate_name"] = k.Name
			}
		}
		if f := e.st.flowRef(p.AuthorizationFlow); f != "" {
			for _, fl := range e.st.flows {
				if fl.PK == f {
					m["_authorization_flow_slug"] = fl.Slug
				}
			}
		}
		return m
	}}
	if len(e.overrides["proxyprovider"]) == 0 {
		l.fast = func(i int, name string) (any, bool) {
			switch name {
			case "name":
				return ps[i].Name, true
			case "external_host":
				return ps[i].ExternalHost, true
			}
			return nil, false
		}
	}
	res := e.listLazy(c, l, listSpec{
		filters: []filterSpec{iexact("name__iexact", "name"), iexact("external_host__iexact", "external_host"),
			iexact("internal_host__iexact", "internal_host"), iexact("mode__iexact", "mode"),
			boolExact("internal_host_ssl_validation__iexact", "internal_host_ssl_validation"),
			iexact("authorization_flow__slug__iexact", "_authorization_flow_slug"),
			iexact("certificate__kp_uuid__iexact", "certificate"), iexact("certificate__name__iexact", "_certificate_name"),
			iexact("cookie_domain__iexact", "cookie_domain"), iexact("skip_path_regex__iexact", "skip_path_regex"),
			iexact("basic_auth_enabled__iexact", "basic_auth_enabled"),
			iexact("basic_auth_password_attribute__iexact", "basic_auth_password_attribute"),
			iexact("basic_auth_user_attribute__iexact", "basic_auth_user_attribute"),
			listContains("property_mappings__iexact", "property_mappings"),
			isNull("application__isnull", "assigned_application_slug")},
		searchFields: []string{"name"},
		order:        []string{"name"},
	})
	stripPrivate(res)
	return res
}

// stripPrivate removes helper keys ("_..."), used only for filtering, from list results.
func stripPrivate(r resp) {
	body, ok := r.body.(map[string]any)
	if !ok {
		return
	}
	results, _ := body["results"].([]map[string]any)
	for _, m := range results {
		for k := range m {
			if strings.HasPrefix(k, "_") {
				delete(m, k)
			}
		}
	}
}

func (e *Emulator) getProxy(c *call) resp {
	p, r := e.providerFromURL(c, "ProxyProvider")
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderProxy(p)}
}

func (e *Emulator) createProxy(c *call) resp {
	p := e.newOAuth2Defaults()
	p.Kind = kindProxy
	if r := e.writeProvider(c, p, false, true); r.status != 0 {
		return r
	}
	e.setOAuthDefaults(p)
	e.insertProvider(p)
	return resp{status: http.StatusCreated, body: e.renderProxy(p)}
}

func (e *Emulator) putProxy(c *call) resp   { return e.updateProxy(c, false) }
func (e *Emulator) patchProxy(c *call) resp { return e.updateProxy(c, true) }

func (e *Emulator) updateProxy(c *call, partial bool) resp {
	p, r := e.providerFromURL(c, "ProxyProvider")
	if r != nil {
		return *r
	}
	next := *p
	if r := e.writeProvider(c, &next, partial, true); r.status != 0 {
		return r
	}
	e.setOAuthDefaults(&next)
	*p = next
	return resp{status: 200, body: e.renderProxy(p)}
}

// setOAuthDefaults is ProxyProvider.set_oauth_defaults, run on every proxy write.
func (e *Emulator) setOAuthDefaults(p *provider) {
	p.ClientType = "confidential"
	p.SigningKey = nil
	p.IncludeClaimsInIDToken = true
	for _, managed := range []string{
		"goauthentik.io/providers/oauth2/scope-openid", "goauthentik.io/providers/oauth2/scope-profile",
		"goauthentik.io/providers/oauth2/scope-email", "goauthentik.io/providers/oauth2/scope-entitlements",
		"goauthentik.io/providers/proxy/scope-proxy",
	} {
		if m := e.st.mappingByManaged(managed); m != nil && !slices.Contains(p.PropertyMappings, m.PK) {
			p.PropertyMappings = append(p.PropertyMappings, m.PK)
		}
	}
	callback := p.ExternalHost + "/outpost.goauthentik.io/callback"
	if base, err := url.Parse(p.ExternalHost); err == nil {
		if ref, err := url.Parse("outpost.goauthentik.io/callback"); err == nil {
			callback = base.ResolveReference(ref).String()
		}
	}
	p.RedirectURIs = []redirectURI{
		{MatchingMode: "strict", URL: callback + "?X-authentik-auth-callback=true"},
		{MatchingMode: "strict", URL: p.ExternalHost + "?X-authentik-auth-callback=true"},
	}
}

func (e *Emulator) insertProvider(p *provider) {
	p.PK = e.st.nextProviderPK
	e.st.nextProviderPK++
	e.st.providers = append(e.st.providers, p)
}

// ---- all providers ----

func (e *Emulator) listAllProviders(c *call) resp {
	var ps []*provider
	backchannel, bcErr := parseBool(c.last("backchannel"))
	appNull, appErr := parseBool(c.last("application__isnull"))
	for _, p := range e.st.providers {
		if bcErr == nil && backchannel != p.isBackchannel() {
			continue // ProviderFilter.filter_backchannel: is_backchannel=value
		}
		if appErr == nil {
			// ProviderFilter.filter_application__isnull:
			// Q(backchannel_application__isnull=v, is_backchannel=True) | Q(application__isnull=v)
			noApp := e.st.appUsingProvider(p.PK) == nil
			noBackchannelApp := e.st.appByPK(p.BackchannelApp) == nil
			if !((p.isBackchannel() && noBackchannelApp == appNull) || noApp == appNull) {
				continue
			}
		}
		ps = append(ps, p)
	}
	l := lazyList{n: len(ps), render: func(i int) map[string]any {
		p := ps[i]
		m := e.renderProviderAs(p, p.concreteClass())
		if a := e.st.appUsingProvider(p.PK); a != nil {
			m["_application_name"] = a.Name
		}
		return m
	}}
	overridden := false
	for _, k := range []string{"oauth2provider", "proxyprovider", "samlprovider", "ldapprovider"} {
		overridden = overridden || len(e.overrides[k]) > 0
	}
	if !overridden {
		l.fast = func(i int, name string) (any, bool) {
			switch name {
			case "pk":
				return json.Number(strconv.Itoa(int(ps[i].PK))), true
			case "name":
				return ps[i].Name, true
			}
			return nil, false
		}
	}
	res := e.listLazy(c, l, listSpec{
		searchFields: []string{"name", "_application_name"},
		order:        []string{"pk"},
	})
	stripPrivate(res)
	return res
}

// isBackchannel is Provider.is_backchannel: true for BackchannelProvider
// subclasses (LDAP here).
func (p *provider) isBackchannel() bool { return p.Kind == kindLDAP }

func (e *Emulator) getAnyProvider(c *call) resp {
	p, r := e.providerFromURL(c, "Provider")
	if r != nil {
		return *r
	}
	return resp{status: 200, body: e.renderProviderAs(p, p.concreteClass())}
}

func (e *Emulator) deleteProvider(model string) handler {
	return func(c *call) resp {
		p, r := e.providerFromURL(c, model)
		if r != nil {
			return *r
		}
		e.st.deleteProvider(p)
		return resp{status: http.StatusNoContent}
	}
}

// deleteProvider removes a provider: applications lose it (provider=null),
// outposts drop it, federation lists drop it.
func (s *state) deleteProvider(p *provider) {
	for _, a := range s.apps {
		if a.Provider != nil && *a.Provider == p.PK {
			a.Provider = nil
		}
	}
	for _, o := range s.outposts {
		o.Providers = removeInt(o.Providers, p.PK)
	}
	out := s.providers[:0]
	for _, x := range s.providers {
		if x != p {
			x.JWTFederationProviders = removeInt(x.JWTFederationProviders, p.PK)
			out = append(out, x)
		}
	}
	s.providers = out
}

// ---- validation ----

func (f *form) duration(k string, dst *string) {
	var v string
	if f.str(k, false, false, &v) {
		if msg, crash := durationError(v); crash {
			f.crash(k)
		} else if msg != "" {
			f.fail(k, msg)
		} else {
			*dst = v
		}
	}
}

// urlField reads an http(s) URL (Django URLValidator stand-in).
func (f *form) urlField(k string, required, allowBlank bool, dst *string) {
	var v string
	if !f.str(k, required, allowBlank, &v) {
		return
	}
	if v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			f.fail(k, "Enter a valid URL.")
			return
		}
	}
	*dst = v
}

// redirectURIs validates the list of {matching_mode, url} objects.
func (f *form) redirectURIs(k string, required bool, dst *[]redirectURI) {
	items, ok := f.list(k, required, true)
	if !ok {
		return
	}
	out := make([]redirectURI, 0, len(items))
	itemErrs := make([]any, len(items))
	bad := false
	for i, raw := range items {
		sub, perr := parseForm(raw, false)
		if perr != nil {
			itemErrs[i] = map[string]any{"non_field_errors": []string{
				fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(raw))}}
			bad = true
			continue
		}
		var r redirectURI
		sub.choice("matching_mode", true, matchingModes, &r.MatchingMode)
		sub.str("url", true, false, &r.URL)
		itemErrs[i] = sub.errs
		if !sub.ok() {
			bad = true
		}
		out = append(out, r)
	}
	if bad {
		f.errs[k] = itemErrs
		return
	}
	for _, r := range out {
		if r.MatchingMode == "regex" {
			if _, err := pyregex.Compile(r.URL); err != nil {
				f.fail(k, "Invalid Regex Pattern: "+r.URL)
				return
			}
		}
	}
	*dst = out
}

// writeProvider validates a provider body into p (a copy of the stored
// object, or a fresh one). proxy selects ProxyProviderSerializer.
// A zero resp means success.
func (e *Emulator) writeProvider(c *call, p *provider, partial, proxy bool) resp {
	f, perr := parseForm(c.body, partial)
	if perr != nil {
		return *perr
	}
	e.readProviderBase(f, p)
	f.uuidList("jwt_federation_sources", false, func(string) string { return "" }, &p.JWTFederationSources)
	f.intList("jwt_federation_providers", false, true, e.st.providerExists, &p.JWTFederationProviders)
	f.duration("access_token_validity", &p.AccessTokenValidity)
	f.duration("refresh_token_validity", &p.RefreshTokenValidity)
	if proxy {
		e.proxyFields(f, p)
		// validate_basic_auth_enabled is a field validator reading
		// initial_data (authentik/providers/proxy/api.py): its error is keyed
		// basic_auth_enabled, and validate() then does not run.
		emptyInitial := func(k string) bool { return !f.has(k) || string(f.raw[k]) == `""` }
		if _, failed := f.errs["basic_auth_enabled"]; !failed && f.has("basic_auth_enabled") && p.BasicAuthEnabled &&
			(emptyInitial("basic_auth_password_attribute") || emptyInitial("basic_auth_user_attribute")) {
			f.fail("basic_auth_enabled", "User and password attributes must be set when basic auth is enabled.")
		}
	} else {
		e.oauth2Fields(f, p)
	}
	if !f.ok() {
		return f.result()
	}
	if proxy {
		// ProxyProviderSerializer.validate sees only the attributes in the body.
		var mode, internal string
		mode = "proxy"
		if f.has("mode") {
			mode = p.Mode
		}
		if f.has("internal_host") {
			internal = p.InternalHost
		}
		if internal == "" && mode == "proxy" {
			return fieldError("internal_host", "Internal host cannot be empty when forward auth is disabled.")
		}
	}
	return resp{}
}

func (e *Emulator) oauth2Fields(f *form, p *provider) {
	f.choice("client_type", false, clientTypes, &p.ClientType)
	var clientID string
	if f.str("client_id", false, false, &clientID) {
		if len(clientID) > 255 {
			f.fail("client_id", "Ensure this field has no more than 255 characters.")
		}
		for _, o := range e.st.providers {
			if o.ClientID == clientID && o.PK != p.PK {
				f.fail("client_id", "OAuth2/OpenID Provider with this Client ID already exists.")
			}
		}
		p.ClientID = clientID
	}
	if f.str("client_secret", false, true, &p.ClientSecret) && len(p.ClientSecret) > 255 {
		f.fail("client_secret", "Ensure this field has no more than 255 characters.")
	}
	f.duration("access_code_validity", &p.AccessCodeValidity)
	f.duration("refresh_token_threshold", &p.RefreshTokenThreshold)
	f.boolean("include_claims_in_id_token", &p.IncludeClaimsInIDToken)
	f.uuidRef("signing_key", false, true, e.st.keypairRef, &p.SigningKey)
	f.uuidRef("encryption_key", false, true, e.st.keypairRef, &p.EncryptionKey)
	f.redirectURIs("redirect_uris", true, &p.RedirectURIs)
	f.urlField("logout_uri", false, true, &p.LogoutURI)
	f.choice("logout_method", false, logoutMethods, &p.LogoutMethod)
	f.choice("sub_mode", false, subModes, &p.SubMode)
	f.choice("issuer_mode", false, issuerModes, &p.IssuerMode)
}

func (e *Emulator) proxyFields(f *form, p *provider) {
	f.urlField("external_host", true, false, &p.ExternalHost)
	f.urlField("internal_host", false, true, &p.InternalHost)
	f.boolean("internal_host_ssl_validation", &p.InternalHostSSLValidation)
	f.uuidRef("certificate", false, true, e.st.keypairRef, &p.Certificate)
	f.str("skip_path_regex", false, true, &p.SkipPathRegex)
	f.boolean("basic_auth_enabled", &p.BasicAuthEnabled)
	f.str("basic_auth_password_attribute", false, true, &p.BasicAuthPasswordAttribute)
	f.str("basic_auth_user_attribute", false, true, &p.BasicAuthUserAttribute)
	f.choice("mode", false, proxyModes, &p.Mode)
	f.boolean("intercept_header_auth", &p.InterceptHeaderAuth)
	f.str("cookie_domain", false, true, &p.CookieDomain)
}

// checkRefFilters returns the 400 of django-filter's model choice filters
// when a value names no existing object.
func (e *Emulator) checkRefFilters(c *call, single, multi map[string]func(string) bool) *resp {
	errs := map[string]any{}
	for param, exists := range single {
		if v := c.last(param); v != "" && !exists(v) {
			errs[param] = []string{"Select a valid choice. That choice is not one of the available choices."}
		}
	}
	for param, exists := range multi {
		for _, v := range c.queryValues(param) {
			if !exists(v) {
				errs[param] = []string{fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", v)}
				break
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &resp{status: http.StatusBadRequest, body: errs}
}
