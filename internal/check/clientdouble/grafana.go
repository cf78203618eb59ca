package clientdouble

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

func init() {
	register("grafana", Double{App: "Grafana", Of: "Grafana 12's /login/generic_oauth", Start: func(_ context.Context, env map[string]string, _ *http.Client) (http.Handler, error) {
		return NewGrafana(env), nil
	}})
}

// Grafana answers GET /login/generic_oauth like Grafana 12
// (grafana/grafana pkg/api/login_oauth.go, pkg/services/authn/clients/
// oauth.go, pkg/login/social/connectors/generic_oauth.go; see
// ../shared/docs/presets.md §5): enabled, a 302 to GF_AUTH_GENERIC_OAUTH_AUTH_URL
// with access_type=online, client_id, redirect_uri =
// GF_SERVER_ROOT_URL + /login/generic_oauth, response_type=code, scope
// (GF_AUTH_GENERIC_OAUTH_SCOPES split on commas or spaces, joined with a
// space), state and, with USE_PKCE, an S256 code_challenge; it sets the
// oauth_state cookie. Disabled, RedirectURL fails with errOAuthClientDisabled
// ("OAuth client is disabled", authn/clients/oauth.go) and pkg/api/login.go
// redirectWithError answers a 302 to AppSubURL + "/login" (the path of
// root_url), the error in an encrypted cookie.
type Grafana struct {
	Env map[string]string
}

// NewGrafana is Grafana started with env: the GF_* variables it reads at
// start (pkg/setting/setting.go applyEnvVariableOverrides), e.g. from the
// .env apply wrote. Generic OAuth has no discovery, so nothing is fetched.
func NewGrafana(env map[string]string) *Grafana {
	return &Grafana{Env: copyEnv(env)}
}

func (g *Grafana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/login/generic_oauth" {
		http.NotFound(w, r)
		return
	}
	e := g.Env
	root := strings.TrimSuffix(e["GF_SERVER_ROOT_URL"], "/")
	if !strings.EqualFold(e["GF_AUTH_GENERIC_OAUTH_ENABLED"], "true") {
		sub := ""
		if u, err := url.Parse(root); err == nil {
			sub = u.Path
		}
		http.SetCookie(w, &http.Cookie{Name: "redirect_error", Value: "656e63727970746564", Path: sub + "/", HttpOnly: true, MaxAge: 60})
		w.Header().Set("Location", sub+"/login")
		w.WriteHeader(http.StatusFound)
		return
	}
	scopes := strings.FieldsFunc(e["GF_AUTH_GENERIC_OAUTH_SCOPES"], func(r rune) bool { return r == ',' || r == ' ' })
	if len(scopes) == 0 {
		scopes = []string{"user:email"}
	}
	state := random()
	q := url.Values{}
	q.Set("access_type", "online")
	q.Set("client_id", e["GF_AUTH_GENERIC_OAUTH_CLIENT_ID"])
	q.Set("redirect_uri", root+"/login/generic_oauth")
	q.Set("response_type", "code")
	q.Set("scope", strings.Join(scopes, " "))
	q.Set("state", state)
	if strings.EqualFold(e["GF_AUTH_GENERIC_OAUTH_USE_PKCE"], "true") {
		q.Set("code_challenge", challenge())
		q.Set("code_challenge_method", "S256")
	}
	http.SetCookie(w, &http.Cookie{Name: "oauth_state", Value: state, Path: "/", HttpOnly: true})
	http.Redirect(w, r, e["GF_AUTH_GENERIC_OAUTH_AUTH_URL"]+"?"+q.Encode(), http.StatusFound)
}
