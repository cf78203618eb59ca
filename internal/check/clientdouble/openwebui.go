package clientdouble

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// OpenWebUI answers like Open WebUI (open-webui/open-webui
// backend/open_webui, v0.10-v0.11-era main @00b1c6bc):
//   - GET /api/config: main.py get_app_config, anonymous:
//     oauth.providers = {key: name} of the providers config.py
//     load_oauth_providers registered ("oidc" needs OAUTH_CLIENT_ID,
//     OPENID_PROVIDER_URL and OAUTH_CLIENT_SECRET or
//     OAUTH_CODE_CHALLENGE_METHOD; its name is OAUTH_PROVIDER_NAME, default
//     "SSO").
//   - GET /oauth/oidc/login: main.py oauth_login (utils/oauth.py): 404
//     without the provider or with ENABLE_OAUTH=false, else authlib's
//     authorize_redirect: 302 to the metadata's authorization_endpoint with
//     response_type=code, client_id, redirect_uri (OPENID_REDIRECT_URI),
//     scope (OAUTH_SCOPES, default "openid email profile"), state and nonce.
type OpenWebUI struct {
	Env map[string]string
	// AuthorizationEndpoint is what authlib reads from OPENID_PROVIDER_URL.
	AuthorizationEndpoint string
}

func (o *OpenWebUI) registered() bool {
	e := o.Env
	if v, ok := e["ENABLE_OAUTH"]; ok && !strings.EqualFold(v, "true") {
		return false
	}
	return e["OAUTH_CLIENT_ID"] != "" && e["OPENID_PROVIDER_URL"] != "" && (e["OAUTH_CLIENT_SECRET"] != "" || e["OAUTH_CODE_CHALLENGE_METHOD"] != "")
}

func (o *OpenWebUI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/config":
		providers := map[string]string{}
		if o.registered() {
			name := o.Env["OAUTH_PROVIDER_NAME"]
			if name == "" {
				name = "SSO"
			}
			providers["oidc"] = name
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"status": true, "name": "Open WebUI", "version": "0.11.0",
			"oauth":    map[string]any{"providers": providers},
			"features": map[string]any{"auth": true, "enable_login_form": true},
		})
	case "/oauth/oidc/login":
		if !o.registered() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
			return
		}
		scope := o.Env["OAUTH_SCOPES"]
		if scope == "" {
			scope = "openid email profile"
		}
		q := url.Values{}
		q.Set("response_type", "code")
		q.Set("client_id", o.Env["OAUTH_CLIENT_ID"])
		q.Set("redirect_uri", o.Env["OPENID_REDIRECT_URI"])
		q.Set("scope", scope)
		q.Set("state", random())
		q.Set("nonce", random())
		http.Redirect(w, r, o.AuthorizationEndpoint+"?"+q.Encode(), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}
