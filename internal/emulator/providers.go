package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
	"github.com/provision/provision/internal/pyregex"
)

var (
	clientTypes   = []string{"confidential", "public"}
	subModes      = []string{"hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn"}
	issuerModes   = []string{"global", "per_provider"}
	logoutMethods = []string{"backchannel", "frontchannel"}
	matchingModes = []string{"strict", "regex"}
	proxyModes    = []string{"proxy", "forward_single", "forward_domain"}
)

type providerOut struct {
	PK                                 int32    `json:"pk"`
	Name                               string   `json:"name"`
	AuthenticationFlow                 *string  `json:"authentication_flow"`
	AuthorizationFlow                  *string  `json:"authorization_flow"` // null: none (a SCIM provider's)
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
func (e *Emulator) baseOut(p *store.Provider, cls store.ProviderClass) providerOut {
	out := providerOut{
		PK: p.PK, Name: p.Name, AuthenticationFlow: p.AuthenticationFlow, AuthorizationFlow: nullIfEmpty(p.AuthorizationFlow),
		InvalidationFlow: p.InvalidationFlow, PropertyMappings: scramble(e.seed, p.PropertyMappings),
		Component: cls.Component, VerboseName: cls.Verbose, VerboseNamePlural: cls.VerbosePlural,
		MetaModelName: cls.ModelName,
	}
	if a := e.st.AppUsingProvider(p.PK); a != nil {
		out.AssignedApplicationSlug, out.AssignedApplicationName = a.Slug(), a.Name()
	}
	if a := e.st.AppByPK(p.BackchannelApp); a != nil {
		out.AssignedBackchannelApplicationSlug, out.AssignedBackchannelApplicationName = a.Slug(), a.Name()
	}
	return out
}

func (e *Emulator) renderProviderAs(p *store.Provider, cls store.ProviderClass) map[string]any {
	m := httpapi.ToMap(e.baseOut(p, cls))
	e.applyOverrides(p.OverrideKind(), p.Name, m)
	return m
}

// newOAuth2Defaults is an OAuth2Provider with the model defaults
// (authentik/providers/oauth2/models.py; client_id and client_secret are
// generate_id / generate_client_secret) and, for a proxy provider, the
// ProxyProvider ones (authentik/providers/proxy/models.py).
func (e *Emulator) newOAuth2Defaults() *store.Provider {
	return &store.Provider{
		Kind: store.KindOAuth2, PropertyMappings: []string{},
		Attrs: map[string]any{
			"client_type": "confidential", "client_id": e.randomString(40), "client_secret": e.randomString(128),
			"access_code_validity": "minutes=1", "access_token_validity": "hours=1", "refresh_token_validity": "days=30",
			"refresh_token_threshold": "seconds=0", "include_claims_in_id_token": true, "signing_key": nil,
			"encryption_key": nil, "redirect_uris": []store.RedirectURI{}, "logout_uri": "", "logout_method": "backchannel",
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
var oauth2ProviderKind = func() *kindDef[*store.Provider] {
	k := providerKind("oauth2provider", "OAuth2Provider", "providers/oauth2/", oauth2ProviderFields)
	k.metaModel = store.ClassOAuth2.ModelName
	k.all = func(e *Emulator) []*store.Provider {
		var out []*store.Provider
		for _, p := range e.st.Providers {
			if p.IsOAuth2() {
				out = append(out, p)
			}
		}
		return out
	}
	k.byID = func(e *Emulator, id string) (*store.Provider, bool) {
		n, _ := strconv.ParseInt(id, 10, 32)
		p := e.st.ProviderByPK(int32(n))
		return p, p != nil && p.IsOAuth2()
	}
	k.fresh = func(e *Emulator) *store.Provider { return e.newOAuth2Defaults() }
	k.render = func(e *Emulator, _ *httpapi.Call, p *store.Provider) map[string]any {
		return httpapi.ToMap(e.baseOut(p, store.ClassOAuth2))
	}
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.IExact("authorization_flow", "authorization_flow"),
			httpapi.ListContains("property_mappings", "property_mappings")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.refFilters = func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		return map[string]func(string) bool{
				"application":        func(v string) bool { return e.st.AppByPK(v) != nil },
				"authorization_flow": func(v string) bool { return e.st.FlowRef(v) != "" },
				"signing_key":        func(v string) bool { return e.st.KeypairRef(v) != "" },
			}, map[string]func(string) bool{
				"property_mappings": func(v string) bool { return e.st.MappingRef(v) != "" },
			}
	}
	// OAuth2ProviderFilter's application: the provider's main application.
	k.listFilter = func(e *Emulator, c *httpapi.Call) (func(*store.Provider) bool, *httpapi.Resp) {
		app := c.Last("application")
		return func(p *store.Provider) bool {
			if app == "" {
				return true
			}
			a := e.st.AppUsingProvider(p.PK)
			return a != nil && strings.EqualFold(a.PK, app)
		}, nil
	}
	k.rawDetailActions = func(e *Emulator) map[string]action {
		return map[string]action{"setup_urls": {methods: map[string]handler{http.MethodGet: e.views.SetupURLs}}}
	}
	return k
}()

// proxyProviderKind serves providers/proxy/. Every write runs
// ProxyProvider.set_oauth_defaults (authentik/providers/proxy/api.py,
// ProxyProviderSerializer.create / update).
var proxyProviderKind = func() *kindDef[*store.Provider] {
	k := providerKind("proxyprovider", "ProxyProvider", "providers/proxy/", proxyProviderFields)
	k.metaModel = store.ClassProxy.ModelName
	k.fresh = func(e *Emulator) *store.Provider {
		p := e.newOAuth2Defaults()
		p.Kind = store.KindProxy
		return p
	}
	k.insert = func(e *Emulator, p *store.Provider) {
		e.setOAuthDefaults(p)
		e.insertProvider(p)
	}
	k.commit = func(e *Emulator, dst, src *store.Provider) {
		e.setOAuthDefaults(src)
		*dst = *src
	}
	k.render = func(e *Emulator, _ *httpapi.Call, p *store.Provider) map[string]any {
		m := httpapi.ToMap(e.baseOut(p, store.ClassProxy))
		outposts := []any{}
		for _, o := range e.st.Outposts {
			for _, pk := range o.Providers() {
				if pk == p.PK {
					outposts = append(outposts, "Outpost "+o.Name())
				}
			}
		}
		m["outpost_set"] = outposts
		m["client_id"] = p.Attrs["client_id"]
		m["redirect_uris"] = renderValue(p.Attrs["redirect_uris"])
		return m
	}
	k.listExtra = func(e *Emulator, p *store.Provider, m map[string]any) {
		if cert := p.Ref("certificate"); cert != nil {
			if kp := e.st.KeypairByPK(*cert); kp != nil {
				m["_certificate_name"] = kp.Name
			}
		}
		if f := e.st.FlowRef(p.AuthorizationFlow); f != "" {
			for _, fl := range e.st.Flows {
				if fl.PK == f {
					m["_authorization_flow_slug"] = fl.Slug
				}
			}
		}
	}
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.IExact("name__iexact", "name"), httpapi.IExact("external_host__iexact", "external_host"),
			httpapi.IExact("internal_host__iexact", "internal_host"), httpapi.IExact("mode__iexact", "mode"),
			httpapi.BoolExact("internal_host_ssl_validation__iexact", "internal_host_ssl_validation"),
			httpapi.IExact("authorization_flow__slug__iexact", "_authorization_flow_slug"),
			httpapi.IExact("certificate__kp_uuid__iexact", "certificate"), httpapi.IExact("certificate__name__iexact", "_certificate_name"),
			httpapi.IExact("cookie_domain__iexact", "cookie_domain"), httpapi.IExact("skip_path_regex__iexact", "skip_path_regex"),
			httpapi.IExact("basic_auth_enabled__iexact", "basic_auth_enabled"),
			httpapi.IExact("basic_auth_password_attribute__iexact", "basic_auth_password_attribute"),
			httpapi.IExact("basic_auth_user_attribute__iexact", "basic_auth_user_attribute"),
			httpapi.ListContains("property_mappings__iexact", "property_mappings"),
			httpapi.IsNull("application__isnull", "assigned_application_slug")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.refFilters = nil
	// validate_basic_auth_enabled is a field validator reading initial_data
	// (authentik/providers/proxy/api.py): its error is keyed
	// basic_auth_enabled, and validate() then does not run.
	k.fieldChecks = func(e *Emulator, f *httpapi.Form, p *store.Provider) {
		emptyInitial := func(k string) bool { return !f.Has(k) || string(f.Raw[k]) == `""` }
		if _, failed := f.Errs["basic_auth_enabled"]; !failed && f.Has("basic_auth_enabled") &&
			p.Attrs["basic_auth_enabled"] == true &&
			(emptyInitial("basic_auth_password_attribute") || emptyInitial("basic_auth_user_attribute")) {
			f.Fail("basic_auth_enabled", "User and password attributes must be set when basic auth is enabled.")
		}
	}
	// ProxyProviderSerializer.validate sees only the attributes in the body.
	k.validate = func(e *Emulator, f *httpapi.Form, p *store.Provider) *httpapi.Resp {
		mode, internal := "proxy", ""
		if f.Has("mode") {
			mode = p.Attr("mode")
		}
		if f.Has("internal_host") {
			internal = p.Attr("internal_host")
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
func (e *Emulator) setOAuthDefaults(p *store.Provider) {
	p.Attrs["client_type"] = "confidential"
	p.Attrs["signing_key"] = nil
	p.Attrs["include_claims_in_id_token"] = true
	for _, managed := range []string{
		"goauthentik.io/providers/oauth2/scope-openid", "goauthentik.io/providers/oauth2/scope-profile",
		"goauthentik.io/providers/oauth2/scope-email", "goauthentik.io/providers/oauth2/scope-entitlements",
		"goauthentik.io/providers/proxy/scope-proxy",
	} {
		if m := e.st.MappingByManaged(managed); m != nil && !slices.Contains(p.PropertyMappings, m.PK) {
			p.PropertyMappings = append(p.PropertyMappings, m.PK)
		}
	}
	external := p.Attr("external_host")
	callback := external + "/outpost.goauthentik.io/callback"
	if base, err := url.Parse(external); err == nil {
		if ref, err := url.Parse("outpost.goauthentik.io/callback"); err == nil {
			callback = base.ResolveReference(ref).String()
		}
	}
	p.Attrs["redirect_uris"] = []store.RedirectURI{
		{MatchingMode: "strict", URL: callback + "?X-authentik-auth-callback=true"},
		{MatchingMode: "strict", URL: external + "?X-authentik-auth-callback=true"},
	}
}

func (e *Emulator) insertProvider(p *store.Provider) {
	p.PK = e.st.NextProviderPK
	e.st.NextProviderPK++
	e.st.Providers = append(e.st.Providers, p)
}

// ---- all providers ----

// allProvidersKind is providers/all/ (authentik/core/api/providers.py,
// ProviderViewSet: list, retrieve, delete over every Provider subclass,
// each rendered with its own class's component and names).
var allProvidersKind = &kindDef[*store.Provider]{
	kind: "provider", model: "Provider", prefix: "providers/all/", intPK: true, noWrite: true,
	// Overrides of the concrete kinds change what renders.
	overrideKinds: []string{"oauth2provider", "proxyprovider", "samlprovider", "ldapprovider", "radiusprovider", "scimprovider", "racprovider"},
	list: httpapi.ListSpec{
		SearchFields: []string{"name", "_application_name"},
		Order:        []string{"pk"},
	},
	// ProviderFilter.filter_backchannel: is_backchannel=value;
	// filter_application__isnull:
	// Q(backchannel_application__isnull=v, is_backchannel=True) | Q(application__isnull=v).
	listFilter: func(e *Emulator, c *httpapi.Call) (func(*store.Provider) bool, *httpapi.Resp) {
		backchannel, bcErr := httpapi.ParseBool(c.Last("backchannel"))
		appNull, appErr := httpapi.ParseBool(c.Last("application__isnull"))
		return func(p *store.Provider) bool {
			if bcErr == nil && backchannel != p.IsBackchannel() {
				return false
			}
			if appErr == nil {
				noApp := e.st.AppUsingProvider(p.PK) == nil
				noBackchannelApp := e.st.AppByPK(p.BackchannelApp) == nil
				if !((p.IsBackchannel() && noBackchannelApp == appNull) || noApp == appNull) {
					return false
				}
			}
			return true
		}, nil
	},
	listExtra: func(e *Emulator, p *store.Provider, m map[string]any) {
		if a := e.st.AppUsingProvider(p.PK); a != nil {
			m["_application_name"] = a.Name()
		}
	},
	all: func(e *Emulator) []*store.Provider { return e.st.Providers },
	byID: func(e *Emulator, id string) (*store.Provider, bool) {
		n, _ := strconv.ParseInt(id, 10, 32)
		p := e.st.ProviderByPK(int32(n))
		return p, p != nil
	},
	remove: func(e *Emulator, p *store.Provider) { e.st.DeleteProvider(p) },
	attrs:  func(*store.Provider) map[string]any { return map[string]any{} },
	key:    func(p *store.Provider) string { return p.Name },
	pk:     func(p *store.Provider) string { return strconv.Itoa(int(p.PK)) },
	render: func(e *Emulator, _ *httpapi.Call, p *store.Provider) map[string]any {
		return e.renderProviderAs(p, p.ConcreteClass())
	},
	fast: func(p *store.Provider, name string) (any, bool) {
		if name == "name" {
			return p.Name, true
		}
		return nil, false
	},
}

// ---- validation ----

// readRedirectURIs validates the list of {matching_mode, url} objects.
func readRedirectURIs(f *httpapi.Form, k string, required bool, dst *[]store.RedirectURI) {
	items, ok := f.List(k, required, true)
	if !ok {
		return
	}
	out := make([]store.RedirectURI, 0, len(items))
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
		var r store.RedirectURI
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

// nullIfEmpty is nil for "": a foreign key with no row renders null.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
