package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// The SAML provider's metadata views (authentik/providers/saml/{api/providers.py,processors/metadata.py}).

const (
	samlBindingPost     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	samlBindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	nsSAMLMetadata      = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsSAMLProtocol      = "urn:oasis:names:tc:SAML:2.0:protocol"
)

// SAMLURLs are the url_* fields of SAMLProviderSerializer, built on the
// request's host; "-" (or the API metadata URL) without an application.
func (e *Views) SAMLURLs(c *httpapi.Call, p *store.Provider) map[string]string {
	out := map[string]string{}
	if c == nil || c.R == nil {
		for _, f := range []string{"url_download_metadata", "url_sso_post", "url_sso_redirect", "url_sso_init",
			"url_slo_post", "url_slo_redirect"} {
			out[f] = "" // no request in the serializer context
		}
		return out
	}
	base := BaseURL(c.R)
	a := e.st.AppUsingProvider(p.PK)
	if a == nil {
		out["url_download_metadata"] = fmt.Sprintf("%s/api/v3/providers/saml/%d/metadata/?download", base, p.PK)
		for _, f := range []string{"url_sso_post", "url_sso_redirect", "url_sso_init", "url_slo_post", "url_slo_redirect"} {
			out[f] = "-"
		}
		return out
	}
	app := base + "/application/saml/" + a.Slug() + "/"
	out["url_download_metadata"] = app + "metadata/"
	out["url_sso_post"] = app + "sso/binding/post/"
	out["url_sso_redirect"] = app + "sso/binding/redirect/"
	out["url_sso_init"] = app + "sso/binding/init/"
	out["url_slo_post"] = app + "slo/binding/post/"
	out["url_slo_redirect"] = app + "slo/binding/redirect/"
	return out
}

// SAMLMetadata is SAMLProviderViewSet.metadata (AllowAny).
func (e *Views) SAMLMetadata(c *httpapi.Call, p *store.Provider) httpapi.Resp {
	if e.st.AppUsingProvider(p.PK) == nil {
		// build_entity_descriptor dereferences provider.application.
		return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"metadata": ""}}
	}
	xml := e.samlEntityDescriptor(c, p, c.Last("force_binding"))
	if _, ok := c.Q["download"]; ok {
		return httpapi.Resp{Status: http.StatusOK, Body: httpapi.RawBody(xml), Hdr: http.Header{
			"Content-Type":        {"application/xml"},
			"Content-Disposition": {fmt.Sprintf(`attachment; filename="%s_authentik_meta.xml"`, p.Name)},
		}}
	}
	// The serializer declares download_url, but the view never sends it.
	return httpapi.Resp{Status: http.StatusOK, Body: map[string]any{"metadata": xml}}
}

// samlEntityDescriptor is MetadataProcessor.build_entity_descriptor
// (authentik/providers/saml/processors/metadata.py), serialized like lxml's
// tostring. Unlike authentik it does not sign the document when a signing
// key pair is set (no ds:Signature element).
func (e *Views) samlEntityDescriptor(c *httpapi.Call, p *store.Provider, force string) string {
	urls := e.SAMLURLs(c, p)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s-%d", p.Name, p.PK)))
	var b strings.Builder
	b.WriteString(`<md:EntityDescriptor xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
		`xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ` +
		`xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"`)
	fmt.Fprintf(&b, ` ID="_%s" entityID="%s">`, hex.EncodeToString(sum[:]), xmlAttr(fmt.Sprint(p.Attrs["issuer"])))
	b.WriteString(`<md:IDPSSODescriptor protocolSupportEnumeration="` + nsSAMLProtocol + `"`)
	if p.Attrs["verification_kp"] != nil {
		b.WriteString(` WantAuthnRequestsSigned="true"`)
	}
	b.WriteString(">")
	if kp, _ := p.Attrs["signing_kp"].(string); kp != "" {
		if k := e.st.KeypairByPK(kp); k != nil {
			cert := strings.NewReplacer("-----BEGIN CERTIFICATE-----", "", "-----END CERTIFICATE-----", "", "\n", "", "\r", "").
				Replace(k.CertPEM)
			b.WriteString(`<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>` + cert +
				`</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
		}
	}
	bindings := []struct{ binding, slo, sso string }{
		{samlBindingRedirect, urls["url_slo_redirect"], urls["url_sso_redirect"]},
		{samlBindingPost, urls["url_slo_post"], urls["url_sso_post"]},
	}
	for _, bd := range bindings {
		if force == "" || force == bd.binding {
			fmt.Fprintf(&b, `<md:SingleLogoutService Binding="%s" Location="%s"/>`, bd.binding, xmlAttr(bd.slo))
		}
	}
	for _, f := range []string{"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient"} {
		b.WriteString("<md:NameIDFormat>" + f + "</md:NameIDFormat>")
	}
	for _, bd := range bindings {
		if force == "" || force == bd.binding {
			fmt.Fprintf(&b, `<md:SingleSignOnService Binding="%s" Location="%s"/>`, bd.binding, xmlAttr(bd.sso))
		}
	}
	b.WriteString("</md:IDPSSODescriptor></md:EntityDescriptor>")
	return b.String()
}

func xmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
