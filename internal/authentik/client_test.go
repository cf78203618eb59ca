package authentik_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/internal/plan"
)

var allKinds = plan.Reads{
	Kinds:         []plan.Kind{plan.KindFlow, plan.KindScopeMapping, plan.KindKeyPair, plan.KindGroup, plan.KindProvider, plan.KindApplication, plan.KindBinding, plan.KindOutpost},
	ProviderTypes: []string{"oauth2", "proxy"},
}

func newClient(t *testing.T, url, token string) *authentik.Client { return newClientB(t, url, token) }

// newClientB is a client with the production backoff on a fake clock:
// retries wait no wall-clock time.
func newClientB(t testing.TB, url, token string) *authentik.Client {
	t.Helper()
	c, err := authentik.New(authentik.Config{URL: url, Token: token, Clock: clock.NewFake(time.Unix(0, 0))})
	require.NoError(t, err)
	return c
}

func TestSnapshotOfAFreshAuthentik(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	live, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), allKinds)
	require.NoError(t, err)

	var slugs []string
	for _, f := range live.Flows {
		slugs = append(slugs, f.Slug)
	}
	assert.Contains(t, slugs, "default-provider-authorization-implicit-consent")
	assert.Contains(t, slugs, "default-provider-invalidation-flow")
	var scopes []string
	for _, s := range live.ScopeMappings() {
		scopes = append(scopes, s.ScopeName)
	}
	assert.Subset(t, scopes, []string{"openid", "profile", "email", "offline_access"})
	require.NotEmpty(t, live.KeyPairs)
	assert.Equal(t, "authentik Self-signed Certificate", live.KeyPairs[0].Name)
	require.Len(t, live.Outposts, 1)
	assert.Equal(t, "goauthentik.io/outposts/embedded", live.Outposts[0].Managed)
	assert.Empty(t, live.Unreadable)

	// One list request per kind, plus one per provider type read, plus
	// users/me to check the token may see every application; no more.
	assert.Equal(t, len(allKinds.Kinds)+len(allKinds.ProviderTypes)+1, emu.Count("GET", "/api/v3/"))
	assert.Equal(t, 1, emu.Count("GET", "/api/v3/core/users/me/"))
}

func TestSnapshotReadsEveryPageInParallel(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	emu.SeedSynthetic(250)
	emu.ResetLog()
	live, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindApplication, plan.KindGroup}})
	require.NoError(t, err)
	assert.Len(t, live.Applications, 250)
	assert.GreaterOrEqual(t, len(live.Groups()), 250)
	assert.Equal(t, 3, emu.Count("GET", "/api/v3/core/applications/"), "250 apps at page_size=100")
	for _, r := range emu.Requests() {
		if r.Path == "/api/v3/core/users/me/" {
			continue
		}
		assert.Contains(t, r.Query, "page_size=100")
		if strings.HasPrefix(r.Path, "/api/v3/core/applications/") {
			assert.Contains(t, r.Query, "superuser_full_list=true", "the plain application list is filtered and cached per user")
		}
	}
}

func TestSnapshotToleratesANewerAuthentik(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServerUnchecked(t, emulator.Options{})
	emu.SeedSynthetic(3)
	require.NoError(t, emu.OverrideField("oauth2provider", "provider-0002", "sub_mode", "user_future_mode"))
	require.NoError(t, emu.OverrideField("oauth2provider", "provider-0001", "brand_new_field", map[string]any{"x": 1}))
	live, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), allKinds)
	require.NoError(t, err)
	require.Len(t, live.Unreadable, 1)
	u := live.Unreadable[0]
	assert.Equal(t, plan.KindProvider, u.Kind)
	assert.Equal(t, "provider-0002", u.Key)
	assert.Equal(t, "sub_mode", u.Field)
	details := map[string]bool{}
	for _, p := range live.Providers {
		details[p.Name] = p.Detail != nil
	}
	assert.True(t, details["provider-0001"], "an extra field does not make an object unreadable")
	readable, listed := details["provider-0002"]
	assert.True(t, listed, "providers/all still lists it, with its base fields")
	assert.False(t, readable, "its OAuth2 fields are unreadable")
}

func TestErrorsAreOneSentenceWithoutTheToken(t *testing.T) {
	t.Parallel()
	srv, _ := emulatortest.NewServer(t, emulator.Options{Token: "right-token"})
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	cases := map[string]struct {
		url, token string
		want       string
	}{
		"RefusedToken":  {srv.URL, "wrong-token-value", "authentik refused the API token (AUTHENTIK_TOKEN, or the file given with --token-file): Token invalid/expired"},
		"Unreachable":   {closedURL, "wrong-token-value", "cannot reach authentik at " + closedURL},
		"UntrustedTLS":  {tlsSrv.URL, "wrong-token-value", "TLS verification of " + tlsSrv.URL + " failed (certificate signed by an unknown authority)"},
		"UnknownHost":   {"http://authentik.invalid", "wrong-token-value", `cannot resolve authentik's host "authentik.invalid"`},
		"PathPrefixURL": {srv.URL + "/api/v3/", "wrong-token-value", "authentik refused the API token"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newClient(t, tc.url, tc.token).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindGroup}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), tc.token)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, token, want string }{
		{"", "t", "no authentik URL"},
		{"auth.example.com", "t", `authentik URL "auth.example.com" (AUTHENTIK_URL or --url) has no scheme: use https://auth.example.com`},
		{"https://auth.example.com", " ", "no authentik API token"},
	} {
		_, err := authentik.New(authentik.Config{URL: tc.url, Token: tc.token})
		assert.ErrorContains(t, err, tc.want)
	}
	c, err := authentik.New(authentik.Config{URL: "https://auth.example.com/api/v3/", Token: "t"})
	require.NoError(t, err)
	assert.Equal(t, "https://auth.example.com", c.BaseURL())
}

func TestReadingApplicationsNeedsASuperuser(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	token := emu.AddUserToken("deployer")
	_, err := newClient(t, srv.URL, token).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindApplication}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `the API token belongs to "deployer", who is not a superuser`)
	_, err = newClient(t, srv.URL, token).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindGroup}})
	assert.NoError(t, err, "other kinds do not depend on it")
}
