package protocol

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

const oauthPrefix = "/application/o/"

// ServeOIDC answers the OAuth2/OIDC URLs outside /api/v3 (no API auth).
// It runs with e.mu held.
func (e *Views) ServeOIDC(r *http.Request, body []byte) httpapi.Resp {
	rest, ok := strings.CutPrefix(r.URL.Path, oauthPrefix)
	if !ok {
		return htmlNotFound()
	}
	switch rest {
	case "authorize/":
		return e.authorize(r)
	case "token/":
		return e.tokenEndpoint(r, body)
	case "userinfo/":
		return e.userinfo(r)
	case "introspect/":
		return e.introspect(r)
	case "revoke/":
		return e.revoke(r, body)
	case "device/":
		return e.device(r, body)
	}
	slug, tail, _ := strings.Cut(rest, "/")
	switch tail {
	case "":
		return httpapi.Resp{Status: http.StatusFound, Hdr: http.Header{
			"Location": {oauthPrefix + slug + "/.well-known/openid-configuration"}}}
	case ".well-known/openid-configuration":
		return e.discovery(r, slug)
	case "jwks/":
		return e.jwks(slug)
	case "end-session/":
		return e.endSession(r, slug)
	}
	return htmlNotFound()
}

func htmlNotFound() httpapi.Resp {
	return httpapi.Resp{Status: http.StatusNotFound, Body: httpapi.RawBody("<h1>Not Found</h1>"),
		Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

// oidcProvider finds the OAuth2 provider (or proxy provider) of an application.
func (e *Views) oidcProvider(slug string) (*store.Application, *store.Provider) {
	a := e.st.AppBySlug(slug)
	if a == nil || a.Provider() == nil {
		return nil, nil
	}
	p := e.st.ProviderByPK(*a.Provider())
	if p == nil || !p.IsOAuth2() {
		return nil, nil // SAML and LDAP applications have no OIDC endpoints
	}
	return a, p
}

// baseURL is the request's origin; X-Forwarded-Proto decides the scheme.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = strings.TrimSpace(strings.Split(p, ",")[0])
	}
	return scheme + "://" + r.Host
}

// jwtAlg is JWTAlgorithms.from_private_key (providers/oauth2/models.py):
// "" (a ValueError, so a 500) for a key pair without a private key or an
// Ed25519 key. The emulator's EC keys are all P-256.
func jwtAlg(k *store.Keypair) string {
	switch {
	case k == nil || k.KeyPEM == "":
		return ""
	case k.KeyType == "rsa":
		return "RS256"
	case k.KeyType == "ec":
		return "ES256"
	}
	return ""
}

// signingAlg is OAuth2Provider.jwt_key's algorithm; ok is false where
// authentik raises.
func (e *Views) signingAlg(p *store.Provider) (string, bool) {
	if p.Ref("signing_key") == nil {
		return "HS256", true
	}
	alg := jwtAlg(e.st.KeypairByPK(*p.Ref("signing_key")))
	return alg, alg != ""
}

// discovery is ProviderInfoView (providers/oauth2/views/provider.py).
func (e *Views) discovery(r *http.Request, slug string) httpapi.Resp {
	a, p := e.oidcProvider(slug)
	if p == nil {
		return htmlNotFound()
	}
	base := BaseURL(r)
	issuer := base + oauthPrefix + a.Slug() + "/"
	if p.Attr("issuer_mode") == "global" {
		issuer = base + "/"
	}
	scopes := []string{}
	var mine []*store.Object
	for _, m := range e.st.Mappings {
		if !slices.Contains(p.PropertyMappings, m.PK) {
			continue
		}
		scopes = append(scopes, httpapi.FmtVal(m.Attrs["scope_name"]))
		mine = append(mine, m)
	}
	if !slices.Contains(scopes, "openid") {
		scopes = append(scopes, "openid")
	}
	alg, ok := e.signingAlg(p)
	if !ok {
		return httpapi.ServerError()
	}
	// get_claims: the default claims, then the keys each mapping returns
	// for the anonymous user, mappings ordered by scope_name.
	claims := []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce"}
	sort.SliceStable(mine, func(i, j int) bool {
		return httpapi.FmtVal(mine[i].Attrs["scope_name"]) < httpapi.FmtVal(mine[j].Attrs["scope_name"])
	})
	for _, m := range mine {
		keys, _ := dictLiteralKeys(httpapi.FmtVal(m.Attrs["expression"]))
		claims = append(claims, keys...)
	}
	doc := map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                base + oauthPrefix + "authorize/",
		"token_endpoint":                        base + oauthPrefix + "token/",
		"userinfo_endpoint":                     base + oauthPrefix + "userinfo/",
		"end_session_endpoint":                  base + oauthPrefix + a.Slug() + "/end-session/",
		"introspection_endpoint":                base + oauthPrefix + "introspect/",
		"revocation_endpoint":                   base + oauthPrefix + "revoke/",
		"device_authorization_endpoint":         base + oauthPrefix + "device/",
		"backchannel_logout_supported":          true,
		"backchannel_logout_session_supported":  true,
		"response_types_supported":              []string{"code", "id_token", "id_token token", "code token", "code id_token", "code id_token token"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"jwks_uri":                              base + oauthPrefix + a.Slug() + "/jwks/",
		"grant_types_supported":                 []string{"authorization_code", "refresh_token", "implicit", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"},
		"id_token_signing_alg_values_supported": []string{alg},
		"subject_types_supported":               []string{"public"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"acr_values_supported":                  []string{"goauthentik.io/providers/oauth2/default"},
		"scopes_supported":                      scopes,
		"request_parameter_supported":           false,
		"claims_supported":                      claims,
		"claims_parameter_supported":            false,
		"code_challenge_methods_supported":      []string{"plain", "S256"},
	}
	if p.Ref("encryption_key") != nil {
		doc["id_token_encryption_alg_values_supported"] = []string{"RSA-OAEP-256"}
		doc["id_token_encryption_enc_values_supported"] = []string{"A256CBC-HS512"}
	}
	return httpapi.Resp{Status: 200, Body: doc}
}

// jwks is JWKSView (providers/oauth2/views/jwks.py): {} when no key
// yields a JWK, else {"keys": [sig, enc]}; keys carry the certificate as
// x5c, x5t and x5t#S256; kid is generate_key_id(key_data).
func (e *Views) jwks(slug string) httpapi.Resp {
	_, p := e.oidcProvider(slug)
	if p == nil {
		return htmlNotFound()
	}
	out := map[string]any{}
	var keys []map[string]any
	for _, use := range []struct {
		pk  *string
		use string
	}{{p.Ref("signing_key"), "sig"}, {p.Ref("encryption_key"), "enc"}} {
		if use.pk == nil {
			continue
		}
		jwk, ok := jwkFor(e.st.KeypairByPK(*use.pk), use.use)
		if !ok {
			return httpapi.ServerError()
		}
		if jwk != nil {
			keys = append(keys, jwk)
		}
	}
	if len(keys) > 0 {
		out["keys"] = keys
	}
	return httpapi.Resp{Status: 200, Body: out, Hdr: http.Header{"Access-Control-Allow-Origin": {"*"}}}
}

// jwkFor is JWKSView.get_jwk_for_key. ok is false where authentik raises
// (an Ed25519 key used for signing).
func jwkFor(k *store.Keypair, use string) (map[string]any, bool) {
	if k == nil || k.KeyPEM == "" {
		return nil, true
	}
	jwk := map[string]any{}
	if use == "sig" {
		alg := jwtAlg(k)
		if alg == "" {
			return nil, false
		}
		jwk["alg"] = alg
	} else {
		jwk["alg"], jwk["enc"] = "RSA-OAEP-256", "A256CBC-HS512"
	}
	b64u := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	switch pub := k.Cert.PublicKey.(type) {
	case *rsa.PublicKey:
		jwk["kty"], jwk["n"], jwk["e"] = "RSA", b64u(pub.N.Bytes()), b64u(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		jwk["kty"], jwk["crv"] = "EC", pub.Curve.Params().Name
		jwk["x"], jwk["y"] = b64u(pub.X.FillBytes(make([]byte, size))), b64u(pub.Y.FillBytes(make([]byte, size)))
	default:
		return jwk, true // no kid, kty or x5c: the early return in get_jwk_for_key
	}
	sum := sha512.Sum512([]byte(k.KeyPEM))
	jwk["kid"], jwk["use"] = b64u(sum[:]), use
	jwk["x5c"] = []string{base64.StdEncoding.EncodeToString(k.Cert.Raw)}
	s1, s256 := sha1.Sum(k.Cert.Raw), sha256.Sum256(k.Cert.Raw)
	jwk["x5t"], jwk["x5t#S256"] = b64u(s1[:]), b64u(s256[:])
	return jwk, true
}
