package outputs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

// authentik's endpoints (providers/oauth2/urls.py at version/2026.2.2) and
// issuer (models.py OAuth2Provider.get_issuer: the root URL with
// issuer_mode global, else the application's base).
func TestValuesEndpoints(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"", "per_provider", "global"} {
		v := Values{PublicURL: "https://auth.example.com", Slug: "app", IssuerMode: mode}
		wantIssuer := "https://auth.example.com/application/o/app/"
		if mode == "global" {
			wantIssuer = "https://auth.example.com/"
		}
		assert.Equal(t, wantIssuer, v.Issuer(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/app/.well-known/openid-configuration", v.DiscoveryURL(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/authorize/", v.AuthorizeURL(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/token/", v.TokenURL(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/userinfo/", v.UserinfoURL(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/app/end-session/", v.EndSessionURL(), mode)
		assert.Equal(t, "https://auth.example.com/application/o/app/jwks/", v.JWKSURL(), mode)
	}
}

// The oidc preset's issuer (and show's OIDC_ISSUER) follow the provider's
// issuer_mode read from authentik: a client comparing the token's iss with
// the application's base would refuse every login with issuer_mode global.
func TestGlobalIssuerFromLiveState(t *testing.T) {
	t.Parallel()
	m := parse(t, presetBase+"      oidc:\n        vars:\n          ISS: issuer\n          DISC: discovery_url\n")
	live := &plan.Live{
		Providers:    []plan.Provider{{PK: 3, Name: "p", Type: "oauth2", Detail: &plan.OAuth2Detail{ClientID: "id", ClientSecret: "s", IssuerMode: "global"}}},
		Applications: []plan.Application{{Slug: "app", Provider: 3}},
	}
	v, err := LiveValues("https://auth.example.com/", &m.Applications[0], live)
	require.NoError(t, err)
	rs, err := Resolve(&m.Applications[0], Options{})
	require.NoError(t, err)
	vars, err := VarsFor(rs[0], v, nil, nil)
	require.NoError(t, err)
	got := map[string]string{}
	for _, x := range vars {
		got[x.Key] = x.Value
	}
	assert.Equal(t, "https://auth.example.com/", got["ISS"])
	assert.Equal(t, "https://auth.example.com/application/o/app/.well-known/openid-configuration", got["DISC"])

	facts, err := Facts("https://auth.example.com", live, "app")
	require.NoError(t, err)
	assert.Equal(t, "https://auth.example.com/", facts[0].Value)
	assert.Equal(t, "https://auth.example.com/application/o/app/.well-known/openid-configuration", facts[1].Value)
}
