package outputs

import (
	"fmt"

	"github.com/provision/provision/internal/manifest"
)

// mealie is Mealie's OIDC login. The catalogue follows Mealie v2.0.0:
// mealie/core/settings/settings.py (AppSettings, OIDC_*; OIDC_READY needs
// OIDC_AUTH_ENABLED, a client id and secret and OIDC_CONFIGURATION_URL) and
// mealie/routes/auth/auth.py (authlib's client "oidc" with
// server_metadata_url, scope "openid email profile" plus OIDC_GROUPS_CLAIM
// when a group is set, S256 PKCE, and redirect_uri <base URL>/login).
// Roles go through authentik groups: OIDC_USER_GROUP and OIDC_ADMIN_GROUP
// name groups of the groups claim (authentik's profile scope).
type mealie struct{}

func init() { register(mealie{}) }

const mealieCallback = "/login"

var mealieCatalogue = catalogue{
	{Name: "BASE_URL", Computed: true, Hint: "from url"},
	{Name: "OIDC_AUTH_ENABLED", Computed: true, Hint: "always true"},
	{Name: "OIDC_PROVIDER_NAME", Computed: true, Hint: "from provider_name"},
	{Name: "OIDC_CONFIGURATION_URL", Computed: true, Hint: "authentik's discovery URL for the application"},
	{Name: "OIDC_CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: "OIDC_CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "OIDC_USER_GROUP", Computed: true, Hint: "from user_group"},
	{Name: "OIDC_ADMIN_GROUP", Computed: true, Hint: "from admin_group"},
	{Name: "OIDC_SIGNUP_ENABLED", Kind: kBool},
	{Name: "OIDC_AUTO_REDIRECT", Kind: kBool},
	{Name: "OIDC_REMEMBER_ME", Kind: kBool},
	{Name: "OIDC_USER_CLAIM"},
	{Name: "OIDC_GROUPS_CLAIM"},
	{Name: "OIDC_TLS_CACERTFILE"},
}

func (mealie) Name() string      { return "mealie" }
func (mealie) Label() string     { return "Mealie" }
func (mealie) Follows() string   { return "Mealie v2.0.0 (mealie/core/settings/settings.py)" }
func (mealie) Options() []string { return []string{"provider_name", "user_group", "admin_group"} }

// GroupOptions: user_group and admin_group name authentik groups, which
// must exist (declared in the manifest).
func (mealie) GroupOptions() []string { return []string{"user_group", "admin_group"} }

func (mealie) RedirectURI(o *manifest.Output) string { return callbackOn(o.URL, mealieCallback) }

// MoreRedirectURIs: Mealie's login page also comes back with ?direct=1
// (authentik's Mealie integration lists both).
func (mealie) MoreRedirectURIs(o *manifest.Output) []string {
	if u := callbackOn(o.URL, mealieCallback); u != "" {
		return []string{u + "?direct=1"}
	}
	return nil
}

func (mealie) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "mealie output needs url: Mealie's public URL (BASE_URL; its callback is %s)", mealieCallback)
	ps = append(ps, mealieCatalogue.checkEnv("Mealie", o.Env, false)...)
	return append(ps, fixedVars(o, "Mealie")...)
}

// Requirements: Mealie asks for openid, email and profile, keys users on
// the email claim, and reads groups from the profile scope's groups claim.
func (mealie) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Mealie does not enable OIDC without OIDC_CLIENT_SECRET")...)
	ps = append(ps, requireScope("Mealie", p, "openid", "it is an OpenID login")...)
	ps = append(ps, requireScope("Mealie", p, "email", "OIDC_USER_CLAIM is email")...)
	if o.Options["user_group"] != "" || o.Options["admin_group"] != "" {
		ps = append(ps, requireScope("Mealie", p, "profile", "authentik sends the groups claim with it")...)
	}
	return ps
}

func (mealie) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("OIDC_CLIENT_SECRET would be empty, and Mealie then does not enable OIDC: make the provider client_type confidential")
	}
	name := o.Options["provider_name"]
	if name == "" {
		name = "authentik"
	}
	vars := []Var{
		{Key: "BASE_URL", Value: o.URL, From: "url"},
		{Key: "OIDC_AUTH_ENABLED", Value: "true"},
		{Key: "OIDC_PROVIDER_NAME", Value: name, From: "provider_name"},
		{Key: "OIDC_CONFIGURATION_URL", Value: v.DiscoveryURL()},
		{Key: "OIDC_CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "OIDC_CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
	}
	if g := o.Options["user_group"]; g != "" {
		vars = append(vars, Var{Key: "OIDC_USER_GROUP", Value: g, From: "user_group"})
	}
	if g := o.Options["admin_group"]; g != "" {
		vars = append(vars, Var{Key: "OIDC_ADMIN_GROUP", Value: g, From: "admin_group"})
	}
	return append(vars, envVars(o.Env, mealieCatalogue)...), nil
}
