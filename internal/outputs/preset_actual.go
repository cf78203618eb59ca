package outputs

import (
	"fmt"

	"github.com/provision/provision/internal/manifest"
)

// actual is Actual Budget's OpenID login. The catalogue follows Actual
// 26.6.0: packages/sync-server/src/load-config.js (ACTUAL_OPENID_*: the
// discovery URL, or the three endpoints with ACTUAL_OPENID_PROVIDER_NAME;
// ACTUAL_OPENID_SERVER_HOSTNAME, the base of the callback /openid/callback;
// ACTUAL_LOGIN_METHOD, ACTUAL_ALLOWED_LOGIN_METHODS). authentik's Actual
// integration registers <url>/openid/callback.
type actual struct{}

func init() { register(actual{}) }

const actualCallback = "/openid/callback"

var actualCatalogue = catalogue{
	{Name: "ACTUAL_OPENID_DISCOVERY_URL", Computed: true, Hint: "authentik's discovery URL for the application"},
	{Name: "ACTUAL_OPENID_CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: "ACTUAL_OPENID_CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "ACTUAL_OPENID_SERVER_HOSTNAME", Computed: true, Hint: "from url"},
	{Name: "ACTUAL_OPENID_AUTHORIZATION_ENDPOINT", Computed: true, Hint: "provision writes the discovery URL instead"},
	{Name: "ACTUAL_OPENID_TOKEN_ENDPOINT", Computed: true, Hint: "provision writes the discovery URL instead"},
	{Name: "ACTUAL_OPENID_USERINFO_ENDPOINT", Computed: true, Hint: "provision writes the discovery URL instead"},
	{Name: "ACTUAL_OPENID_PROVIDER_NAME", Computed: true, Hint: "read only with the three endpoints"},
	{Name: "ACTUAL_LOGIN_METHOD", Kind: kEnum, Values: []string{"password", "header", "openid"}},
	{Name: "ACTUAL_ALLOWED_LOGIN_METHODS"},
	{Name: "ACTUAL_MULTIUSER", Kind: kBool},
	{Name: "ACTUAL_TOKEN_EXPIRATION"},
}

func (actual) Name() string      { return "actual" }
func (actual) Label() string     { return "Actual Budget" }
func (actual) Follows() string   { return "Actual 26.6.0 (packages/sync-server/src/load-config.js)" }
func (actual) Options() []string { return nil }

func (actual) RedirectURI(o *manifest.Output) string { return callbackOn(o.URL, actualCallback) }

func (actual) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "actual output needs url: Actual's public URL (ACTUAL_OPENID_SERVER_HOSTNAME, the base of its callback %s)", actualCallback)
	ps = append(ps, actualCatalogue.checkEnv("Actual", o.Env, false)...)
	return append(ps, fixedVars(o, "Actual Budget")...)
}

func (actual) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Actual sends a client secret")...)
	return append(ps, requireScope("Actual Budget", p, "openid", "it is an OpenID login")...)
}

func (actual) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("ACTUAL_OPENID_CLIENT_SECRET would be empty: make the provider client_type confidential")
	}
	vars := []Var{
		{Key: "ACTUAL_OPENID_DISCOVERY_URL", Value: v.DiscoveryURL()},
		{Key: "ACTUAL_OPENID_CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "ACTUAL_OPENID_CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "ACTUAL_OPENID_SERVER_HOSTNAME", Value: o.URL, From: "url"},
	}
	return append(vars, envVars(o.Env, actualCatalogue)...), nil
}
