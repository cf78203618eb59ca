package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/pyregex"
)

// provider is one row of authentik's shared Provider table. The Provider
// base fields (ProviderSerializer) are typed; each type's own fields live
// in Attrs, read and rendered by its kind's field table: OAuth2 and proxy
// (providers.go), SAML (saml.go), LDAP (ldap.go). A proxy provider is an
// OAuth2Provider subclass, so its Attrs carry the OAuth2 fields too.
type provider struct {
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

// attr is a string field of the type's own.
func (p *provider) attr(k string) string { return httpapi.FmtVal(p.Attrs[k]) }

// ref is a nullable reference field of the type's own (nil when null).
func (p *provider) ref(k string) *string {
	if s, ok := p.Attrs[k].(string); ok {
		return &s
	}
	return nil
}

// redirectURIs is an OAuth2 provider's redirect_uris.
func (p *provider) redirectURIs() []redirectURI {
	l, _ := p.Attrs["redirect_uris"].([]redirectURI)
	return l
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
		out.AssignedApplicationSlug, out.AssignedApplicationName = a.slug(), a.name()
	}
	if a := e.st.appByPK(p.BackchannelApp); a != nil {
		out.AssignedBackchannelApplicationSlug, out.AssignedBackchannelApplicationName = a.slug(), a.name()
	}
	return out
}

func (e *Emulator) renderProviderAs(p *provider, cls providerClass) map[string]any {
	m := httpapi.ToMap(e.baseOut(p, cls))
	e.applyOverrides(p.overrideKind(), p.Name, m)
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

// newOAuth2Defaults is an OAuth2Provider with the model defaults
// (authentik/providers/oauth2/models.py; client_id and client_secret are
// generate_id / generate_client_secret) and, for a proxy provider, the
// ProxyProvider ones (authentik/providers/proxy/models.py).
func (e *Emulator) newOAuth2Defaults() *provider {
	return &provider{
		Kind: kindOAuth2, PropertyMappings: []string{},
		Attrs: map[string]any{
			"client_type": "confidential", "client_id": e.randomString(40), "client_secret": e.randomString(128),
			"access_code_validity": "minutes=1", "access_token_validity": "hours=1", "refresh_token_validity": "days=30",
			"refresh_token_threshold": "seconds=0", "include_claims_in_id_token": true, "signing_key": nil,
			"encryption_key": nil, "redirect_uris": []redirectURI{}, "logout_uri": "", "logout_method": "backchannel",
			"sub_mode": "hashed_user_id", "issuer_mode": "per_provider", "jwt_federation_sources": []string{},
			"jwt_federation_providers": []int32{},
			"internal_host":            "", "external_host": "", "internal_host_ssl_validation": true, "certificate": nil,
			"skip_path_regex": "", "basic_auth_enabled": false, "basic_auth_password_attribute": "",
			"basic_auth_user_attribute": "", "mode": "proxy", "intercept_header_auth": true, "cookie_domain": "",
		},
	}
}

// The JWT federation fields and the token durations, shared by
// OAuth2ProviderSerializer and ProxyProviderSerializer. Durations use
// timedelta_string_validator (authentik/lib/utils/time.py).
var (
	jwtFederationFields = []fieldDef{
		{name: "jwt_federation_sources", typ: ftRefList, ref: "source", allowEmpty: true, unordered: true},
		{name: "jwt_federation_providers", typ: ftIntRefList, ref: "provider", unordered: true},
	}
	tokenValidityFields = []fieldDef{
		{name: "access_token_validity", typ: ftDuration},
		{name: "refresh_token_validity", typ: ftDuration},
	}
)

// withFilter is fields with an exact list filter each (OAuth2ProviderFilter
// filters on the durations; ProxyProviderFilter does not).
func withFilter(fields []fieldDef) []fieldDef {
	out := append([]fieldDef(nil), fields...)
	for i := range out {
		out[i].filter = "exact"
	}
	return out
}

// oauth2ProviderFields are OAuth2ProviderSerializer's own fields
// (authentik/providers/oauth2/api/providers.py); defaults come from
// newOAuth2Defaults.
var oauth2ProviderFields = append(append([]fieldDef{
	{name: "client_type", typ: ftChoice, choices: clientTypes, filter: "exact"},
	{name: "client_id", typ: ftString, maxLength: 255, filter: "exact",
		unique: "OAuth2/OpenID Provider with this Client ID already exists."},
	{name: "client_secret", typ: ftString, blank: true, maxLength: 255},
	{name: "access_code_validity", typ: ftDuration, filter: "exact"},
	{name: "refresh_token_threshold", typ: ftDuration},
	{name: "include_claims_in_id_token", typ: ftBool, filter: "exact"},
	{name: "signing_key", typ: ftKeypair, filter: "exact"},
	{name: "encryption_key", typ: ftKeypair},
	{name: "redirect_uris", typ: ftRedirectURIs, required: true},
	{name: "logout_uri", typ: ftURL, blank: true},
	{name: "logout_method", typ: ftChoice, choices: logoutMethods},
	{name: "sub_mode", typ: ftChoice, choices: subModes, filter: "exact"},
	{name: "issuer_mode", typ: ftChoice, choices: issuerModes, filter: "exact"},
}, withFilter(tokenValidityFields)...), jwtFederationFields...)

// proxyProviderFields are ProxyProviderSerializer's own fields
// (authentik/providers/proxy/api.py). Its list filters are all
// ProxyProviderFilter lookups (name__iexact, ...), so they are listed
// in proxyProviderKind's list spec rather than here.
var proxyProviderFields = append(append([]fieldDef{
	{name: "internal_host", typ: ftURL, blank: true},
	{name: "external_host", typ: ftURL, required: true},
	{name: "internal_host_ssl_validation", typ: ftBool},
	{name: "certificate", typ: ftKeypair},
	{name: "skip_path_regex", typ: ftString, blank: true},
	{name: "basic_auth_enabled", typ: ftBool},
	{name: "basic_auth_password_attribute", typ: ftString, blank: true},
	{name: "basic_auth_user_attribute", typ: ftString, blank: true},
	{name: "mode", typ: ftChoice, choices: proxyModes},
	{name: "intercept_header_auth", typ: ftBool},
	{name: "cookie_domain", typ: ftString, blank: true},
}, jwtFederationFields...), tokenValidityFields...)

// oauth2ProviderKind serves providers/oauth2/: every OAuth2Provider, so
// proxy providers too (the viewset's queryset includes subclasses).
var oauth2ProviderKind = func() *kindDef[*provider] {
	k := providerKind("oauth2provider", "OAuth2Provider", "providers/oauth2/", oauth2ProviderFields)
	k.metaModel = classOAuth2.modelName
	k.all = func(e *Emulator) []*provider {
		var out []*provider
		for _, p := range e.st.providers {
			if p.isOAuth2() {
				out = append(out, p)
			}
		}
		return out
	}
	k.byID = func(e *Emulator, id string) (*provider, bool) {
		n, _ := strconv.ParseInt(id, 10, 32)
		p := e.st.providerByPK(int32(n))
		return p, p != nil && p.isOAuth2()
	}
	k.fresh = func(e *Emulator) *provider { return e.newOAuth2Defaults() }
	k.render = func(e *Emulator, _ *httpapi.Call, p *provider) map[string]any {
		return httpapi.ToMap(e.baseOut(p, classOAuth2))
	}
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.Iexact("authorization_flow", "authorization_flow"),
			httpapi.ListContains("property_mappings", "property_mappings")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.refFilters = func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		return map[string]func(string) bool{
				"application":        func(v string) bool { return e.st.appByPK(v) != nil },
				"authorization_flow": func(v string) bool { return e.st.flowRef(v) != "" },
				"signing_key":        func(v string) bool { return e.st.keypairRef(v) != "" },
			}, map[string]func(string) bool{
				"property_mappings": func(v string) bool { return e.st.mappingRef(v) != "" },
			}
	}
	// OAuth2ProviderFilter's application: the provider's main application.
	k.listFilter = func(e *Emulator, c *httpapi.Call) (func(*provider) bool, *httpapi.Resp) {
		app := c.Last("application")
		return func(p *provider) bool {
			if app == "" {
				return true
			}
			a := e.st.appUsingProvider(p.PK)
			return a != nil && strings.EqualFold(a.PK, app)
		}, nil
	}
	k.rawDetailActions = func(e *Emulator) map[string]action {
		return map[string]action{"setup_urls": {methods: map[string]handler{http.MethodGet: e.setupURLs}}}
	}
	return k
}()

// proxyProviderKind serves providers/proxy/. Every write runs
// ProxyProvider.set_oauth_defaults (authentik/providers/proxy/api.py,
// ProxyProviderSerializer.create / update).
var proxyProviderKind = func() *kindDef[*provider] {
	k := providerKind("proxyprovider", "ProxyProvider", "providers/proxy/", proxyProviderFields)
	k.metaModel = classProxy.modelName
	k.fresh = func(e *Emulator) *provider {
		p := e.newOAuth2Defaults()
		p.Kind = kindProxy
		return p
	}
	k.insert = func(e *Emulator, p *provider) {
		e.setOAuthDefaults(p)
		e.insertProvider(p)
	}
	k.commit = func(e *Emulator, dst, src *provider) {
		e.setOAuthDefaults(src)
		*dst = *src
	}
	k.render = func(e *Emulator, _ *httpapi.Call, p *provider) map[string]any {
		m := httpapi.ToMap(e.baseOut(p, classProxy))
		outposts := []any{}
		for _, o := range e.st.outposts {
			for _, pk := range o.providers() {
				if pk == p.PK {
					outposts = append(outposts, "Outpost "+o.name())
				}
			}
		}
		m["outpost_set"] = outposts
		m["client_id"] = p.Attrs["client_id"]
		m["redirect_uris"] = renderValue(p.Attrs["redirect_uris"])
		return m
	}
	k.listExtra = func(e *Emulator, p *provider, m map[string]any) {
		if cert := p.ref("certificate"); cert != nil {
			if kp := e.st.keypairByPK(*cert); kp != nil {
				m["_certificate_name"] = kp.Name
			}
		}
		if f := e.st.flowRef(p.AuthorizationFlow); f != "" {
			for _, fl := range e.st.flows {
				if fl.PK == f {
					m["_authorization_flow_slug"] = fl.Slug
				}
			}
		}
	}
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Iexact("name__iexact", "name"), httpapi.Iexact("external_host__iexact", "external_host"),
			httpapi.Iexact("internal_host__iexact", "internal_host"), httpapi.Iexact("mode__iexact", "mode"),
			httpapi.BoolExact("internal_host_ssl_validation__iexact", "internal_host_ssl_validation"),
			httpapi.Iexact("authorization_flow__slug__iexact", "_authorization_flow_slug"),
			httpapi.Iexact("certificate__kp_uuid__iexact", "certificate"), httpapi.Iexact("certificate__name__iexact", "_certificate_name"),
			httpapi.Iexact("cookie_domain__iexact", "cookie_domain"), httpapi.Iexact("skip_path_regex__iexact", "skip_path_regex"),
			httpapi.Iexact("basic_auth_enabled__iexact", "basic_auth_enabled"),
			httpapi.Iexact("basic_auth_password_attribute__iexact", "basic_auth_password_attribute"),
			httpapi.Iexact("basic_auth_user_attribute__iexact", "basic_auth_user_attribute"),
			httpapi.ListContains("property_mappings__iexact", "property_mappings"),
			httpapi.IsNull("application__isnull", "assigned_application_slug")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.refFilters = nil
	// validate_basic_auth_enabled is a field validator reading initial_data
	// (authentik/providers/proxy/api.py): its error is keyed
	// basic_auth_enabled, and validate() then does not run.
	k.fieldChecks = func(e *Emulator, f *httpapi.Form, p *provider) {
		emptyInitial := func(k string) bool { return !f.Has(k) || string(f.Raw[k]) == `""` }
		if _, failed := f.Errs["basic_auth_enabled"]; !failed && f.Has("basic_auth_enabled") &&
			p.Attrs["basic_auth_enabled"] == true &&
			(emptyInitial("basic_auth_password_attribute") || emptyInitial("basic_auth_user_attribute")) {
			f.Fail("basic_auth_enabled", "User and password attributes must be set when basic auth is enabled.")
		}
	}
	// ProxyProviderSerializer.validate sees only the attributes in the body.
	k.validate = func(e *Emulator, f *httpapi.Form, p *provider) *httpapi.Resp {
		mode, internal := "proxy", ""
		if f.Has("mode") {
			mode = p.attr("mode")
		}
		if f.Has("internal_host") {
			internal = p.attr("internal_host")
		}
		if internal == "" && mode == "proxy" {
			r := httpapi.FieldError("internal_host", "Internal host cannot be empty when forward auth is disabled.")
			return &r
		}
		return nil
	}
	return k
}()

// stripPrivate removes helper keys ("_..."), used only for filtering, from list results.
func stripPrivate(r httpapi.Resp) {
	body, ok := r.Body.(map[string]any)
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

// setOAuthDefaults is ProxyProvider.set_oauth_defaults, run on every proxy write.
func (e *Emulator) setOAuthDefaults(p *provider) {
	p.Attrs["client_type"] = "confidential"
	p.Attrs["signing_key"] = nil
	p.Attrs["include_claims_in_id_token"] = true
	for _, managed := range []string{
		"goauthentik.io/providers/oauth2/scope-openid", "goauthentik.io/providers/oauth2/scope-profile",
		"goauthentik.io/providers/oauth2/scope-email", "goauthentik.io/providers/oauth2/scope-entitlements",
		"goauthentik.io/providers/proxy/scope-proxy",
	} {
		if m := e.st.mappingByManaged(managed); m != nil && !slices.Contains(p.PropertyMappings, m.PK) {
			p.PropertyMappings = append(p.PropertyMappings, m.PK)
		}
	}
	external := p.attr("external_host")
	callback := external + "/outpost.goauthentik.io/callback"
	if base, err := url.Parse(external); err == nil {
		if ref, err := url.Parse("outpost.goauthentik.io/callback"); err == nil {
			callback = base.ResolveReference(ref).String()
		}
	}
	p.Attrs["redirect_uris"] = []redirectURI{
		{MatchingMode: "strict", URL: callback + "?X-authentik-auth-callback=true"},
		{MatchingMode: "strict", URL: external + "?X-authentik-auth-callback=true"},
	}
}

func (e *Emulator) insertProvider(p *provider) {
	p.PK = e.st.nextProviderPK
	e.st.nextProviderPK++
	e.st.providers = append(e.st.providers, p)
}

// ---- all providers ----

// allProvidersKind is providers/all/ (authentik/core/api/providers.py,
// ProviderViewSet: list, retrieve, delete over every Provider subclass,
// each rendered with its own class's component and names).
var allProvidersKind = &kindDef[*provider]{
	kind: "provider", model: "Provider", prefix: "providers/all/", intPK: true, noWrite: true,
	// Overrides of the concrete kinds change what renders.
	overrideKinds: []string{"oauth2provider", "proxyprovider", "samlprovider", "ldapprovider"},
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "_application_name"},
		Order:        []string{"pk"},
	},
	// ProviderFilter.filter_backchannel: is_backchannel=value;
	// filter_application__isnull:
	// Q(backchannel_application__isnull=v, is_backchannel=True) | Q(application__isnull=v).
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*provider) bool, *httpapi.Resp) {
		backchannel, bcErr := httpapi.ParseBool(c.Last("backchannel"))
		appNull, appErr := httpapi.ParseBool(c.Last("application__isnull"))
		return func(p *provider) bool {
			if bcErr == nil && backchannel != p.isBackchannel() {
				return false
			}
			if appErr == nil {
				noApp := e.st.appUsingProvider(p.PK) == nil
				noBackchannelApp := e.st.appByPK(p.BackchannelApp) == nil
				if !((p.isBackchannel() && noBackchannelApp == appNull) || noApp == appNull) {
					return false
				}
			}
			return true
		}, nil
	},
	listExtra: func(e *Emulator, p *provider, m map[string]any) {
		if a := e.st.appUsingProvider(p.PK); a != nil {
			m["_application_name"] = a.name()
		}
	},
	all: func(e *Emulator) []*provider { return e.st.providers },
	byID: func(e *Emulator, id string) (*provider, bool) {
		n, _ := strconv.ParseInt(id, 10, 32)
		p := e.st.providerByPK(int32(n))
		return p, p != nil
	},
	remove: func(e *Emulator, p *provider) { e.st.deleteProvider(p) },
	attrs:  func(*provider) map[string]any { return map[string]any{} },
	key:    func(p *provider) string { return p.Name },
	pk:     func(p *provider) string { return strconv.Itoa(int(p.PK)) },
	render: func(e *Emulator, _ *httpapi.Call, p *provider) map[string]any {
		return e.renderProviderAs(p, p.concreteClass())
	},
	fast: func(p *provider, name string) (any, bool) {
		if name == "name" {
			return p.Name, true
		}
		return nil, false
	},
}

// isBackchannel is Provider.is_backchannel: true for BackchannelProvider
// subclasses (LDAP here).
func (p *provider) isBackchannel() bool { return p.Kind == kindLDAP }

// deleteProvider removes a provider: applications lose it (provider=null),
// outposts drop it, federation lists drop it.
func (s *state) deleteProvider(p *provider) {
	for _, a := range s.apps {
		if pk := a.provider(); pk != nil && *pk == p.PK {
			a.Attrs["provider"] = nil
		}
	}
	for _, o := range s.outposts {
		o.setProviders(removeInt(o.providers(), p.PK))
	}
	out := s.providers[:0]
	for _, x := range s.providers {
		if x != p {
			if l, ok := x.Attrs["jwt_federation_providers"].([]int32); ok {
				x.Attrs["jwt_federation_providers"] = removeInt(l, p.PK)
			}
			out = append(out, x)
		}
	}
	s.providers = out
}

// ---- validation ----

// readRedirectURIs validates the list of {matching_mode, url} objects.
func readRedirectURIs(f *httpapi.Form, k string, required bool, dst *[]redirectURI) {
	items, ok := f.List(k, required, true)
	if !ok {
		return
	}
	out := make([]redirectURI, 0, len(items))
	itemErrs := make([]any, len(items))
	bad := false
	for i, raw := range items {
		sub, perr := httpapi.ParseForm(raw, false)
		if perr != nil {
			itemErrs[i] = map[string]any{"non_field_errors": []string{
				fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", httpapi.PyType(raw))}}
			bad = true
			continue
		}
		var r redirectURI
		sub.Choice("matching_mode", true, matchingModes, &r.MatchingMode)
		sub.Str("url", true, false, &r.URL)
		itemErrs[i] = sub.Errs
		if !sub.Ok() {
			bad = true
		}
		out = append(out, r)
	}
	if bad {
		f.Errs[k] = itemErrs
		return
	}
	for _, r := range out {
		if r.MatchingMode == "regex" {
			if _, err := pyregex.Compile(r.URL); err != nil {
				f.Fail(k, "Invalid Regex Pattern: "+r.URL)
				return
			}
		}
	}
	*dst = out
}

// checkRefFilters returns the 400 of django-filter's model choice filters
// when a value names no existing object.
func (e *Emulator) checkRefFilters(c *httpapi.Call, single, multi map[string]func(string) bool) *httpapi.Resp {
	errs := map[string]any{}
	for param, exists := range single {
		if v := c.Last(param); v != "" && !exists(v) {
			errs[param] = []string{"Select a valid choice. That choice is not one of the available choices."}
		}
	}
	for param, exists := range multi {
		for _, v := range c.QueryValues(param) {
			if !exists(v) {
				errs[param] = []string{fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", v)}
				break
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &httpapi.Resp{Status: http.StatusBadRequest, Body: errs}
}
