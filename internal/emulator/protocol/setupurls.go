package protocol

import (
	"math/big"
	"net/http"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// SetupURLs is OAuth2ProviderViewSet.setup_urls
// (authentik/providers/oauth2/api/providers.py, version/2026.2.2):
// get_object_or_404(OAuth2Provider, pk=pk), so a proxy provider's pk
// answers too and no object permission is checked. Without an application
// the issuer (per-provider mode), provider_info and logout are null and
// jwks is left out, a 200 (the schema's 404 "Provider has no application
// assigned" is never sent).
func (e *Views) SetupURLs(c *httpapi.Call) httpapi.Resp {
	n, ok := new(big.Int).SetString(c.ID, 10)
	if !ok {
		// IntegerField.get_prep_value raises ValueError ("Field 'id'
		// expected a number"), which get_object_or_404 does not catch.
		return httpapi.ServerError()
	}
	var p *store.Provider
	if n.IsInt64() && n.Int64() >= -1<<31 && n.Int64() < 1<<31 {
		p = e.st.ProviderByPK(int32(n.Int64()))
	}
	if p == nil || !p.IsOAuth2() {
		return httpapi.NoMatch("OAuth2Provider")
	}
	base := BaseURL(c.R)
	out := map[string]any{
		"issuer":        nil,
		"authorize":     base + oauthPrefix + "authorize/",
		"token":         base + oauthPrefix + "token/",
		"user_info":     base + oauthPrefix + "userinfo/",
		"provider_info": nil,
		"logout":        nil,
	}
	a := e.st.AppUsingProvider(p.PK)
	if p.Attr("issuer_mode") == "global" {
		out["issuer"] = base + "/"
	} else if a != nil {
		out["issuer"] = base + oauthPrefix + a.Slug() + "/"
	}
	if a != nil {
		out["provider_info"] = base + oauthPrefix + a.Slug() + "/.well-known/openid-configuration"
		out["logout"] = base + oauthPrefix + a.Slug() + "/end-session/"
		out["jwks"] = base + oauthPrefix + a.Slug() + "/jwks/"
	}
	return httpapi.Resp{Status: http.StatusOK, Body: out}
}
