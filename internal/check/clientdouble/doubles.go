// Package clientdouble holds stand-ins for the client apps check probes:
// HTTP handlers that answer the probed endpoints as each app's source does
// for the settings it was started with. They are doubles for tests and for
// provision demo, not the apps: nothing here logs anyone in.
package clientdouble

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
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

// doubles is the registry, by output preset name: each double's file adds
// it from init with register.
var doubles = map[string]Double{}

func register(preset string, d Double) { doubles[preset] = d }

// Apps names the apps that have doubles, by preset name.
func Apps() []string {
	var apps []string
	for _, p := range slices.Sorted(maps.Keys(doubles)) {
		apps = append(apps, doubles[p].App)
	}
	return apps
}

// For returns the double of an output preset, if there is one.
func For(preset string) (Double, bool) {
	d, ok := doubles[preset]
	return d, ok
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
