package clientdouble

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

func init() {
	register("open-webui", Double{App: "Open WebUI", Of: "Open WebUI v0.11's /api/config and /oauth/oidc/login", Start: func(_ context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
		return NewOpenWebUI(env, c), nil
	}})
}

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
//     authlib reads the metadata lazily (authlib/authlib
//     integrations/base_client/async_app.py AsyncOAuth2Mixin
//     create_authorization_url -> load_server_metadata, GET
//     OPENID_PROVIDER_URL with raise_for_status, kept once loaded): the
//     first login fetches it, and a failed fetch is an unhandled exception,
//     a 500 "Internal Server Error", tried again on the next login.
type OpenWebUI struct {
	Env map[string]string
	// AuthorizationEndpoint is what authlib reads from OPENID_PROVIDER_URL;
	// "" means not loaded yet: the first login fetches it with HTTP.
	AuthorizationEndpoint string
	// HTTP fetches OPENID_PROVIDER_URL (nil: http.DefaultClient).
	HTTP *http.Client

	mu sync.Mutex
}

// NewOpenWebUI is Open WebUI started with env (its environment, e.g. the
// .env apply wrote), reading OPENID_PROVIDER_URL with c at the first login
// as authlib does. Unlike authlib, it accepts a plain-http metadata URL
// served on loopback: the local sandbox.
func NewOpenWebUI(env map[string]string, c *http.Client) *OpenWebUI {
	return &OpenWebUI{Env: copyEnv(env), HTTP: c}
}

// authorizationEndpoint is authlib's load_server_metadata: the cached
// endpoint, or OPENID_PROVIDER_URL fetched now.
func (o *OpenWebUI) authorizationEndpoint(r *http.Request) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.AuthorizationEndpoint != "" {
		return o.AuthorizationEndpoint, nil
	}
	endpoint, status, err := fetchAuthorizationEndpoint(r.Context(), o.HTTP, o.Env["OPENID_PROVIDER_URL"])
	switch {
	case err != nil:
		return "", err
	case status >= 400:
		return "", fmt.Errorf("metadata answered HTTP %d", status)
	case endpoint == "":
		return "", fmt.Errorf("metadata has no authorization_endpoint")
	}
	o.AuthorizationEndpoint = endpoint
	return endpoint, nil
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
		endpoint, err := o.authorizationEndpoint(r)
		if err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("Internal Server Error"))
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
		http.Redirect(w, r, endpoint+"?"+q.Encode(), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}
