package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

const oauthPrefix = "/application/o/"

// serveOIDC answers the OAuth2/OIDC URLs outside /api/v3 (no API auth).
// It runs with e.mu held.
func (e *Emulator) serveOIDC(r *http.Request) resp {
	rest, ok := strings.CutPrefix(r.URL.Path, oauthPrefix)
	if !ok {
		return htmlNotFound()
	}
	if rest == "authorize/" {
		return e.authorize(r)
	}
	slug, tail, _ := strings.Cut(rest, "/")
	switch tail {
	case "":
		return resp{status: http.StatusFound, hdr: http.Header{
			"Location": {oauthPrefix + slug + "/.well-known/openid-configuration"}}}
	case ".well-known/openid-configuration":
		return e.discovery(r, slug)
	case "jwks/":
		return e.jwks(slug)
	}
	return htmlNotFound()
}

func htmlNotFound() resp {
	return resp{status: http.StatusNotFound, body: rawBody("<h1>Not Found</h1>"),
		hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

// oidcProvider finds the OAuth2 provider (or proxy provider) of an application.
func (e *Emulator) oidcProvider(slug string) (*application, *provider) {
	a := e.st.appBySlug(slug)
	if a == nil || a.Provider == nil {
		return nil, nil
	}
	p := e.st.providerByPK(*a.Provider)
	if p == nil || !p.isOAuth2() {
		return nil, nil // SAML and LDAP applications have no OIDC endpoints
	}
	return a, p
}

// baseURL is the request's origin; X-Forwarded-Proto decides the scheme.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = strings.TrimSpace(strings.Split(p, ",")[0])
	}
	return scheme + "://" + r.Host
}

func (e *Emulator) signingAlg(p *provider) string {
	if p.SigningKey == nil {
		return "HS256"
	}
	if k := e.st.keypairByPK(*p.SigningKey); k != nil && k.KeyType == "ec" {
		return "ES256"
	}
	return "RS256"
}

func (e *Emulator) discovery(r *http.Request, slug string) resp {
	a, p := e.oidcProvider(slug)
	if p == nil {
		return htmlNotFound()
	}
	base := baseURL(r)
	issuer := base + oauthPrefix + a.Slug + "/"
	if p.IssuerMode == "global" {
		issuer = base + "/"
	}
	scopes := []string{}
	claims := []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce"}
	for _, m := range e.st.mappings {
		if !containsStr(p.PropertyMappings, m.PK) {
			continue
		}
		scopes = append(scopes, m.ScopeName)
		switch m.ScopeName {
		case "profile":
			claims = append(claims, "name", "given_name", "preferred_username", "nickname", "groups")
		case "email":
			claims = append(claims, "email", "email_verified")
		case "entitlements":
			claims = append(claims, "entitlements")
		}
	}
	if !containsStr(scopes, "openid") {
		scopes = append(scopes, "openid")
	}
	return resp{status: 200, body: map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                base + oauthPrefix + "authorize/",
		"token_endpoint":                        base + oauthPrefix + "token/",
		"userinfo_endpoint":                     base + oauthPrefix + "userinfo/",
		"end_session_endpoint":                  base + oauthPrefix + a.Slug + "/end-session/",
		"introspection_endpoint":                base + oauthPrefix + "introspect/",
		"revocation_endpoint":                   base + oauthPrefix + "revoke/",
		"device_authorization_endpoint":         base + oauthPrefix + "device/",
		"response_types_supported":              []string{"code", "id_token", "id_token token", "code token", "code id_token", "code id_token token"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"jwks_uri":                              base + oauthPrefix + a.Slug + "/jwks/",
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "implicit", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"},
		"id_token_signing_alg_values_supported": []string{e.signingAlg(p)},
		"subject_types_supported":               []string{"public"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"acr_values_supported":                  []string{"goauthentik.io/providers/oauth2/default"},
		"scopes_supported":                      scopes,
		"request_parameter_supported":           false,
		"claims_supported":                      claims,
		"claims_parameter_supported":            false,
		"code_challenge_methods_supported":      []string{"plain", "S256"},
	}}
}

// jwks serves a synthetic key set: empty for HS256 providers, one
// RSA or EC public key (shape only, not a usable key) otherwise.
func (e *Emulator) jwks(slug string) resp {
	_, p := e.oidcProvider(slug)
	if p == nil {
		return htmlNotFound()
	}
	keys := []map[string]any{}
	if p.SigningKey != nil {
		if k := e.st.keypairByPK(*p.SigningKey); k != nil {
			sum := sha256.Sum256([]byte("jwk:" + k.PK))
			kid := hex.EncodeToString(sum[:16])
			b64 := base64.RawURLEncoding.EncodeToString
			if k.KeyType == "ec" {
				keys = append(keys, map[string]any{"kty": "EC", "alg": "ES256", "use": "sig", "kid": kid,
					"crv": "P-256", "x": b64(sum[:]), "y": b64(sum[:])})
			} else {
				n := make([]byte, 0, 256)
				for len(n) < 256 {
					n = append(n, sum[:]...)
				}
				keys = append(keys, map[string]any{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
					"n": b64(n), "e": "AQAB"})
			}
		}
	}
	return resp{status: 200, body: map[string]any{"keys": keys}}
}

// authorize is the start of the authorization code flow for a visitor
// without a session: unknown or missing client_id is a 400, otherwise the
// user is sent to log in first.
func (e *Emulator) authorize(r *http.Request) resp {
	clientID := r.URL.Query().Get("client_id")
	found := false
	for _, p := range e.st.providers {
		found = found || (clientID != "" && p.ClientID == clientID)
	}
	if !found {
		return resp{status: http.StatusBadRequest, body: rawBody("<h1>Bad Request</h1><p>Invalid client identifier (client_id).</p>"),
			hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	}
	next := url.QueryEscape(r.URL.RequestURI())
	return resp{status: http.StatusFound, hdr: http.Header{
		"Location": {"/if/flow/default-authentication-flow/?next=" + next}}}
}
