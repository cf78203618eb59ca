package export

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// live is a small authentik: one OAuth2 application bound to three
// groups, a RADIUS provider on its own outpost, the embedded outpost with
// a config key outposts do not read.
func live() *plan.Live {
	return &plan.Live{
		Flows: []plan.Flow{
			{PK: "f1", Slug: manifest.DefaultAuthorizationFlow, Designation: "authorization"},
			{PK: "f2", Slug: manifest.DefaultInvalidationFlow, Designation: "invalidation"},
		},
		Objects: map[plan.Kind][]plan.Object{
			plan.KindScopeMapping: plan.ScopeMappingObjects(
				plan.ScopeMapping{PK: "s1", Name: "openid", ScopeName: "openid", Managed: "goauthentik.io/providers/oauth2/scope-openid"},
				plan.ScopeMapping{PK: "s2", Name: "profile", ScopeName: "profile", Managed: "goauthentik.io/providers/oauth2/scope-profile"},
				plan.ScopeMapping{PK: "s3", Name: "email", ScopeName: "email", Managed: "goauthentik.io/providers/oauth2/scope-email"},
			)[plan.KindScopeMapping],
			plan.KindGroup: plan.GroupObjects(plan.Group{PK: "g1", Name: "plain"}, plan.Group{PK: "g2", Name: "negated"}, plan.Group{PK: "g3", Name: "off"}),
		},
		KeyPairs: []plan.KeyPair{{PK: "k1", Name: manifest.DefaultSigningKey, PrivateKey: true}},
		Providers: []plan.Provider{
			{PK: 1, Name: "chat", Type: manifest.TypeOAuth2, AuthorizationFlow: "f1", InvalidationFlow: "f2", Detail: &plan.OAuth2Detail{
				ClientType: "public", ClientID: "id", SigningKey: "k1", SubMode: "hashed_user_id", IssuerMode: "per_provider",
				IncludeClaimsInIDToken: true, AccessCodeValidity: "minutes=1", AccessTokenValidity: "hours=1", RefreshTokenValidity: "days=30",
				LogoutMethod: "backchannel", RedirectURIs: []plan.RedirectURI{{MatchingMode: "strict", URL: "https://chat.example.com/cb"}}}},
			{PK: 2, Name: "rad", Type: "radiusprovider", TypeLabel: "RADIUS Provider"},
		},
		Applications: []plan.Application{{PK: "a1", Slug: "chat", Name: "Chat", Provider: 1, PolicyEngineMode: "any"}},
		Bindings: []plan.Binding{
			{PK: "b1", Target: "a1", Group: "g1", Order: 9},
			{PK: "b2", Target: "a1", Group: "g2", Negate: true},
			{PK: "b3", Target: "a1", Group: "g3", Disabled: true},
		},
		Outposts: []plan.Outpost{
			{PK: "o1", Name: manifest.EmbeddedOutpostName, Type: "proxy", Managed: "goauthentik.io/outposts/embedded",
				Config: map[string]any{"log_level": "info", "kubernetes_replicas": float64(2), "legacy_key": "x"}},
			{PK: "o2", Name: "radius", Type: "radius", Providers: []int32{2}},
		},
	}
}

func TestExportDetails(t *testing.T) {
	t.Parallel()
	res, err := Export(live(), Options{All: true})
	require.NoError(t, err)
	y := string(res.YAML)
	// An OAuth2 provider without scope mappings: scopes: [].
	assert.Contains(t, y, "scopes: []")
	// Only the ordinary binding is an access entry: listing the group of a
	// negated binding would say the opposite of what it does.
	assert.Contains(t, y, "access:\n        groups:\n            - plain\n")
	assert.NotContains(t, y, "name: negated", "a group only a left-out binding names is not exported")
	assert.NotContains(t, y, "order")
	// The embedded outpost serves nothing exported, so it is not listed; the
	// RADIUS outpost cannot be written.
	assert.NotContains(t, y, "outposts:")
	assert.ElementsMatch(t, []string{
		`application "chat": the binding of group "negated" is negated: it lets in everyone outside the group, which a manifest cannot express; the export leaves it out, so applying the export deletes that binding`,
		`application "chat": the binding of group "off" is disabled, so authentik ignores it, which a manifest cannot express; the export leaves it out, so applying the export deletes that binding`,
		`provider "rad" is a RADIUS Provider, which the manifest cannot express; left out`,
		`outpost "radius" serves no provider the manifest can express, and a manifest outpost lists at least one; left out`,
	}, res.Skipped)
}

func TestExportOutpostConfig(t *testing.T) {
	t.Parallel()
	l := live()
	l.Providers[1] = plan.Provider{PK: 2, Name: "web", Type: manifest.TypeProxy, AuthorizationFlow: "f1", InvalidationFlow: "f2",
		Detail: &plan.ProxyDetail{ExternalHost: "https://web.example.com", Mode: "forward_single", InternalHostSSLValidation: true,
			InterceptHeaderAuth: true, AccessTokenValidity: "hours=1", RefreshTokenValidity: "days=30"}}
	l.Outposts[0].Providers = []int32{2}
	l.Outposts = l.Outposts[:1]
	res, err := Export(l, Options{All: true})
	require.NoError(t, err)
	y := string(res.YAML)
	assert.Contains(t, y, "config:\n        kubernetes_replicas: 2\n", "a value other than the default")
	assert.NotContains(t, y, "log_level", "a default is left out")
	assert.NotContains(t, y, "legacy_key")
	assert.Contains(t, res.Skipped, `outpost "authentik Embedded Outpost": config key "legacy_key" is not one outposts read, and a manifest refuses it; left as it is`)
	assert.True(t, strings.Contains(y, "- web"), y)
}

// Attribute keys that look secret, at any depth, are left out with a
// comment, as client secrets are; the plan of the export is still empty
// because attributes are merged key by key.
func TestExportLeavesSecretLookingAttributesOut(t *testing.T) {
	t.Parallel()
	l := live()
	l.Objects[plan.KindGroup][0].Fields["attributes"] = map[string]any{
		"team":         "web",
		"api_password": "p4ssw0rd-value",
		"nested":       map[string]any{"deploy_token": "t0ken-value"},
	}
	res, err := Export(l, Options{All: true})
	require.NoError(t, err)
	y := string(res.YAML)
	assert.Contains(t, y, "team: web")
	assert.NotContains(t, y, "p4ssw0rd-value")
	assert.NotContains(t, y, "t0ken-value")
	assert.Contains(t, y, "# attributes api_password, nested not exported: they look secret")
}
