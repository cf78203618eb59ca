package outputs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// immich is Immich's OAuth login, set in its config file (IMMICH_CONFIG_FILE;
// while it is in use the admin UI cannot change settings). The catalogue
// follows Immich v2.2.2: server/src/config.ts, SystemConfig.oauth and its
// defaults (the stored version, @01809e3). Immich discovers authentik from
// oauth.issuerUrl with openid-client, and its web app sends the redirect
// URIs <url>/auth/login and <url>/user-settings (the mobile app
// app.immich:///oauth-callback). Format json-config merges the oauth block
// into the file and keeps every other key.
type immich struct{}

func init() { register(immich{}) }

const immichCallback = "/auth/login"

// immichCatalogue: the keys of SystemConfig.oauth a manifest may set under
// env, as dotted paths.
var immichCatalogue = catalogue{
	{Name: "oauth.enabled", Computed: true, Hint: "always true"},
	{Name: "oauth.issuerUrl", Computed: true, Hint: "authentik's discovery URL for the application"},
	{Name: "oauth.clientId", Computed: true, Hint: "from the authentik provider"},
	{Name: "oauth.clientSecret", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "oauth.scope", Computed: true, Hint: "from the provider's scopes"},
	{Name: "oauth.buttonText", Computed: true, Hint: "from button_text"},
	{Name: "oauth.autoLaunch", Kind: kBool},
	{Name: "oauth.autoRegister", Kind: kBool},
	{Name: "oauth.defaultStorageQuota", Kind: kInt},
	{Name: "oauth.mobileOverrideEnabled", Kind: kBool},
	{Name: "oauth.mobileRedirectUri", Kind: kURL},
	{Name: "oauth.signingAlgorithm", Kind: kEnum, Values: []string{"RS256", "HS256", "ES256"}},
	{Name: "oauth.profileSigningAlgorithm", Kind: kEnum, Values: []string{"none", "RS256", "HS256", "ES256"}},
	{Name: "oauth.tokenEndpointAuthMethod", Kind: kEnum, Values: []string{"client_secret_post", "client_secret_basic"}},
	{Name: "oauth.timeout", Kind: kInt},
	{Name: "oauth.storageLabelClaim"},
	{Name: "oauth.storageQuotaClaim"},
	{Name: "oauth.roleClaim"},
	{Name: "passwordLogin.enabled", Kind: kBool},
	{Name: "server.externalDomain", Kind: kURL},
}

func (immich) Name() string      { return "immich" }
func (immich) Label() string     { return "Immich" }
func (immich) Follows() string   { return "Immich v2.2.2 (server/src/config.ts, SystemConfig.oauth)" }
func (immich) Options() []string { return []string{"button_text"} }
func (immich) Formats() []string { return []string{"json-config"} }

func (immich) RedirectURI(o *manifest.Output) string { return callbackOn(o.URL, immichCallback) }

// MoreRedirectURIs: the user settings page links an account, and the
// mobile app comes back on its own scheme.
func (immich) MoreRedirectURIs(o *manifest.Output) []string {
	if u := callbackOn(o.URL, "/user-settings"); u != "" {
		return []string{u, "app.immich:///oauth-callback"}
	}
	return nil
}

func (immich) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "immich output needs url: Immich's public URL (the base of its callback %s)", immichCallback)
	ps = append(ps, immichCatalogue.checkEnv("Immich", o.Env, false)...)
	return append(ps, fixedVars(o, "Immich")...)
}

func (immich) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Immich sends a client secret (tokenEndpointAuthMethod)")...)
	ps = append(ps, requireScope("Immich", p, "openid", "it is an OpenID login")...)
	return append(ps, requireScope("Immich", p, "email", "Immich creates and matches users by email")...)
}

func (immich) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("oauth.clientSecret would be empty: make the provider client_type confidential")
	}
	label := o.Options["button_text"]
	if label == "" {
		label = "Login with authentik"
	}
	vars := []Var{
		{Key: "oauth.enabled", Value: "true", Literal: true},
		{Key: "oauth.issuerUrl", Value: v.DiscoveryURL()},
		{Key: "oauth.clientId", Value: v.ClientID, From: "provider.client_id"},
		{Key: "oauth.clientSecret", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "oauth.scope", Value: strings.Join(v.Scopes, " ")},
		{Key: "oauth.buttonText", Value: label, From: "button_text"},
	}
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		s, _ := immichCatalogue.lookup(k)
		lit := s.Kind == kBool || s.Kind == kInt
		vars = append(vars, Var{Key: k, Value: o.Env[k], Literal: lit, From: "env." + k})
	}
	return vars, nil
}
