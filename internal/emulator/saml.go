package emulator

import (
	"slices"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// SAML provider, as authentik/providers/saml/{models.py,api/providers.py}.

var (
	samlBindings      = []string{"redirect", "post"}
	samlLogoutMethods = []string{"frontchannel_iframe", "frontchannel_native", "backchannel"}
	samlDigests       = []string{"http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2001/04/xmlenc#sha256",
		"http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512"}
	samlSignatures = []string{"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
		"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
		"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
		"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
		"http://www.w3.org/2000/09/xmldsig#dsa-sha1"}
	samlNameIDPolicies = []string{"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:WindowsDomainQualifiedName",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"}
)

// samlProviderFields are SAMLProviderSerializer's own fields with the model
// defaults. filterset_fields = "__all__": every one is an exact filter.
var samlProviderFields = []fieldDef{
	{name: "acs_url", typ: ftURL, required: true, filter: "exact"},
	{name: "sls_url", typ: ftURL, blank: true, def: "", filter: "exact"},
	{name: "audience", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "issuer", typ: ftString, def: "authentik", filter: "exact"},
	{name: "assertion_valid_not_before", typ: ftDuration, def: "minutes=-5", filter: "exact"},
	{name: "assertion_valid_not_on_or_after", typ: ftDuration, def: "minutes=5", filter: "exact"},
	{name: "session_valid_not_on_or_after", typ: ftDuration, def: "minutes=86400", filter: "exact"},
	{name: "name_id_mapping", typ: ftSAMLMapping, filter: "exact"},
	{name: "authn_context_class_ref_mapping", typ: ftSAMLMapping, filter: "exact"},
	{name: "digest_algorithm", typ: ftChoice, choices: samlDigests, def: "http://www.w3.org/2001/04/xmlenc#sha256", filter: "exact"},
	{name: "signature_algorithm", typ: ftChoice, choices: samlSignatures, def: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", filter: "exact"},
	{name: "signing_kp", typ: ftKeypair, filter: "exact"},
	{name: "verification_kp", typ: ftKeypair, filter: "exact"},
	{name: "encryption_kp", typ: ftKeypair, filter: "exact"},
	{name: "sign_assertion", typ: ftBool, def: true, filter: "exact"},
	{name: "sign_response", typ: ftBool, def: false, filter: "exact"},
	{name: "sign_logout_request", typ: ftBool, def: false, filter: "exact"},
	{name: "sp_binding", typ: ftChoice, choices: samlBindings, def: "redirect", filter: "exact"},
	{name: "sls_binding", typ: ftChoice, choices: samlBindings, def: "redirect", filter: "exact"},
	{name: "logout_method", typ: ftChoice, choices: samlLogoutMethods, def: "frontchannel_iframe", filter: "exact"},
	{name: "default_relay_state", typ: ftString, blank: true, def: "", filter: "exact"},
	{name: "default_name_id_policy", typ: ftChoice, choices: samlNameIDPolicies,
		def: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", filter: "exact"},
}

var samlProviderKind = newSAMLProviderKind()

func newSAMLProviderKind() *kindDef[*store.Provider] {
	k := providerKind("samlprovider", "SAMLProvider", "providers/saml/", samlProviderFields)
	base := k.render
	k.render = func(e *Emulator, c *httpapi.Call, p *store.Provider) map[string]any {
		m := base(e, c, p)
		for f, v := range e.views.SAMLURLs(c, p) {
			m[f] = v
		}
		return m
	}
	k.validate = validateSAMLProvider
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{httpapi.Exact("name", "name"), httpapi.IExact("authorization_flow", "authorization_flow"),
			httpapi.IExact("authentication_flow", "authentication_flow"), httpapi.IExact("invalidation_flow", "invalidation_flow"),
			httpapi.ListContains("property_mappings", "property_mappings"), httpapi.BoolExact("is_backchannel", "_is_backchannel"),
			httpapi.IExact("backchannel_application", "_backchannel_application")},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.listExtra = func(e *Emulator, p *store.Provider, m map[string]any) {
		m["_is_backchannel"] = p.IsBackchannel()
		m["_backchannel_application"] = p.BackchannelApp
	}
	k.refFilters = func(e *Emulator) (map[string]func(string) bool, map[string]func(string) bool) {
		single, multi := providerRefFilters(e)
		kp := func(v string) bool { return e.st.KeypairRef(v) != "" }
		sm := func(v string) bool { return e.st.SAMLMappingRef(v) != "" }
		single["signing_kp"], single["verification_kp"], single["encryption_kp"] = kp, kp, kp
		single["name_id_mapping"], single["authn_context_class_ref_mapping"] = sm, sm
		single["backchannel_application"] = func(v string) bool { return e.st.AppByPK(v) != nil }
		return single, multi
	}
	k.detailActions = map[string]kindAction[*store.Provider]{
		"metadata": {anonymous: true, fn: func(e *Emulator, c *httpapi.Call, p *store.Provider) httpapi.Resp { return e.views.SAMLMetadata(c, p) }},
	}
	return k
}

// validateSAMLProvider is SAMLProviderSerializer.validate: it sees only the
// attributes sent in the body, so the model defaults of sign_assertion and
// sign_response do not count.
func validateSAMLProvider(e *Emulator, f *httpapi.Form, p *store.Provider) *httpapi.Resp {
	a := p.Attrs
	sent := func(k string) any {
		if !f.Has(k) {
			return nil
		}
		return a[k]
	}
	if kp, _ := sent("signing_kp").(string); kp != "" {
		if sent("sign_assertion") != true && sent("sign_response") != true {
			r := httpapi.NonFieldError("With a signing keypair selected, at least one of 'Sign assertion' " +
				"and 'Sign Response' must be selected.")
			return &r
		}
		if k := e.st.KeypairByPK(kp); k != nil && k.KeyType != "" && !slices.Contains([]string{"rsa", "ec", "dsa"}, k.KeyType) {
			r := httpapi.FieldError("signing_kp", "Only RSA, EC, and DSA key types are supported for SAML signing.")
			return &r
		}
	}
	if sent("logout_method") == "backchannel" && sent("sls_binding") == "redirect" {
		a["logout_method"] = "frontchannel_iframe" // auto-corrected, no error
	}
	return nil
}

// SAMLProviderPK returns the pk of the SAML provider with this name, or 0.
func (e *Emulator) SAMLProviderPK(name string) int32 { return e.providerPKOfKind(store.KindSAML, name) }

// LDAPProviderPK returns the pk of the LDAP provider with this name, or 0.
func (e *Emulator) LDAPProviderPK(name string) int32 { return e.providerPKOfKind(store.KindLDAP, name) }

func (e *Emulator) providerPKOfKind(kind, name string) int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.st.Providers {
		if p.Kind == kind && p.Name == name {
			return p.PK
		}
	}
	return 0
}
