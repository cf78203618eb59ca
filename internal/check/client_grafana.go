package check

import (
	"context"
	"net/url"
	"strings"
)

// Grafana's public login endpoint (grafana/grafana pkg/api/login_oauth.go,
// pkg/api/login.go and pkg/services/authn/clients/oauth.go, see
// ../shared/docs/presets.md §5):
// GET /login/generic_oauth answers 302 to [auth.generic_oauth] auth_url with
// client_id, redirect_uri = <root_url>/login/generic_oauth, response_type,
// scope and state (plus code_challenge with use_pkce). When the provider is
// disabled the login fails with "OAuth client is disabled" and Grafana
// redirects back to its own /login page (a path: AppSubURL + "/login"). /api/frontend/settings
// needs a session, so there is no anonymous config to read.
func init() {
	RegisterClientProbe("grafana", ClientProbe{App: "Grafana", ReadyPath: "/login/generic_oauth", Run: probeGrafana})
}

const grafanaRestart = "Grafana reads GF_* variables at start: restart it after changing them"

func probeGrafana(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, "/login/generic_oauth")
	switch {
	case err != nil:
		add(ItemLoginRedirect, Fail, "GET /login/generic_oauth: %s", shortErr(err))
	case isRedirect(resp.Status) && isGrafanaLoginPage(resp.Location):
		add(ItemLoginRedirect, Fail, "Grafana sent the login back to its own login page: generic OAuth is disabled (GF_AUTH_GENERIC_OAUTH_ENABLED is not true) or misconfigured; %s", grafanaRestart)
	case !isRedirect(resp.Status) || resp.Location == "":
		add(ItemLoginRedirect, Fail, "GET /login/generic_oauth answered HTTP %d, not a redirect to authentik; is %s Grafana's root_url?", resp.Status, t.URL)
	default:
		got, _ := checkAuthorizeRedirect(p.App, resp.Location, t, redirectCauses{
			elsewhere:   "GF_AUTH_GENERIC_OAUTH_AUTH_URL names another endpoint; " + grafanaRestart,
			clientID:    "GF_AUTH_GENERIC_OAUTH_CLIENT_ID is stale; " + grafanaRestart,
			redirectURI: "Grafana builds it from root_url: set GF_SERVER_ROOT_URL to the public URL; " + grafanaRestart,
			scope:       "GF_AUTH_GENERIC_OAUTH_SCOPES differs; " + grafanaRestart,
		})
		items = append(items, got...)
	}
	return items
}

func isGrafanaLoginPage(loc string) bool {
	u, err := url.Parse(loc)
	return err == nil && strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/login")
}
