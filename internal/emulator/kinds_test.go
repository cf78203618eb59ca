package emulator_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// samlBody is a minimal SAMLProviderRequest.
func (e *env) samlBody(name string, extra string) string {
	b := fmt.Sprintf(`{"name":%q,"authorization_flow":%q,"invalidation_flow":%q,"acs_url":"https://%s.example.com/acs"`,
		name, e.flow("default-provider-authorization-implicit-consent"), e.flow("default-provider-invalidation-flow"), name)
	if extra != "" {
		b += "," + extra
	}
	return b + "}"
}

func (e *env) ldapBody(name string, extra string) string {
	b := fmt.Sprintf(`{"name":%q,"authorization_flow":%q,"invalidation_flow":%q`,
		name, e.flow("default-authentication-flow"), e.flow("default-invalidation-flow"))
	if extra != "" {
		b += "," + extra
	}
	return b + "}"
}

func (e *env) mustCreate(path, body string) map[string]any {
	e.t.Helper()
	st, m := e.rawJSON(http.MethodPost, path, body)
	require.Equal(e.t, http.StatusCreated, st, "%v", m)
	return m
}

func pkPath(prefix string, pk any) string { return fmt.Sprintf("%s%v/", prefix, pk) }

// Defaults and CRUD follow authentik/providers/saml/models.py (SAMLProvider
// field defaults) and api/providers.py (SAMLProviderViewSet, ModelViewSet).
func TestSAMLProviderCRUD(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/providers/saml/"
	m := e.mustCreate(col, e.samlBody("sp", ""))
	for k, want := range map[string]any{
		"issuer": "authentik", "sp_binding": "redirect", "sls_binding": "redirect", "audience": "", "sls_url": "",
		"assertion_valid_not_before": "minutes=-5", "assertion_valid_not_on_or_after": "minutes=5",
		"session_valid_not_on_or_after": "minutes=86400", "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
		"signature_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "sign_assertion": true,
		"sign_response": false, "sign_logout_request": false, "logout_method": "frontchannel_iframe",
		"default_relay_state": "", "default_name_id_policy": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
		"signing_kp": nil, "verification_kp": nil, "encryption_kp": nil, "name_id_mapping": nil,
		"component": "ak-provider-saml-form", "meta_model_name": "authentik_providers_saml.samlprovider",
		"verbose_name": "SAML Provider", "url_sso_post": "-", "url_sso_redirect": "-", "url_sso_init": "-",
		"url_slo_post": "-", "url_slo_redirect": "-",
	} {
		assert.Equal(t, want, m[k], k)
	}
	pk := m["pk"]
	assert.Equal(t, e.srv.URL+fmt.Sprintf("/api/v3/providers/saml/%v/metadata/?download", pk), m["url_download_metadata"])
	assert.EqualValues(t, e.emu.SAMLProviderPK("sp"), pk)

	// Through the Go client too: list with the name filter, retrieve.
	list := res(e.c.ProvidersApi.ProvidersSamlList(e.ctx).Name("sp").Execute()).must(t)
	require.Len(t, list.Results, 1)
	got := res(e.c.ProvidersApi.ProvidersSamlRetrieve(e.ctx, list.Results[0].Pk).Execute()).must(t)
	assert.Equal(t, "https://sp.example.com/acs", got.AcsUrl)

	st, m := e.rawJSON(http.MethodPatch, pkPath(col, pk), `{"issuer":"https://idp.example.com","sp_binding":"post"}`)
	require.Equal(t, 200, st, "%v", m)
	assert.Equal(t, "https://idp.example.com", m["issuer"])
	assert.Equal(t, "post", m["sp_binding"])
	assert.Equal(t, "minutes=-5", m["assertion_valid_not_before"], "PATCH leaves other fields")

	st, m = e.rawJSON(http.MethodPut, pkPath(col, pk), e.samlBody("sp", `"audience":"urn:sp"`))
	require.Equal(t, 200, st, "%v", m)
	assert.Equal(t, "urn:sp", m["audience"])
	assert.Equal(t, "https://idp.example.com", m["issuer"], "PUT leaves omitted optional fields")

	// An application makes the SSO URLs real (urls.py, mounted at application/saml/).
	e.app("sp-app", e.emu.SAMLProviderPK("sp"))
	_, m = e.rawJSON(http.MethodGet, pkPath(col, pk), "")
	base := e.srv.URL + "/application/saml/sp-app/"
	assert.Equal(t, base+"sso/binding/post/", m["url_sso_post"])
	assert.Equal(t, base+"sso/binding/redirect/", m["url_sso_redirect"])
	assert.Equal(t, base+"sso/binding/init/", m["url_sso_init"])
	assert.Equal(t, base+"slo/binding/post/", m["url_slo_post"])
	assert.Equal(t, base+"slo/binding/redirect/", m["url_slo_redirect"])
	assert.Equal(t, base+"metadata/", m["url_download_metadata"])
	assert.Equal(t, "sp-app", m["assigned_application_slug"])
	// SAMLProvider.launch_url is the IdP-initiated path.
	app := res(e.c.CoreApi.CoreApplicationsRetrieve(e.ctx, "sp-app").Execute()).must(t)
	assert.Equal(t, "/application/saml/sp-app/sso/binding/init/", app.GetLaunchUrl())

	st, _ = e.raw(http.MethodDelete, pkPath(col, pk), "")
	assert.Equal(t, http.StatusNoContent, st)
	st, m = e.rawJSON(http.MethodGet, pkPath(col, pk), "")
	assert.Equal(t, 404, st)
	assert.Equal(t, "No SAMLProvider matches the given query.", m["detail"])
}

// Validation messages: DRF field errors, DomainlessURLValidator
// (authentik/lib/models.py), timedelta_string_validator
// (authentik/lib/utils/time.py), SAMLProviderSerializer.validate.
func TestSAMLProviderValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/providers/saml/"
	kp := e.emu.AddKeypair("signer", "rsa", true)
	e.oauth2("taken")
	for _, tc := range []struct {
		name, body string
		want       map[string]any
	}{
		{"acs_url required", fmt.Sprintf(`{"name":"x","authorization_flow":%q,"invalidation_flow":%q}`,
			e.flow("default-provider-authorization-implicit-consent"), e.flow("default-provider-invalidation-flow")),
			map[string]any{"acs_url": []any{"This field is required."}}},
		{"acs_url scheme", e.samlBody("x", `"acs_url":"ftp://sp/acs"`), map[string]any{"acs_url": []any{"Enter a valid URL."}}},
		{"duration", e.samlBody("x", `"assertion_valid_not_before":"soon"`),
			map[string]any{"assertion_valid_not_before": []any{"soon is not in the correct format of 'hours=3;minutes=1'."}}},
		{"enum", e.samlBody("x", `"sp_binding":"artifact"`), map[string]any{"sp_binding": []any{`"artifact" is not a valid choice.`}}},
		{"issuer blank", e.samlBody("x", `"issuer":""`), map[string]any{"issuer": []any{"This field may not be blank."}}},
		{"name across provider types", e.samlBody("taken", ""), map[string]any{"name": []any{"provider with this name already exists."}}},
		{"signing without sign flags", e.samlBody("x", fmt.Sprintf(`"signing_kp":%q`, kp)),
			map[string]any{"non_field_errors": []any{"With a signing keypair selected, at least one of 'Sign assertion' and 'Sign Response' must be selected."}}},
		{"unknown key pair", e.samlBody("x", `"signing_kp":"00000000-0000-4000-8000-000000000000","sign_assertion":true`),
			map[string]any{"signing_kp": []any{`Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m := e.rawJSON(http.MethodPost, col, tc.body)
			assert.Equal(t, 400, st)
			assert.Equal(t, tc.want, m)
		})
	}
	// The model default sign_assertion=true does not count; sending it does.
	m := e.mustCreate(col, e.samlBody("signed", fmt.Sprintf(`"signing_kp":%q,"sign_assertion":true`, kp)))
	assert.Equal(t, kp, m["signing_kp"])
	// backchannel logout with a redirect SLS binding is silently corrected.
	m = e.mustCreate(col, e.samlBody("slo", `"logout_method":"backchannel","sls_binding":"redirect"`))
	assert.Equal(t, "frontchannel_iframe", m["logout_method"])
	// Deleting the key pair sets signing_kp to null (on_delete=SET_NULL).
	st, _ := e.raw(http.MethodDelete, "/api/v3/crypto/certificatekeypairs/"+kp+"/", "")
	require.Equal(t, 204, st)
	_, m = e.rawJSON(http.MethodGet, pkPath(col, e.emu.SAMLProviderPK("signed")), "")
	assert.Nil(t, m["signing_kp"])
}

// Metadata as authentik/providers/saml/processors/metadata.py builds it,
// served by SAMLProviderViewSet.metadata (api/providers.py).
func TestSAMLMetadata(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	self := e.selfSigned()
	m := e.mustCreate("/api/v3/providers/saml/", e.samlBody("md", fmt.Sprintf(
		`"issuer":"https://idp.example.com/md","signing_kp":%q,"sign_assertion":true`, self)))
	pk := m["pk"]
	path := fmt.Sprintf("/api/v3/providers/saml/%v/metadata/", pk)

	// Without an application there is nothing to describe.
	st, body := e.rawJSON(http.MethodGet, path, "")
	require.Equal(t, 200, st)
	assert.Equal(t, map[string]any{"metadata": ""}, body)

	e.app("md-app", e.emu.SAMLProviderPK("md"))
	md := res(e.c.ProvidersApi.ProvidersSamlMetadataRetrieve(e.ctx, int32(e.emu.SAMLProviderPK("md"))).Execute()).must(t)
	type service struct {
		Binding  string `xml:"Binding,attr"`
		Location string `xml:"Location,attr"`
	}
	var doc struct {
		XMLName  xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntityDescriptor"`
		EntityID string   `xml:"entityID,attr"`
		ID       string   `xml:"ID,attr"`
		IDP      struct {
			Protocol string    `xml:"protocolSupportEnumeration,attr"`
			Cert     string    `xml:"KeyDescriptor>KeyInfo>X509Data>X509Certificate"`
			SLO      []service `xml:"SingleLogoutService"`
			Formats  []string  `xml:"NameIDFormat"`
			SSO      []service `xml:"SingleSignOnService"`
		} `xml:"IDPSSODescriptor"`
	}
	require.NoError(t, xml.Unmarshal([]byte(md.Metadata), &doc), md.Metadata)
	assert.Equal(t, "https://idp.example.com/md", doc.EntityID, "entityID is the issuer")
	sum := sha256.Sum256([]byte(fmt.Sprintf("md-%v", pk)))
	assert.Equal(t, "_"+hex.EncodeToString(sum[:]), doc.ID)
	assert.Equal(t, "urn:oasis:names:tc:SAML:2.0:protocol", doc.IDP.Protocol)
	base := e.srv.URL + "/application/saml/md-app/"
	assert.Equal(t, []service{
		{"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", base + "sso/binding/redirect/"},
		{"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", base + "sso/binding/post/"},
	}, doc.IDP.SSO)
	assert.Equal(t, []service{
		{"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", base + "slo/binding/redirect/"},
		{"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", base + "slo/binding/post/"},
	}, doc.IDP.SLO)
	assert.Len(t, doc.IDP.Formats, 4)
	der, err := base64Std(doc.IDP.Cert)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	assert.Equal(t, "authentik Self-signed Certificate", cert.Subject.CommonName)

	// force_binding keeps one binding.
	md = res(e.c.ProvidersApi.ProvidersSamlMetadataRetrieve(e.ctx, int32(e.emu.SAMLProviderPK("md"))).
		ForceBinding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST").Execute()).must(t)
	assert.NotContains(t, md.Metadata, "HTTP-Redirect")

	// ?download is the XML file itself.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path+"?download=true", nil)
	resp, err := e.srv.Client().Do(req) // AllowAny: no token needed
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
	assert.Equal(t, `attachment; filename="md_authentik_meta.xml"`, resp.Header.Get("Content-Disposition"))

	st, _ = e.rawJSON(http.MethodGet, "/api/v3/providers/saml/999/metadata/", "")
	assert.Equal(t, 404, st)
}

func base64Std(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimSpace(s))
}

// Defaults from authentik/providers/ldap/models.py; outpost_set from
// LDAPProviderSerializer (authentik/providers/ldap/api.py).
func TestLDAPProviderCRUD(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/providers/ldap/"
	m := e.mustCreate(col, e.ldapBody("dir", ""))
	for k, want := range map[string]any{
		"base_dn": "DC=ldap,DC=goauthentik,DC=io", "certificate": nil, "tls_server_name": "",
		"uid_start_number": float64(2000), "gid_start_number": float64(4000), "search_mode": "direct",
		"bind_mode": "direct", "mfa_support": true, "outpost_set": []any{},
		"component": "ak-provider-ldap-form", "meta_model_name": "authentik_providers_ldap.ldapprovider",
		"verbose_name": "LDAP Provider",
	} {
		assert.Equal(t, want, m[k], k)
	}
	pk := m["pk"]
	st, m := e.rawJSON(http.MethodPatch, pkPath(col, pk), `{"base_dn":"DC=corp,DC=example","search_mode":"cached","uid_start_number":3000}`)
	require.Equal(t, 200, st, "%v", m)
	assert.Equal(t, "DC=corp,DC=example", m["base_dn"])
	assert.Equal(t, float64(3000), m["uid_start_number"])

	for _, tc := range []struct{ body, field, msg string }{
		{`{"base_dn":""}`, "base_dn", "This field may not be blank."},
		{`{"bind_mode":"lazy"}`, "bind_mode", `"lazy" is not a valid choice.`},
		{`{"gid_start_number":"x"}`, "gid_start_number", "A valid integer is required."},
		{`{"gid_start_number":3000000000}`, "gid_start_number", "Ensure this value is less than or equal to 2147483647."},
	} {
		st, m := e.rawJSON(http.MethodPatch, pkPath(col, pk), tc.body)
		assert.Equal(t, 400, st, tc.body)
		assert.Equal(t, map[string]any{tc.field: []any{tc.msg}}, m, tc.body)
	}

	list := res(e.c.ProvidersApi.ProvidersLdapList(e.ctx).NameIexact("DIR").Execute()).must(t)
	require.Len(t, list.Results, 1)
	assert.Equal(t, "cached", string(list.Results[0].GetSearchMode()))
	list = res(e.c.ProvidersApi.ProvidersLdapList(e.ctx).BaseDnIexact("dc=nope").Execute()).must(t)
	assert.Empty(t, list.Results)

	st, _ = e.raw(http.MethodDelete, pkPath(col, pk), "")
	assert.Equal(t, 204, st)
	assert.Zero(t, e.emu.LDAPProviderPK("dir"))
}

// An LDAP outpost takes LDAP providers and refuses others:
// OutpostSerializer.validate_providers (authentik/outposts/api/outposts.py).
func TestLDAPOutpost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ldap := e.mustCreate("/api/v3/providers/ldap/", e.ldapBody("dir", ""))
	prx := e.proxy("web")
	cfg := `{"authentik_host":"https://auth.example.com/"}`
	o := e.mustCreate("/api/v3/outposts/instances/", fmt.Sprintf(`{"name":"ldap-out","type":"ldap","providers":[%v],"config":%s}`, ldap["pk"], cfg))
	assert.Equal(t, "ldap", o["type"])
	objs := o["providers_obj"].([]any)
	require.Len(t, objs, 1)
	// providers_obj serializes outpost.providers.all(): base Provider rows, so
	// component is "" (ProviderSerializer.get_component).
	assert.Equal(t, "", objs[0].(map[string]any)["component"])

	_, m := e.rawJSON(http.MethodGet, pkPath("/api/v3/providers/ldap/", ldap["pk"]), "")
	assert.Equal(t, []any{"Outpost ldap-out"}, m["outpost_set"])

	st, m := e.rawJSON(http.MethodPost, "/api/v3/outposts/instances/",
		fmt.Sprintf(`{"name":"bad","type":"ldap","providers":[%d],"config":%s}`, prx.Pk, cfg))
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"providers": []any{"Outpost type ldap can't be used with ProxyProvider providers."}}, m)
	st, m = e.rawJSON(http.MethodPost, "/api/v3/outposts/instances/",
		fmt.Sprintf(`{"name":"bad","type":"proxy","providers":[%v],"config":%s}`, ldap["pk"], cfg))
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"providers": []any{"Outpost type proxy can't be used with LDAPProvider providers."}}, m)

	// Deleting the provider drops it from the outpost.
	st, _ = e.raw(http.MethodDelete, pkPath("/api/v3/providers/ldap/", ldap["pk"]), "")
	require.Equal(t, 204, st)
	_, m = e.rawJSON(http.MethodGet, pkPath("/api/v3/outposts/instances/", o["pk"]), "")
	assert.Equal(t, []any{}, m["providers"])
}

// OutpostViewSet.default_settings returns asdict(OutpostConfig(authentik_host=<base URL>))
// (authentik/outposts/api/outposts.py, authentik/outposts/models.py).
func TestOutpostDefaultSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	got := res(e.c.OutpostsApi.OutpostsInstancesDefaultSettingsRetrieve(e.ctx).Execute()).must(t)
	assert.Equal(t, e.srv.URL+"/", got.Config["authentik_host"])
	assert.Equal(t, "minutes=5", got.Config["refresh_interval"])
	assert.Equal(t, "ak-outpost-%(name)s", got.Config["object_naming_template"])
	assert.Len(t, got.Config, 22)
	st, _ := rawReq(t, e.srv, http.MethodGet, "/api/v3/outposts/instances/default_settings/", "", nil)
	assert.Equal(t, 403, st, "needs authentication")
}

// blueprints/system/providers-saml.yaml seeds seven managed mappings;
// PropertyMapping.name and .managed are unique across subclasses
// (authentik/core/models.py, authentik/blueprints/models.py ManagedModel).
func TestSAMLPropertyMappings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/propertymappings/provider/saml/"
	list := res(e.c.PropertymappingsApi.PropertymappingsProviderSamlList(e.ctx).
		Managed([]string{"goauthentik.io/providers/saml/upn", "goauthentik.io/providers/saml/groups"}).Execute()).must(t)
	require.Len(t, list.Results, 2)
	assert.Equal(t, "authentik default SAML Mapping: Groups", list.Results[0].Name, "ordered by name")
	assert.Equal(t, "http://schemas.xmlsoap.org/claims/Group", list.Results[0].SamlName)
	assert.Equal(t, "for group in request.user.groups.all():\n    yield group.name", list.Results[0].Expression)
	all := res(e.c.PropertymappingsApi.PropertymappingsProviderSamlList(e.ctx).ManagedIsnull(false).Execute()).must(t)
	assert.Len(t, all.Results, 7)

	m := e.mustCreate(col, `{"name":"dept","expression":"return request.user.attributes.get('dept')","saml_name":"dept","friendly_name":"Department"}`)
	assert.Nil(t, m["managed"])
	assert.Equal(t, "Department", m["friendly_name"])
	assert.Equal(t, "ak-property-mapping-provider-saml-form", m["component"])

	for _, tc := range []struct{ body, field, msg string }{
		{`{"name":"x","expression":"return 1","saml_name":"x","managed":"goauthentik.io/providers/saml/upn"}`,
			"managed", "Property Mapping with this Managed by authentik already exists."},
		{`{"name":"x","expression":"return 1","saml_name":"x","managed":"goauthentik.io/providers/oauth2/scope-email"}`,
			"managed", "Property Mapping with this Managed by authentik already exists."},
		{`{"name":"authentik default OAuth Mapping: OpenID 'email'","expression":"return 1","saml_name":"x"}`,
			"name", "Property Mapping with this name already exists."},
		{`{"name":"x","expression":"return 1"}`, "saml_name", "This field is required."},
	} {
		st, got := e.rawJSON(http.MethodPost, col, tc.body)
		assert.Equal(t, 400, st, tc.body)
		assert.Equal(t, map[string]any{tc.field: []any{tc.msg}}, got, tc.body)
	}

	st, m := e.rawJSON(http.MethodPatch, pkPath(col, m["pk"]), `{"friendly_name":null}`)
	require.Equal(t, 200, st, "%v", m)
	assert.Nil(t, m["friendly_name"])

	// Used as name_id_mapping, then deleted: SET_DEFAULT (None).
	p := e.mustCreate("/api/v3/providers/saml/", e.samlBody("sp", fmt.Sprintf(`"name_id_mapping":%q,"property_mappings":[%q]`, m["pk"], m["pk"])))
	assert.Equal(t, m["pk"], p["name_id_mapping"])
	st, _ = e.raw(http.MethodDelete, pkPath(col, m["pk"]), "")
	require.Equal(t, 204, st)
	_, p = e.rawJSON(http.MethodGet, pkPath("/api/v3/providers/saml/", p["pk"]), "")
	assert.Nil(t, p["name_id_mapping"])
	assert.Equal(t, []any{}, p["property_mappings"])
}

// ScopeMappingViewSet is a plain ModelViewSet (authentik/providers/oauth2/api/scopes.py):
// managed mappings can be edited and deleted through the API.
func TestScopeMappingsCustomAndManaged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const col = "/api/v3/propertymappings/provider/scope/"
	m := e.mustCreate(col, `{"name":"custom","expression":"return {}","scope_name":"custom"}`)
	st, m := e.rawJSON(http.MethodPatch, pkPath(col, m["pk"]), `{"description":"Custom scope"}`)
	require.Equal(t, 200, st)
	assert.Equal(t, "Custom scope", m["description"])
	st, _ = e.raw(http.MethodDelete, pkPath(col, m["pk"]), "")
	assert.Equal(t, 204, st)

	email := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).
		Managed([]string{"goauthentik.io/providers/oauth2/scope-email"}).Execute()).must(t).Results[0]
	st, m = e.rawJSON(http.MethodPatch, pkPath(col, email.Pk), `{"description":"edited"}`)
	require.Equal(t, 200, st)
	assert.Equal(t, "edited", m["description"])
	assert.Equal(t, "goauthentik.io/providers/oauth2/scope-email", m["managed"])
	// A SAML mapping's name collides with scope mappings too.
	st, m = e.rawJSON(http.MethodPost, col, `{"name":"authentik default SAML Mapping: UPN","expression":"return {}","scope_name":"upn"}`)
	assert.Equal(t, 400, st)
	assert.Equal(t, map[string]any{"name": []any{"Property Mapping with this name already exists."}}, m)
	st, _ = e.raw(http.MethodDelete, pkPath(col, email.Pk), "")
	assert.Equal(t, 204, st)
}

// ProviderViewSet (authentik/core/api/providers.py): every subclass with the
// base serializer, filters backchannel / application__isnull, type-agnostic delete.
func TestProvidersAll(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.oauth2("o")
	p := e.proxy("p")
	s := e.mustCreate("/api/v3/providers/saml/", e.samlBody("s", ""))
	l := e.mustCreate("/api/v3/providers/ldap/", e.ldapBody("l", ""))
	// pks come from one sequence
	assert.Equal(t, []float64{float64(o.Pk), float64(p.Pk), s["pk"].(float64), l["pk"].(float64)},
		[]float64{1, 2, 3, 4})

	list := res(e.c.ProvidersApi.ProvidersAllList(e.ctx).Execute()).must(t)
	comps := map[string]string{}
	for _, r := range list.Results {
		comps[r.Name] = r.Component + "|" + r.MetaModelName
	}
	assert.Equal(t, map[string]string{
		"o": "ak-provider-oauth2-form|authentik_providers_oauth2.oauth2provider",
		"p": "ak-provider-proxy-form|authentik_providers_proxy.proxyprovider",
		"s": "ak-provider-saml-form|authentik_providers_saml.samlprovider",
		"l": "ak-provider-ldap-form|authentik_providers_ldap.ldapprovider",
	}, comps)

	bc := res(e.c.ProvidersApi.ProvidersAllList(e.ctx).Backchannel(true).Execute()).must(t)
	require.Len(t, bc.Results, 1)
	assert.Equal(t, "l", bc.Results[0].Name)
	nbc := res(e.c.ProvidersApi.ProvidersAllList(e.ctx).Backchannel(false).Execute()).must(t)
	assert.Len(t, nbc.Results, 3)

	// ProviderFilter.filter_application__isnull ORs
	// Q(backchannel_application__isnull=v, is_backchannel=True) with
	// Q(application__isnull=v): an LDAP provider used only as a backchannel
	// provider still has no (main) application, so it is listed.
	app := api.NewApplicationRequest("App", "app")
	app.SetBackchannelProviders([]int32{int32(l["pk"].(float64))})
	res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*app).Execute()).must(t)
	orphans := res(e.c.ProvidersApi.ProvidersAllList(e.ctx).ApplicationIsnull(true).Execute()).must(t)
	var names []string
	for _, r := range orphans.Results {
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, []string{"o", "p", "s", "l"}, names)

	// The OAuth2 list does not show SAML or LDAP providers.
	oauth := res(e.c.ProvidersApi.ProvidersOauth2List(e.ctx).Execute()).must(t)
	assert.Len(t, oauth.Results, 2)
	st, _ := e.raw(http.MethodGet, pkPath("/api/v3/providers/oauth2/", s["pk"]), "")
	assert.Equal(t, 404, st)

	for _, pk := range []any{s["pk"], l["pk"], o.Pk, p.Pk} {
		st, _ := e.raw(http.MethodDelete, pkPath("/api/v3/providers/all/", pk), "")
		assert.Equal(t, 204, st)
	}
	list = res(e.c.ProvidersApi.ProvidersAllList(e.ctx).Execute()).must(t)
	assert.Empty(t, list.Results)
}

func (e *env) selfSigned() string {
	e.t.Helper()
	l := res(e.c.CryptoApi.CryptoCertificatekeypairsList(e.ctx).Name("authentik Self-signed Certificate").Execute()).must(e.t)
	require.Len(e.t, l.Results, 1)
	return l.Results[0].Pk
}

// The seeded key pair is built like authentik/crypto/builder.py and
// apps.py (self_signed); view_certificate / view_private_key as
// authentik/crypto/api.py; derived fields as authentik/crypto/signals.py.
func TestKeypairPEM(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pk := e.selfSigned()
	kp := res(e.c.CryptoApi.CryptoCertificatekeypairsRetrieve(e.ctx, pk).Execute()).must(t)
	data := res(e.c.CryptoApi.CryptoCertificatekeypairsViewCertificateRetrieve(e.ctx, pk).Execute()).must(t)
	block, _ := pem.Decode([]byte(data.Data))
	require.NotNil(t, block)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, "authentik Self-signed Certificate", cert.Subject.CommonName)
	assert.Equal(t, []string{"authentik"}, cert.Subject.Organization)
	assert.Equal(t, []string{"Self-signed"}, cert.Subject.OrganizationalUnit)
	assert.Equal(t, "authentik 2026.2.2", cert.Issuer.CommonName)
	require.Len(t, cert.DNSNames, 1)
	assert.True(t, strings.HasSuffix(cert.DNSNames[0], ".self-signed.goauthentik.io"))
	assert.InDelta(t, 366*24, cert.NotAfter.Sub(cert.NotBefore).Hours(), 1)
	assert.Equal(t, "OU=Self-signed,O=authentik,CN=authentik Self-signed Certificate", kp.GetCertSubject())
	sum := sha256.Sum256(cert.Raw)
	assert.Equal(t, hex.EncodeToString(sum[:]), strings.ReplaceAll(kp.GetFingerprintSha256(), ":", ""))
	assert.Equal(t, cert.NotAfter.UTC(), kp.GetCertExpiry().UTC())
	assert.Equal(t, api.KEYTYPEENUM_RSA, kp.GetKeyType())
	assert.True(t, kp.PrivateKeyAvailable)

	key := res(e.c.CryptoApi.CryptoCertificatekeypairsViewPrivateKeyRetrieve(e.ctx, pk).Execute()).must(t)
	kb, _ := pem.Decode([]byte(key.Data))
	require.NotNil(t, kb)
	assert.Equal(t, "RSA PRIVATE KEY", kb.Type)
	priv, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	require.NoError(t, err)
	assert.Equal(t, 4096, priv.N.BitLen())
	assert.True(t, priv.PublicKey.Equal(cert.PublicKey))

	// The server checks only that "download" is present; the contract check
	// wants a boolean value, so send download=true.
	require.True(t, strings.HasSuffix(kp.CertificateDownloadUrl, "/view_certificate/?download"))
	st, body := e.raw(http.MethodGet, kp.CertificateDownloadUrl+"=true", "")
	assert.Equal(t, 200, st)
	assert.Equal(t, strings.TrimSpace(data.Data), body)

	// A key pair without a key: private_key_available false, empty data.
	nokey := e.emu.AddKeypair("verify-only", "ec", false)
	key = res(e.c.CryptoApi.CryptoCertificatekeypairsViewPrivateKeyRetrieve(e.ctx, nokey).Execute()).must(t)
	assert.Equal(t, "", key.Data)
	got := res(e.c.CryptoApi.CryptoCertificatekeypairsRetrieve(e.ctx, nokey).Execute()).must(t)
	assert.Equal(t, api.KEYTYPEENUM_EC, got.GetKeyType())
	assert.False(t, got.PrivateKeyAvailable)
}

// SetField edits a stored object through the kind's PATCH (the UI's path).
func TestSetField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustCreate("/api/v3/providers/saml/", e.samlBody("sp", ""))
	require.NoError(t, e.emu.SetField("samlprovider", "sp", "issuer", "drifted"))
	_, m := e.rawJSON(http.MethodGet, pkPath("/api/v3/providers/saml/", e.emu.SAMLProviderPK("sp")), "")
	assert.Equal(t, "drifted", m["issuer"])
	err := e.emu.SetField("samlprovider", "sp", "sp_binding", "artifact")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a valid choice")
	require.Error(t, e.emu.SetField("samlprovider", "nope", "issuer", "x"))

	e.mustCreate("/api/v3/providers/ldap/", e.ldapBody("dir", ""))
	require.NoError(t, e.emu.SetField("ldapprovider", "dir", "uid_start_number", 5000))
	e.oauth2("o")
	require.NoError(t, e.emu.SetField("oauth2provider", "o", "sub_mode", "user_email"))
	require.NoError(t, e.emu.SetField("samlpropertymapping", "authentik default SAML Mapping: UPN", "friendly_name", "UPN"))
	list := res(e.c.PropertymappingsApi.PropertymappingsProviderSamlList(e.ctx).FriendlyName("UPN").Execute()).must(t)
	assert.Len(t, list.Results, 1)
	o := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, int32(e.emu.ProviderPK("o"))).Execute()).must(t)
	assert.Equal(t, api.SUBMODEENUM_USER_EMAIL, o.GetSubMode())
}

// CertificateKeyPairViewSet (authentik/crypto/api.py): has_key=true keeps
// the key pairs with a private key; the emulator serves no writes, and a
// delete sets provider references to null (SET_NULL).
func TestKeypairListFilterAndDelete(t *testing.T) {
	e := newEnv(t)
	nokey := e.emu.AddKeypair("cert-only", "rsa", false)
	signer := e.emu.AddKeypair("signer2", "rsa", true)
	const col = "/api/v3/crypto/certificatekeypairs/"
	names := func(q string) []string {
		st, m := e.rawJSON(http.MethodGet, col+"?page_size=100"+q, "")
		require.Equal(t, http.StatusOK, st, "%v", m)
		var out []string
		for _, r := range m["results"].([]any) {
			out = append(out, r.(map[string]any)["name"].(string))
		}
		return out
	}
	assert.Contains(t, names(""), "cert-only")
	assert.NotContains(t, names("&has_key=true"), "cert-only")
	assert.Contains(t, names("&has_key=true"), "signer2")
	// CertificateKeyPairSerializer: certificate_data is required on create;
	// a PATCH renames.
	st, body := e.rawJSON(http.MethodPost, col, `{"name":"x"}`)
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, map[string]any{"certificate_data": []any{"This field is required."}}, body)
	st, _ = e.raw(http.MethodPatch, pkPath(col, nokey), `{"name":"x"}`)
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, names(""), "x")

	p := e.oauth2("kp-user")
	path := pkPath("/api/v3/providers/oauth2/", p.Pk)
	st, m := e.rawJSON(http.MethodPatch, path, fmt.Sprintf(`{"signing_key":%q}`, signer))
	require.Equal(t, http.StatusOK, st, "%v", m)
	st, _ = e.raw(http.MethodDelete, pkPath(col, signer), "")
	require.Equal(t, http.StatusNoContent, st)
	_, m = e.rawJSON(http.MethodGet, path, "")
	assert.Nil(t, m["signing_key"])
	st, _ = e.raw(http.MethodGet, pkPath(col, signer), "")
	assert.Equal(t, http.StatusNotFound, st)
}

// timedelta_string_validator's OverflowError is uncaught on every kind
// (authentik/lib/utils/time.py): a 500, also on the generic SAML provider.
func TestDurationOverflowIsAServerErrorOnGenericKinds(t *testing.T) {
	e := newEnv(t)
	m := e.mustCreate("/api/v3/providers/saml/", e.samlBody("overflow", ""))
	st, _ := e.raw(http.MethodPatch, pkPath("/api/v3/providers/saml/", m["pk"]), `{"assertion_valid_not_before":"weeks=1e20"}`)
	assert.Equal(t, http.StatusInternalServerError, st)
	st, _ = e.raw(http.MethodPatch, pkPath("/api/v3/providers/saml/", m["pk"]), `{"assertion_valid_not_before":"weeks"}`)
	assert.Equal(t, http.StatusBadRequest, st)
}
