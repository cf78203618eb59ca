package clientdouble

import (
	"context"
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
