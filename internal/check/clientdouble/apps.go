package clientdouble

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// discovery is what the apps read from a discovery document.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
}

// fetchDiscovery GETs a discovery document with c (nil:
// http.DefaultClient); an error is one the app would log and fail the
// login with.
func fetchDiscovery(ctx context.Context, c *http.Client, url string) (discovery, error) {
	var d discovery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return d, err
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return d, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Errorf("GET %s answered HTTP %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || d.AuthorizationEndpoint == "" {
		return d, fmt.Errorf("GET %s is not a discovery document", url)
	}
	return d, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func truthy(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }

// Vaultwarden answers like Vaultwarden 1.37.2 (src/api/identity.rs):
// GET /identity/sso/prevalidate is 200 with a token when SSO_ENABLED, else
// 400 "SSO sign-in is not available"; GET /identity/connect/authorize
// (client_id web, code_challenge_method S256) reads discovery at
// SSO_AUTHORITY + /.well-known/openid-configuration on first use (src/
// sso_client.rs Client::cached; the openidconnect crate refuses an issuer
// that differs from SSO_AUTHORITY) and answers 307 to the authorization
// endpoint with response_type=code, client_id, state, redirect_uri
// DOMAIN + /identity/connect/oidc-signin, scope "openid" + SSO_SCOPES, a
// nonce and, with SSO_PKCE (default true), the code challenge.
type Vaultwarden struct {
	Env    map[string]string
	client *http.Client
	disc   *discovery
}

func init() {
	register("vaultwarden", Double{App: "Vaultwarden", Of: "Vaultwarden 1.37.2's /identity/sso/prevalidate and /identity/connect/authorize", Start: func(_ context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
		return &Vaultwarden{Env: copyEnv(env), client: c}, nil
	}})
}

func vwError(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": msg, "error": "", "error_description": "", "object": "error"})
}

func (v *Vaultwarden) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := v.Env
	enabled := truthy(e["SSO_ENABLED"])
	switch r.URL.Path {
	case "/identity/sso/prevalidate":
		if !enabled {
			vwError(w, "SSO sign-in is not available")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"token": random()})
	case "/identity/connect/authorize":
		q := r.URL.Query()
		if q.Get("code_challenge_method") != "S256" {
			vwError(w, "Unsupported code challenge method")
			return
		}
		switch q.Get("client_id") {
		case "web", "browser", "desktop", "mobile", "cli":
		default:
			vwError(w, "Unsupported client "+q.Get("client_id"))
			return
		}
		if !enabled || e["SSO_CLIENT_ID"] == "" || e["SSO_CLIENT_SECRET"] == "" || e["SSO_AUTHORITY"] == "" {
			vwError(w, "SSO is not configured")
			return
		}
		if v.disc == nil {
			d, err := fetchDiscovery(r.Context(), v.client, strings.TrimSuffix(e["SSO_AUTHORITY"], "/")+"/.well-known/openid-configuration")
			if err != nil {
				vwError(w, "Failed to discover OpenID provider: "+err.Error())
				return
			}
			if d.Issuer != e["SSO_AUTHORITY"] {
				vwError(w, fmt.Sprintf("Failed to discover OpenID provider: unexpected issuer URI %q (expected %q)", d.Issuer, e["SSO_AUTHORITY"]))
				return
			}
			v.disc = &d
		}
		out := []string{"response_type=code", "client_id=" + qe(e["SSO_CLIENT_ID"]), "state=" + qe(base64.StdEncoding.EncodeToString([]byte(q.Get("state")))),
			"redirect_uri=" + qe(strings.TrimSuffix(e["DOMAIN"], "/")+"/identity/connect/oidc-signin"),
			"scope=" + qe(strings.Join(append([]string{"openid"}, strings.Fields(e["SSO_SCOPES"])...), " ")), "nonce=" + random()}
		if e["SSO_PKCE"] == "" || truthy(e["SSO_PKCE"]) {
			out = append(out, "code_challenge="+qe(q.Get("code_challenge")), "code_challenge_method=S256")
		}
		w.Header().Set("Location", v.disc.AuthorizationEndpoint+"?"+strings.Join(out, "&"))
		w.WriteHeader(http.StatusTemporaryRedirect)
	default:
		http.NotFound(w, r)
	}
}

func qe(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// Mealie answers like Mealie v2.0.0: GET /api/app/about (routes/app/
// app_about.py, camelCase aliases) says enableOidc (settings.OIDC_READY),
// oidcRedirect and oidcProviderName; GET /api/auth/oauth (routes/auth/
// auth.py) is 500 "Could not initialize OAuth client" when OIDC is not
// ready, else authlib reads OIDC_CONFIGURATION_URL on first use and answers
// 302 to the authorization endpoint with response_type=code, client_id,
// redirect_uri <base URL>/login, scope "openid email profile" plus the
// groups claim when a group is set, state, nonce and an S256 challenge.
// The double takes BASE_URL as the base URL, as Mealie sees it behind a
// proxy that forwards the public host.
type Mealie struct {
	Env    map[string]string
	client *http.Client
	disc   *discovery
}

func init() {
	register("mealie", Double{App: "Mealie", Of: "Mealie v2.0.0's /api/app/about and /api/auth/oauth", Start: func(_ context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
		return &Mealie{Env: copyEnv(env), client: c}, nil
	}})
}

func (m *Mealie) groupsClaim() string {
	e := m.Env
	if e["OIDC_USER_GROUP"] == "" && e["OIDC_ADMIN_GROUP"] == "" {
		return ""
	}
	if c, ok := e["OIDC_GROUPS_CLAIM"]; ok {
		return c
	}
	return "groups"
}

func (m *Mealie) ready() bool {
	e := m.Env
	return truthy(e["OIDC_AUTH_ENABLED"]) && e["OIDC_CLIENT_ID"] != "" && e["OIDC_CLIENT_SECRET"] != "" && e["OIDC_CONFIGURATION_URL"] != ""
}

func (m *Mealie) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := m.Env
	switch r.URL.Path {
	case "/api/app/about":
		name := e["OIDC_PROVIDER_NAME"]
		if name == "" {
			name = "OAuth"
		}
		writeJSON(w, http.StatusOK, map[string]any{"production": true, "enableOidc": m.ready(), "oidcRedirect": truthy(e["OIDC_AUTO_REDIRECT"]), "oidcProviderName": name})
	case "/api/auth/oauth":
		if !m.ready() {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": "Could not initialize OAuth client"})
			return
		}
		if m.disc == nil {
			d, err := fetchDiscovery(r.Context(), m.client, e["OIDC_CONFIGURATION_URL"])
			if err != nil {
				writeJSON(w, http.StatusInternalServerError, map[string]string{"detail": "Internal Server Error"})
				return
			}
			m.disc = &d
		}
		scope := strings.TrimRight("openid email profile "+m.groupsClaim(), " ")
		base := strings.TrimSuffix(e["BASE_URL"], "/")
		out := []string{"response_type=code", "client_id=" + qe(e["OIDC_CLIENT_ID"]), "redirect_uri=" + qe(base+"/login"),
			"scope=" + qe(scope), "state=" + random(), "nonce=" + random(), "code_challenge=" + challenge(), "code_challenge_method=S256"}
		w.Header().Set("Location", m.disc.AuthorizationEndpoint+"?"+strings.Join(out, "&"))
		w.WriteHeader(http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// Immich answers like Immich v2.2.2 (server/src/controllers/
// server.controller.ts, services/server.service.ts): GET /api/server/ping
// is {"res":"pong"}; GET /api/server/features says oauth (oauth.enabled) and
// oauthAutoLaunch; GET /api/server/config says oauthButtonText. Its
// settings are the config file's keys, flattened (oauth.enabled...).
type Immich struct {
	Env map[string]string
}

func init() {
	register("immich", Double{App: "Immich", Of: "Immich v2.2.2's /api/server/features and /api/server/config", Start: func(_ context.Context, env map[string]string, _ *http.Client) (http.Handler, error) {
		return &Immich{Env: copyEnv(env)}, nil
	}})
}

func (im *Immich) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := im.Env
	switch r.URL.Path {
	case "/api/server/ping":
		writeJSON(w, http.StatusOK, map[string]string{"res": "pong"})
	case "/api/server/features":
		writeJSON(w, http.StatusOK, map[string]any{"oauth": e["oauth.enabled"] == "true", "oauthAutoLaunch": e["oauth.autoLaunch"] == "true", "passwordLogin": e["passwordLogin.enabled"] != "false"})
	case "/api/server/config":
		text := e["oauth.buttonText"]
		if _, ok := e["oauth.buttonText"]; !ok {
			text = "Login with OAuth"
		}
		writeJSON(w, http.StatusOK, map[string]any{"oauthButtonText": text, "loginPageMessage": "", "externalDomain": e["server.externalDomain"]})
	default:
		http.NotFound(w, r)
	}
}

// Outline answers like Outline v1.9.2: GET /_health is OK; GET /auth/oidc
// (plugins/oidc/server/auth/oidcRouter.ts, passport-oauth2) answers 302 to
// OIDC_AUTH_URI with response_type=code, client_id, redirect_uri
// URL + /auth/oidc.callback, scope OIDC_SCOPES (default "openid profile
// email") and state; without the client id, secret and three endpoints the
// router is not mounted (404).
type Outline struct {
	Env map[string]string
}

func init() {
	register("outline", Double{App: "Outline", Of: "Outline v1.9.2's /auth/oidc", Start: func(_ context.Context, env map[string]string, _ *http.Client) (http.Handler, error) {
		return &Outline{Env: copyEnv(env)}, nil
	}})
}

func (o *Outline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := o.Env
	switch r.URL.Path {
	case "/_health":
		_, _ = w.Write([]byte("OK"))
	case "/auth/oidc":
		if e["OIDC_CLIENT_ID"] == "" || e["OIDC_CLIENT_SECRET"] == "" || e["OIDC_AUTH_URI"] == "" || e["OIDC_TOKEN_URI"] == "" || e["OIDC_USERINFO_URI"] == "" {
			http.NotFound(w, r)
			return
		}
		scope := e["OIDC_SCOPES"]
		if scope == "" {
			scope = "openid profile email"
		}
		out := []string{"response_type=code", "client_id=" + qe(e["OIDC_CLIENT_ID"]), "redirect_uri=" + qe(strings.TrimSuffix(e["URL"], "/")+"/auth/oidc.callback"),
			"scope=" + qe(scope), "state=" + random()}
		w.Header().Set("Location", e["OIDC_AUTH_URI"]+"?"+strings.Join(out, "&"))
		w.WriteHeader(http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}
