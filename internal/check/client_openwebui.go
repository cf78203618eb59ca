package check

import (
	"context"
	"encoding/json"
	"net/http"
)

// Open WebUI's public endpoints (open-webui/open-webui backend/open_webui,
// v0.10-v0.11-era main, see ../shared/docs/presets.md §5):
//   - GET /api/config (main.py get_app_config, anonymous): oauth.providers
//     maps each registered provider key to its display name; "oidc" is there
//     only when config.py load_oauth_providers found OAUTH_CLIENT_ID,
//     OPENID_PROVIDER_URL and OAUTH_CLIENT_SECRET (or
//     OAUTH_CODE_CHALLENGE_METHOD) at start. Its name is OAUTH_PROVIDER_NAME.
//   - GET /oauth/oidc/login (main.py oauth_login, utils/oauth.py): a 302 to
//     the authorization endpoint authlib read from OPENID_PROVIDER_URL, with
//     redirect_uri = OPENID_REDIRECT_URI and a state; 404 when the provider
//     is not registered or ENABLE_OAUTH is false.
func init() {
	RegisterClientProbe("open-webui", ClientProbe{App: "Open WebUI", ReadyPath: "/api/config", Run: probeOpenWebUI})
}

type openWebUIConfig struct {
	OAuth *struct {
		Providers map[string]string `json:"providers"`
	} `json:"oauth"`
}

const openWebUIRestart = "Open WebUI reads these settings at start: restart it after changing its environment"

func probeOpenWebUI(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, "/api/config")
	var cfg openWebUIConfig
	switch {
	case err != nil:
		add(ItemLoginButton, Fail, "GET /api/config: %s", shortErr(err))
	case resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &cfg) != nil || cfg.OAuth == nil:
		add(ItemLoginButton, Fail, "GET /api/config (HTTP %d) is not Open WebUI's config; is %s Open WebUI's public URL?", resp.Status, t.URL)
	default:
		name, ok := cfg.OAuth.Providers["oidc"]
		switch {
		case !ok:
			add(ItemLoginButton, Fail, "Open WebUI registered no oidc provider: OAUTH_CLIENT_ID, OPENID_PROVIDER_URL and OAUTH_CLIENT_SECRET must all be set where it runs; %s", openWebUIRestart)
		case t.ButtonLabel != "" && name != t.ButtonLabel:
			add(ItemLoginButton, Fail, "the button says %q, the manifest's OAUTH_PROVIDER_NAME is %q: %s", name, t.ButtonLabel, openWebUIRestart)
		default:
			add(ItemLoginButton, Pass, "oidc (%q)", name)
		}
	}

	resp, err = p.Get(ctx, "/oauth/oidc/login")
	switch {
	case err != nil:
		add(ItemLoginRedirect, Fail, "GET /oauth/oidc/login: %s", shortErr(err))
	case resp.Status == http.StatusNotFound:
		add(ItemLoginRedirect, Fail, "GET /oauth/oidc/login answered 404: no oidc provider registered, or ENABLE_OAUTH=false; %s", openWebUIRestart)
	case resp.Status >= 500:
		add(ItemLoginRedirect, Fail, "GET /oauth/oidc/login answered HTTP %d: Open WebUI could not read OPENID_PROVIDER_URL (authentik unreachable from it, or not the .well-known URL)", resp.Status)
	case !isRedirect(resp.Status) || resp.Location == "":
		add(ItemLoginRedirect, Fail, "GET /oauth/oidc/login answered HTTP %d, not a redirect to authentik", resp.Status)
	default:
		got, _ := checkAuthorizeRedirect(p.App, resp.Location, t, redirectCauses{
			elsewhere:   "OPENID_PROVIDER_URL names another server; " + openWebUIRestart,
			clientID:    "OAUTH_CLIENT_ID is stale; " + openWebUIRestart,
			redirectURI: "set OPENID_REDIRECT_URI to it (without it Open WebUI builds the URI from the request's Host, wrong behind a proxy)",
			scope:       "OAUTH_SCOPES differs; " + openWebUIRestart,
		})
		items = append(items, got...)
	}
	return items
}
