package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/check/clientdouble"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/dotenv"
)

// libreChatDouble starts a LibreChat double with the .env apply wrote,
// booted against the emulator, after tweak adjusts it.
func libreChatDouble(t *testing.T, envPath string, tweak func(*clientdouble.LibreChat)) string {
	t.Helper()
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	env, err := dotenv.Parse(data)
	require.NoError(t, err)
	lc := clientdouble.NewLibreChat(env)
	require.NoError(t, lc.Boot(context.Background(), nil))
	if tweak != nil {
		tweak(lc)
	}
	srv := httptest.NewServer(lc)
	t.Cleanup(srv.Close)
	return srv.URL
}

func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

func TestCheckProbesLibreChat(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, envPath := seedInDir(t)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	cases := map[string]struct {
		tweak func(*clientdouble.LibreChat)
		code  int
		want  []string
	}{
		"Healthy": {code: exitOK, want: []string{"✓ LibreChat: login button shown", "✓ LibreChat: client id sent", "✓ LibreChat: redirect URI sent", "✓ LibreChat: PKCE"}},
		"StaleClientID": {
			tweak: func(l *clientdouble.LibreChat) { l.Env["OPENID_CLIENT_ID"] = "the-client-id-before-apply" },
			code:  exitError,
			want:  []string{"✗ LibreChat: client id sent", "LibreChat was not restarted since the .env changed"},
		},
		"ButtonHidden": {
			tweak: func(l *clientdouble.LibreChat) { l.SocialLogins = []string{"github"} },
			code:  exitError,
			want:  []string{"✗ LibreChat: login button shown", "hidden by librechat.yaml: registration.socialLogins is [github] without openid"},
		},
		"DiscoveryFailedAtBoot": {
			tweak: func(l *clientdouble.LibreChat) { l.AuthorizationEndpoint = "" },
			code:  exitError,
			want:  []string{"✓ LibreChat: login button shown", "✗ LibreChat: login redirects to authentik", "restart LibreChat once authentik is up"},
		},
		"WrongDomainServer": {
			tweak: func(l *clientdouble.LibreChat) { l.Env["DOMAIN_SERVER"] = "https://chat.internal:3080" },
			code:  exitError,
			want:  []string{"✗ LibreChat: DOMAIN_SERVER", "✗ LibreChat: redirect URI sent", "DOMAIN_SERVER mismatch"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			url := libreChatDouble(t, envPath, tc.tweak)
			r := c.run("check", "-f", path, "--app", "librechat", "--client-url", url)
			assert.Equal(t, tc.code, r.code, r.out+r.err)
			assert.Contains(t, r.out, "The client app at "+url)
			for _, w := range tc.want {
				assert.Contains(t, r.out, w)
			}
		})
	}

	t.Run("UnreachableWarnsButPasses", func(t *testing.T) {
		url := closedAddr(t)
		r := c.run("check", "-f", path, "--app", "librechat", "--client-url", url)
		assert.Equal(t, exitOK, r.code, r.out+r.err)
		assert.Contains(t, r.out, "! LibreChat: answers")
		assert.Contains(t, r.out, "LibreChat at "+url+" did not answer: ")
		assert.Contains(t, r.out, "is it running, and reachable from here?")

		r = c.run("check", "-f", path, "--app", "librechat", "--client-url", url, "--require-client")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.out, "✗ LibreChat: answers")
	})

	t.Run("WaitsForTheAppAfterARestart", func(t *testing.T) {
		url := libreChatDouble(t, envPath, nil)
		var calls atomic.Int32
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 { // the reverse proxy, while LibreChat restarts
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			httputil.NewSingleHostReverseProxy(mustParse(t, url)).ServeHTTP(w, r)
		}))
		t.Cleanup(proxy.Close)
		waiting := *c
		clk := clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
		waiting.deps.clock = clk
		r := waiting.run("check", "-f", path, "--app", "librechat", "--client-url", proxy.URL, "--wait", "30s")
		assert.Equal(t, exitOK, r.code, r.out+r.err)
		assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps(), "one pause, after the 502")
		assert.Contains(t, r.out, "✓ LibreChat: client id sent")
		assert.EqualValues(t, 4, calls.Load(), "a 502, /api/config answering (ready), then the probes: /api/config and /oauth/openid")
	})

	t.Run("JSONListsEveryItem", func(t *testing.T) {
		url := libreChatDouble(t, envPath, func(l *clientdouble.LibreChat) { l.SocialLogins = []string{"github"} })
		text := c.run("check", "-f", path, "--app", "librechat", "--client-url", url)
		r := c.run("check", "-f", path, "--app", "librechat", "--client-url", url, "-o", "json")
		assert.Equal(t, exitError, r.code)
		var got struct {
			App    string `json:"app"`
			Failed bool   `json:"failed"`
			Items  []struct{ Side, Name, Status, Detail string }
		}
		require.NoError(t, json.Unmarshal([]byte(r.out), &got), r.out)
		assert.Equal(t, "librechat", got.App)
		assert.True(t, got.Failed)
		marks := strings.Count(text.out, "✓") + strings.Count(text.out, "✗") + strings.Count(text.out, "! ")
		assert.Len(t, got.Items, marks, "every item the text shows")
		sides := map[string]int{}
		for _, it := range got.Items {
			sides[it.Side]++
			assert.Contains(t, []string{"ok", "warn", "fail", "info"}, it.Status, it.Name)
			assert.Contains(t, text.out, it.Name)
		}
		assert.Equal(t, 9, sides["client"], "%v", got.Items)
		assert.Positive(t, sides["authentik"])
		assert.NotContains(t, r.out, "OPENID_CLIENT_SECRET=")

		r = c.run("check", "-f", path, "--app", "librechat", "-o", "yaml")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.err, `unknown output format "yaml"`)
	})
}

func mustParse(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}
