package outputs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// vaultwarden is Vaultwarden's OpenID Connect SSO. The catalogue follows
// Vaultwarden 1.37.2: src/config.rs, the sso section of make_config!
// (sso_enabled ... sso_debug_tokens; SSO_* in the environment), and
// generate_sso_callback_path (DOMAIN + /identity/connect/oidc-signin).
// Vaultwarden reads discovery at SSO_AUTHORITY + /.well-known/openid-
// configuration and refuses a first login whose email_verified claim is
// false (src/api/identity.rs, _sso_login); with offline_access in
// SSO_SCOPES it keeps the session on the refresh token.
type vaultwarden struct{}

func init() { register(vaultwarden{}) }

const vaultwardenCallback = "/identity/connect/oidc-signin"

var vaultwardenCatalogue = catalogue{
	{Name: "DOMAIN", Computed: true, Hint: "from url"},
	{Name: "SSO_ENABLED", Computed: true, Hint: "always true"},
	{Name: "SSO_AUTHORITY", Computed: true, Hint: "authentik's issuer for the application"},
	{Name: "SSO_CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: "SSO_CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "SSO_SCOPES", Computed: true, Hint: "from the provider's scopes (openid is implicit)"},
	{Name: "SSO_ONLY", Kind: kBool},
	{Name: "SSO_SIGNUPS_MATCH_EMAIL", Kind: kBool},
	{Name: "SSO_ALLOW_UNKNOWN_EMAIL_VERIFICATION", Kind: kBool},
	{Name: "SSO_AUTHORIZE_EXTRA_PARAMS"},
	{Name: "SSO_PKCE", Kind: kBool},
	{Name: "SSO_AUDIENCE_TRUSTED"},
	{Name: "SSO_MASTER_PASSWORD_POLICY", Kind: kJSONObject},
	{Name: "SSO_AUTH_ONLY_NOT_SESSION", Kind: kBool},
	{Name: "SSO_CLIENT_CACHE_EXPIRATION", Kind: kInt},
	{Name: "SSO_DEBUG_TOKENS", Kind: kBool},
}

func (vaultwarden) Name() string  { return "vaultwarden" }
func (vaultwarden) Label() string { return "Vaultwarden" }
func (vaultwarden) Follows() string {
	return "Vaultwarden 1.37.2 (src/config.rs, sso section)"
}
func (vaultwarden) Options() []string { return nil }

func (vaultwarden) RedirectURI(o *manifest.Output) string {
	return callbackOn(o.URL, vaultwardenCallback)
}

func (vaultwarden) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "vaultwarden output needs url: Vaultwarden's public URL (DOMAIN, the base of its callback %s)", vaultwardenCallback)
	ps = append(ps, vaultwardenCatalogue.checkEnv("Vaultwarden", o.Env, false)...)
	return append(ps, fixedVars(o, "Vaultwarden")...)
}

// Requirements: Vaultwarden's sso.rs needs a client secret, discovery under
// the issuer, an email_verified claim that is not False, and (for a
// session longer than the access token) offline_access.
func (vaultwarden) Requirements(o *manifest.Output, p *manifest.Provider, s ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Vaultwarden needs a client secret (SSO_CLIENT_SECRET)")...)
	if p.IssuerMode != nil && *p.IssuerMode == "global" {
		ps = append(ps, problem("provider.issuer_mode", "provider %q: Vaultwarden reads discovery under SSO_AUTHORITY, and with issuer_mode global authentik's issuer is its root, where there is none; use issuer_mode per_provider", p.Name))
	}
	ps = append(ps, requireScope("Vaultwarden", p, "email", "it matches accounts by email")...)
	if o.Env["SSO_AUTH_ONLY_NOT_SESSION"] != "true" {
		ps = append(ps, requireScope("Vaultwarden", p, "offline_access", "without a refresh token the session ends with the access token; or set SSO_AUTH_ONLY_NOT_SESSION: \"true\" under env")...)
	}
	// SSO_ALLOW_UNKNOWN_EMAIL_VERIFICATION lets a missing claim through,
	// never a False one.
	return append(ps, requireEmailVerified("Vaultwarden", p, s)...)
}

func (vaultwarden) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("SSO_CLIENT_SECRET would be empty, which Vaultwarden refuses: make the provider client_type confidential")
	}
	var scopes []string
	for _, s := range v.Scopes {
		if s != "openid" {
			scopes = append(scopes, s)
		}
	}
	vars := []Var{
		{Key: "DOMAIN", Value: o.URL, From: "url"},
		{Key: "SSO_ENABLED", Value: "true"},
		{Key: "SSO_AUTHORITY", Value: v.Issuer()},
		{Key: "SSO_CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "SSO_CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "SSO_SCOPES", Value: strings.Join(slices.Compact(scopes), " ")},
	}
	return append(vars, envVars(o.Env, vaultwardenCatalogue)...), nil
}
