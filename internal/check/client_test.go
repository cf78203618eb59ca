package check

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/clock"
)

const authorize = "https://auth.example.com/application/o/authorize/"

// discovery serves an authentik discovery document for the doubles' boot.
func discovery(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"https://auth.example.com/application/o/chat/","authorization_endpoint":"` + authorize + `"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/application/o/chat/.well-known/openid-configuration"
}

func libreChatEnv(issuer string) map[string]string {
	return map[string]string{
		"ALLOW_SOCIAL_LOGIN":    "true",
		"DOMAIN_CLIENT":         "https://chat.example.com",
		"DOMAIN_SERVER":         "https://chat.example.com",
		"OPENID_ISSUER":         issuer,
		"OPENID_CLIENT_ID":      "id-now",
		"OPENID_CLIENT_SECRET":  "secret",
		"OPENID_SESSION_SECRET": strings.Repeat("s", 64),
		"OPENID_SCOPE":          "openid profile email",
		"OPENID_CALLBACK_URL":   "/oauth/openid/callback",
		"OPENID_BUTTON_LABEL":   "Login with Authentik",
		"OPENID_IMAGE_URL":      "https://example.com/a.png",
	}
}

func libreChatTarget(url string) ClientTarget {
	return ClientTarget{
		Preset: "librechat", URL: url, ClientID: "id-now", FileClientID: "id-now",
		RedirectURI:  "https://chat.example.com/oauth/openid/callback",
		Scopes:       []string{"openid", "email", "profile"},
		AuthorizeURL: authorize, ButtonLabel: "Login with Authentik", ImageURL: "https://example.com/a.png",
		Settings: map[string]string{"DOMAIN_SERVER": "https://chat.example.com"},
	}
}

func item(items []Item, name string) Item {
	for _, it := range items {
		if it.Name == name {
			return it
		}
	}
	return Item{}
}

func serve(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedURL is an address nothing listens on.
func closedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

func TestLibreChatProbes(t *testing.T) {
	t.Parallel()
	issuer := discovery(t)
	cases := map[string]struct {
		setup func(l *clientdouble.LibreChat)
		boot  bool // run discovery (false: it failed at boot)
		fails map[string]string
	}{
		"Healthy": {boot: true},
		"ButtonHiddenBySocialLogins": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { l.SocialLogins = []string{"github", "google"} },
			fails: map[string]string{"LibreChat: login button shown": "registration.socialLogins is [github, google] without openid"},
		},
		"SocialLoginNotAllowed": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { l.Env["ALLOW_SOCIAL_LOGIN"] = "false" },
			fails: map[string]string{
				"LibreChat: login button shown":           "ALLOW_SOCIAL_LOGIN is not true",
				"LibreChat: login redirects to authentik": "for the reason the login button item gives",
			},
		},
		"StaleClientIDNotRestarted": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { l.Env["OPENID_CLIENT_ID"] = "id-before" },
			fails: map[string]string{"LibreChat: client id sent": "not restarted since the .env changed"},
		},
		"StaleLabel": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { delete(l.Env, "OPENID_BUTTON_LABEL") },
			fails: map[string]string{"LibreChat: button label and image": `shows "Continue with OpenID"`},
		},
		"WrongRedirect": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { l.Env["DOMAIN_SERVER"] = "https://chat.example.com/" },
			fails: map[string]string{
				"LibreChat: redirect URI sent": "DOMAIN_SERVER mismatch",
				"LibreChat: DOMAIN_SERVER":     "DOMAIN_SERVER mismatch",
			},
		},
		"DiscoveryFailedAtBoot": {
			boot:  false,
			fails: map[string]string{"LibreChat: login redirects to authentik": "Discovery failed at boot"},
		},
		"ScopeMissing": {
			boot:  true,
			setup: func(l *clientdouble.LibreChat) { delete(l.Env, "OPENID_SCOPE") },
			fails: map[string]string{"LibreChat: login redirects to authentik": "OPENID_SCOPE is missing"},
		},
		"OtherAuthentik": {
			boot: true,
			setup: func(l *clientdouble.LibreChat) {
				l.AuthorizationEndpoint = "https://old.example.com/application/o/authorize/"
			},
			fails: map[string]string{"LibreChat: login redirects to authentik": "not authentik's " + authorize},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := clientdouble.NewLibreChat(libreChatEnv(issuer))
			if tc.boot {
				require.NoError(t, l.Boot(context.Background(), nil))
			}
			if tc.setup != nil {
				tc.setup(l)
			}
			items := Client(context.Background(), ClientOptions{}, libreChatTarget(serve(t, l)))
			for _, it := range items {
				if want, ok := tc.fails[it.Name]; ok {
					assert.Equal(t, Fail, it.Status, it.Name)
					assert.Contains(t, it.Detail, want, it.Name)
				} else {
					assert.Equal(t, Pass, it.Status, "%s: %s", it.Name, it.Detail)
				}
			}
			for name := range tc.fails {
				assert.NotEmpty(t, item(items, name).Name, "no item %q", name)
			}
			if len(tc.fails) == 0 {
				assert.Len(t, items, 9, "answers, button, label, DOMAIN_SERVER, redirect, client id, redirect URI, scope, PKCE: %v", items)
			}
		})
	}
}

func TestLibreChatDiscoveryFailsWhenAuthentikIsDown(t *testing.T) {
	t.Parallel()
	l := clientdouble.NewLibreChat(libreChatEnv(closedURL(t) + "/application/o/chat/"))
	require.Error(t, l.Boot(context.Background(), nil), "the double boots like LibreChat: discovery fails, the strategy is not registered")
	items := Client(context.Background(), ClientOptions{}, libreChatTarget(serve(t, l)))
	assert.Equal(t, Pass, item(items, "LibreChat: login button shown").Status, "the button still shows: that is the trap")
	assert.Equal(t, Fail, item(items, "LibreChat: login redirects to authentik").Status)
}

func TestUnreachableAppIsAWarningUnlessRequired(t *testing.T) {
	t.Parallel()
	target := libreChatTarget(closedURL(t))
	items := Client(context.Background(), ClientOptions{}, target)
	require.Len(t, items, 1)
	assert.Equal(t, Warn, items[0].Status)
	assert.Contains(t, items[0].Detail, "LibreChat at "+target.URL+" did not answer: ")
	assert.Contains(t, items[0].Detail, "is it running, and reachable from here?")
	assert.False(t, Failed(items))

	items = Client(context.Background(), ClientOptions{RequireClient: true}, target)
	assert.Equal(t, Fail, items[0].Status)
}

func TestWaitForTheAppToComeUp(t *testing.T) {
	t.Parallel()
	l := clientdouble.NewLibreChat(libreChatEnv(discovery(t)))
	require.NoError(t, l.Boot(context.Background(), nil))
	var calls atomic.Int32
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 { // a proxy in front of LibreChat still starting
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		l.ServeHTTP(w, r)
	}))
	items := Client(context.Background(), ClientOptions{}, libreChatTarget(url))
	assert.Equal(t, Warn, items[0].Status, "without --wait a 502 is an app not up")
	assert.Contains(t, items[0].Detail, "HTTP 502")

	// The waits are on a fake clock: counted, not timed.
	clk := clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
	items = Client(context.Background(), ClientOptions{Wait: 5 * time.Second, Clock: clk}, libreChatTarget(url))
	assert.False(t, Failed(items), "%v", items)
	assert.Equal(t, Pass, items[0].Status)
	assert.Equal(t, []time.Duration{time.Second, time.Second}, clk.Sleeps(), "a pause after each of the two 502s left")

	clk = clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
	items = Client(context.Background(), ClientOptions{Wait: 20 * time.Millisecond, Poll: 5 * time.Millisecond, Clock: clk}, libreChatTarget(closedURL(t)))
	assert.Contains(t, items[0].Detail, "(waited 20ms)")
	assert.Len(t, clk.Sleeps(), 4, "tries at 0, 5, 10, 15 and 20 ms; the next pause would pass 20 ms")
}

func TestNotLibreChat(t *testing.T) {
	t.Parallel()
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }))
	items := Client(context.Background(), ClientOptions{}, libreChatTarget(url))
	assert.Equal(t, Fail, item(items, "LibreChat: startup config").Status)
	assert.Contains(t, item(items, "LibreChat: startup config").Detail, "is "+url+" LibreChat's public URL?")
}

func TestPresetWithoutProbes(t *testing.T) {
	t.Parallel()
	items := Client(context.Background(), ClientOptions{}, ClientTarget{Preset: "wiki.js", URL: "https://wiki.example.com"})
	require.Len(t, items, 1)
	assert.Equal(t, Info, items[0].Status)
	assert.Contains(t, items[0].Detail, `no client probes for preset "wiki.js"`)
	assert.False(t, Failed(items))
}

func TestOpenWebUIProbes(t *testing.T) {
	t.Parallel()
	env := func() map[string]string {
		return map[string]string{
			"OAUTH_CLIENT_ID": "id-now", "OAUTH_CLIENT_SECRET": "s", "OAUTH_PROVIDER_NAME": "authentik",
			"OPENID_PROVIDER_URL": "https://auth.example.com/application/o/webui/.well-known/openid-configuration",
			"OPENID_REDIRECT_URI": "https://webui.example.com/oauth/oidc/callback",
		}
	}
	target := func(url string) ClientTarget {
		return ClientTarget{Preset: "open-webui", URL: url, ClientID: "id-now", RedirectURI: "https://webui.example.com/oauth/oidc/callback",
			Scopes: []string{"openid", "email", "profile"}, AuthorizeURL: authorize, ButtonLabel: "authentik"}
	}
	cases := map[string]struct {
		setup func(map[string]string)
		fails map[string]string
	}{
		"Healthy": {},
		"NotRegistered": {
			setup: func(e map[string]string) { delete(e, "OPENID_PROVIDER_URL") },
			fails: map[string]string{
				"Open WebUI: login button shown":           "registered no oidc provider",
				"Open WebUI: login redirects to authentik": "answered 404",
			},
		},
		"StaleClientID": {
			setup: func(e map[string]string) { e["OAUTH_CLIENT_ID"] = "id-before" },
			fails: map[string]string{"Open WebUI: client id sent": "OAUTH_CLIENT_ID is stale"},
		},
		"WrongRedirect": {
			setup: func(e map[string]string) { e["OPENID_REDIRECT_URI"] = "http://localhost:8080/oauth/oidc/callback" },
			fails: map[string]string{"Open WebUI: redirect URI sent": "set OPENID_REDIRECT_URI"},
		},
		"ButtonName": {
			setup: func(e map[string]string) { delete(e, "OAUTH_PROVIDER_NAME") },
			fails: map[string]string{"Open WebUI: login button shown": `the button says "SSO"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := &clientdouble.OpenWebUI{Env: env(), AuthorizationEndpoint: authorize}
			if tc.setup != nil {
				tc.setup(d.Env)
			}
			items := Client(context.Background(), ClientOptions{}, target(serve(t, d)))
			checkItems(t, items, tc.fails)
		})
	}
	items := Client(context.Background(), ClientOptions{}, target(closedURL(t)))
	assert.Equal(t, Warn, items[0].Status)
	assert.Contains(t, items[0].Detail, "Open WebUI at ")
}

func TestGrafanaProbes(t *testing.T) {
	t.Parallel()
	env := func() map[string]string {
		return map[string]string{
			"GF_SERVER_ROOT_URL": "https://grafana.example.com", "GF_AUTH_GENERIC_OAUTH_ENABLED": "true",
			"GF_AUTH_GENERIC_OAUTH_CLIENT_ID": "id-now", "GF_AUTH_GENERIC_OAUTH_AUTH_URL": authorize,
			"GF_AUTH_GENERIC_OAUTH_SCOPES": "openid,profile,email",
		}
	}
	target := func(url string) ClientTarget {
		return ClientTarget{Preset: "grafana", URL: url, ClientID: "id-now", RedirectURI: "https://grafana.example.com/login/generic_oauth",
			Scopes: []string{"openid", "email", "profile"}, AuthorizeURL: authorize}
	}
	cases := map[string]struct {
		setup func(map[string]string)
		fails map[string]string
	}{
		"Healthy": {},
		"Disabled": {
			setup: func(e map[string]string) { e["GF_AUTH_GENERIC_OAUTH_ENABLED"] = "false" },
			fails: map[string]string{"Grafana: login redirects to authentik": "generic OAuth is disabled"},
		},
		"StaleClientID": {
			setup: func(e map[string]string) { e["GF_AUTH_GENERIC_OAUTH_CLIENT_ID"] = "id-before" },
			fails: map[string]string{"Grafana: client id sent": "GF_AUTH_GENERIC_OAUTH_CLIENT_ID is stale"},
		},
		"WrongRedirect": {
			setup: func(e map[string]string) { e["GF_SERVER_ROOT_URL"] = "http://localhost:3000" },
			fails: map[string]string{"Grafana: redirect URI sent": "GF_SERVER_ROOT_URL"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := &clientdouble.Grafana{Env: env()}
			if tc.setup != nil {
				tc.setup(d.Env)
			}
			items := Client(context.Background(), ClientOptions{}, target(serve(t, d)))
			checkItems(t, items, tc.fails)
		})
	}
}

// checkItems asserts that exactly the items in fails failed, with their
// detail naming the cause; every other item passed.
func checkItems(t *testing.T, items []Item, fails map[string]string) {
	t.Helper()
	for _, it := range items {
		if want, ok := fails[it.Name]; ok {
			assert.Equal(t, Fail, it.Status, it.Name)
			assert.Contains(t, it.Detail, want, it.Name)
		} else {
			assert.Equal(t, Pass, it.Status, "%s: %s", it.Name, it.Detail)
		}
	}
	for name := range fails {
		assert.NotEmpty(t, item(items, name).Name, "no item %q in %v", name, items)
	}
}

func TestPartialStartupConfig(t *testing.T) {
	t.Parallel()
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/config" {
			_, _ = w.Write([]byte(`{"socialLoginEnabled":true}`))
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	items := Client(context.Background(), ClientOptions{}, libreChatTarget(url))
	assert.Equal(t, Fail, item(items, "LibreChat: startup config").Status)
	assert.Contains(t, item(items, "LibreChat: login redirects to authentik").Detail, "Discovery failed at boot")
}
