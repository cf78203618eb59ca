package clientdouble

import (
	"context"
	"encoding/json"
	"net/http"
)

// Double describes the stand-in of an output preset's app, for provision
// demo: what it is, and how to start it from the settings the real app
// would read.
type Double struct {
	// App names the app it stands in for ("Open WebUI").
	App string
	// Of says what of the app it answers, and after which version.
	Of string
	// Start returns the double started with env, the app's settings file
	// as apply wrote it; c makes the requests the app would make (discovery).
	// An error is what the app would fail to start, or log, with.
	Start func(ctx context.Context, env map[string]string, c *http.Client) (http.Handler, error)
}

// doubles is the registry, by output preset name: a new double is a new
// file and a line here.
var doubles = map[string]Double{
	"librechat": {App: "LibreChat", Of: "LibreChat v0.8.6's /api/config and /oauth/openid", Start: startLibreChat},
	"open-webui": {App: "Open WebUI", Of: "Open WebUI v0.11's /api/config and /oauth/oidc/login", Start: func(_ context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
		return NewOpenWebUI(env, c), nil
	}},
	"grafana": {App: "Grafana", Of: "Grafana 12's /login/generic_oauth", Start: func(_ context.Context, env map[string]string, _ *http.Client) (http.Handler, error) {
		return NewGrafana(env), nil
	}},
}

// For returns the double of an output preset, if there is one.
func For(preset string) (Double, bool) {
	d, ok := doubles[preset]
	return d, ok
}

func startLibreChat(ctx context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
	lc := NewLibreChat(env)
	if err := lc.Boot(ctx, c); err != nil {
		return nil, err
	}
	return lc, nil
}

func copyEnv(env map[string]string) map[string]string {
	cp := make(map[string]string, len(env))
	for k, v := range env {
		cp[k] = v
	}
	return cp
}

// fetchAuthorizationEndpoint GETs a discovery document with c (nil:
// http.DefaultClient), as an app reads authentik's metadata: status is the
// answer's HTTP status, endpoint its authorization_endpoint ("" when the
// body has none). err is a request that got no answer.
func fetchAuthorizationEndpoint(ctx context.Context, c *http.Client, url string) (endpoint string, status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, err
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	var d struct {
		AuthorizationEndpoint string `json:"authorization_endpoint"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&d)
	return d.AuthorizationEndpoint, resp.StatusCode, nil
}
