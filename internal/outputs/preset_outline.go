package outputs

import (
	"fmt"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// outline is Outline's OIDC login. The catalogue follows Outline v1.9.2:
// plugins/oidc/server/env.ts (OIDC_*; the login is on when the client id,
// secret and the three endpoints are set, or OIDC_ISSUER_URL instead of the
// endpoints) and plugins/oidc/server/auth/oidcRouter.ts (callback
// URL + /auth/oidc.callback; GET /auth/oidc redirects to the authorization
// endpoint). server/commands/userProvisioner.ts refuses an email that is not
// verified (email_verified not true) when it would match an existing user
// or an allowed domain.
type outline struct{}

func init() { register(outline{}) }

const outlineCallback = "/auth/oidc.callback"

var outlineCatalogue = catalogue{
	{Name: "URL", Computed: true, Hint: "from url"},
	{Name: "OIDC_CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: "OIDC_CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "OIDC_AUTH_URI", Computed: true, Hint: "authentik's authorize endpoint"},
	{Name: "OIDC_TOKEN_URI", Computed: true, Hint: "authentik's token endpoint"},
	{Name: "OIDC_USERINFO_URI", Computed: true, Hint: "authentik's userinfo endpoint"},
	{Name: "OIDC_LOGOUT_URI", Computed: true, Hint: "authentik's end-session endpoint for the application"},
	{Name: "OIDC_SCOPES", Computed: true, Hint: "from the provider's scopes"},
	{Name: "OIDC_DISPLAY_NAME", Computed: true, Hint: "from display_name"},
	{Name: "OIDC_ISSUER_URL", Computed: true, Hint: "provision writes the three endpoints instead"},
	{Name: "OIDC_USERNAME_CLAIM"},
	{Name: "OIDC_DISABLE_REDIRECT", Kind: kBool},
}

func (outline) Name() string      { return "outline" }
func (outline) Label() string     { return "Outline" }
func (outline) Follows() string   { return "Outline v1.9.2 (plugins/oidc/server/env.ts)" }
func (outline) Options() []string { return []string{"display_name"} }

func (outline) RedirectURI(o *manifest.Output) string { return callbackOn(o.URL, outlineCallback) }

func (outline) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "outline output needs url: Outline's public URL (URL, the base of its callback %s)", outlineCallback)
	if n := o.Options["display_name"]; len([]rune(n)) > 50 {
		ps = append(ps, problem("display_name", "display_name is longer than 50 characters, which Outline refuses (OIDC_DISPLAY_NAME)"))
	}
	ps = append(ps, outlineCatalogue.checkEnv("Outline", o.Env, false)...)
	return append(ps, fixedVars(o, "Outline")...)
}

func (outline) Requirements(o *manifest.Output, p *manifest.Provider, s ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Outline does not enable OIDC without OIDC_CLIENT_SECRET")...)
	ps = append(ps, requireScope("Outline", p, "openid", "it is an OpenID login")...)
	ps = append(ps, requireScope("Outline", p, "email", "Outline refuses a login without an email")...)
	return append(ps, requireEmailVerified("Outline", p, s)...)
}

func (outline) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("OIDC_CLIENT_SECRET would be empty, and Outline then does not enable OIDC: make the provider client_type confidential")
	}
	name := o.Options["display_name"]
	if name == "" {
		name = "authentik"
	}
	vars := []Var{
		{Key: "URL", Value: o.URL, From: "url"},
		{Key: "OIDC_CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "OIDC_CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "OIDC_AUTH_URI", Value: v.AuthorizeURL()},
		{Key: "OIDC_TOKEN_URI", Value: v.TokenURL()},
		{Key: "OIDC_USERINFO_URI", Value: v.UserinfoURL()},
		{Key: "OIDC_LOGOUT_URI", Value: v.EndSessionURL()},
		{Key: "OIDC_SCOPES", Value: strings.Join(v.Scopes, " ")},
		{Key: "OIDC_DISPLAY_NAME", Value: name, From: "display_name"},
	}
	return append(vars, envVars(o.Env, outlineCatalogue)...), nil
}
