package clientdouble_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/check/clientdouble"
)

// Every preset check probes has a double the demo can start.
func TestEveryProbedPresetHasADouble(t *testing.T) {
	t.Parallel()
	for _, preset := range check.ClientPresets() {
		d, ok := clientdouble.For(preset)
		if assert.True(t, ok, preset) {
			assert.NotEmpty(t, d.App, preset)
			assert.True(t, strings.HasPrefix(d.Of, d.App), "%s: Of names the app it follows: %q", preset, d.Of)
		}
	}
	_, ok := clientdouble.For("oidc")
	assert.False(t, ok, "the generic preset names no app to stand in for")
}

// Open WebUI reads OPENID_PROVIDER_URL at the first login, not at start
// (authlib load_server_metadata), keeps it once loaded, and answers 500
// while it cannot be read.
func TestOpenWebUIReadsTheProviderMetadataAtFirstLogin(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	var up atomic.Bool
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"authorization_endpoint":"https://auth.example.com/application/o/authorize/"}`))
	}))
	defer meta.Close()
	env := map[string]string{
		"OAUTH_CLIENT_ID": "id", "OAUTH_CLIENT_SECRET": "s",
		"OPENID_PROVIDER_URL": meta.URL + "/application/o/webui/.well-known/openid-configuration",
		"OPENID_REDIRECT_URI": "https://webui.example.com/oauth/oidc/callback",
	}
	h, err := mustDouble(t, "open-webui").Start(context.Background(), env, meta.Client())
	require.NoError(t, err)
	env["OAUTH_CLIENT_ID"] = "changed after start"
	assert.Equal(t, int32(0), fetches.Load(), "nothing fetched at start")

	login := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oauth/oidc/login", nil))
		return rec
	}
	assert.Equal(t, http.StatusInternalServerError, login().Code, "metadata unreadable")
	up.Store(true)
	for range 2 {
		rec := login()
		require.Equal(t, http.StatusFound, rec.Code)
		loc := rec.Header().Get("Location")
		assert.True(t, strings.HasPrefix(loc, "https://auth.example.com/application/o/authorize/?"), loc)
		assert.Contains(t, loc, "client_id=id&", "the settings it started with")
	}
	assert.Equal(t, int32(2), fetches.Load(), "one failed fetch, then loaded once")
}

func TestGrafanaDoubleFromSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"GF_SERVER_ROOT_URL":              "https://grafana.example.com",
		"GF_AUTH_GENERIC_OAUTH_ENABLED":   "true",
		"GF_AUTH_GENERIC_OAUTH_CLIENT_ID": "gid",
		"GF_AUTH_GENERIC_OAUTH_AUTH_URL":  "https://auth.example.com/application/o/authorize/",
		"GF_AUTH_GENERIC_OAUTH_SCOPES":    "openid profile",
	}
	h, err := mustDouble(t, "grafana").Start(context.Background(), env, nil)
	require.NoError(t, err)
	env["GF_AUTH_GENERIC_OAUTH_ENABLED"] = "false"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login/generic_oauth", nil))
	require.Equal(t, http.StatusFound, rec.Code)
	loc := rec.Header().Get("Location")
	assert.Contains(t, loc, "https://auth.example.com/application/o/authorize/?")
	assert.Contains(t, loc, "client_id=gid")
	assert.Contains(t, loc, "redirect_uri=https%3A%2F%2Fgrafana.example.com%2Flogin%2Fgeneric_oauth")
}

func mustDouble(t *testing.T, preset string) clientdouble.Double {
	t.Helper()
	d, ok := clientdouble.For(preset)
	require.True(t, ok, preset)
	return d
}
