package outputs

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/provision/provision/internal/manifest"
)

// paperless is Paperless-ngx's login through django-allauth's
// openid_connect provider. The catalogue follows Paperless-ngx v3.0.5:
// src/paperless/settings/__init__.py (PAPERLESS_APPS adds allauth's
// provider app, PAPERLESS_SOCIALACCOUNT_PROVIDERS is JSON read with
// json.loads, the PAPERLESS_SOCIAL*/ACCOUNT_* switches) and
// settings/custom.py (PAPERLESS_LOGOUT_REDIRECT_URL). allauth's callback is
// <url>/accounts/oidc/<provider_id>/login/callback/. PAPERLESS_AUTO_LOGIN
// and PAPERLESS_AUTO_CREATE are not read by v3.0.5 (PAPERLESS_AUTO_LOGIN_
// USERNAME logs everyone in as one user, not a login setting).
type paperless struct{}

func init() { register(paperless{}) }

var paperlessCatalogue = catalogue{
	{Name: "PAPERLESS_URL", Computed: true, Hint: "from url"},
	{Name: "PAPERLESS_APPS", Computed: true, Hint: "allauth.socialaccount.providers.openid_connect"},
	{Name: "PAPERLESS_SOCIALACCOUNT_PROVIDERS", Computed: true, Secret: true, Hint: "the openid_connect app, from the authentik provider"},
	{Name: "PAPERLESS_LOGOUT_REDIRECT_URL", Computed: true, Hint: "authentik's end-session endpoint for the application"},
	{Name: "PAPERLESS_SOCIAL_AUTO_SIGNUP", Kind: kBool},
	{Name: "PAPERLESS_SOCIALACCOUNT_ALLOW_SIGNUPS", Kind: kBool},
	{Name: "PAPERLESS_SOCIAL_ACCOUNT_DEFAULT_GROUPS"},
	{Name: "PAPERLESS_SOCIAL_ACCOUNT_SYNC_GROUPS", Kind: kBool},
	{Name: "PAPERLESS_SOCIAL_ACCOUNT_SYNC_GROUPS_CLAIM"},
	{Name: "PAPERLESS_ACCOUNT_ALLOW_SIGNUPS", Kind: kBool},
	{Name: "PAPERLESS_ACCOUNT_DEFAULT_GROUPS"},
	{Name: "PAPERLESS_DISABLE_REGULAR_LOGIN", Kind: kBool},
	{Name: "PAPERLESS_REDIRECT_LOGIN_TO_SSO", Kind: kBool},
	{Name: "PAPERLESS_AUTO_LOGIN", NotRead: "Paperless-ngx v3.0.5", Hint: "set PAPERLESS_REDIRECT_LOGIN_TO_SSO instead"},
	{Name: "PAPERLESS_AUTO_CREATE", NotRead: "Paperless-ngx v3.0.5", Hint: "PAPERLESS_SOCIAL_AUTO_SIGNUP creates users"},
}

var paperlessIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (paperless) Name() string  { return "paperless-ngx" }
func (paperless) Label() string { return "Paperless-ngx" }
func (paperless) Follows() string {
	return "Paperless-ngx v3.0.5 (src/paperless/settings/__init__.py)"
}
func (paperless) Options() []string { return []string{"provider_id", "provider_name"} }

func (paperless) providerID(o *manifest.Output) string {
	if id := o.Options["provider_id"]; id != "" {
		return id
	}
	return "authentik"
}

func (pl paperless) RedirectURI(o *manifest.Output) string {
	if !paperlessIDRE.MatchString(pl.providerID(o)) {
		return ""
	}
	return callbackOn(o.URL, "/accounts/oidc/"+pl.providerID(o)+"/login/callback/")
}

func (pl paperless) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "paperless-ngx output needs url: Paperless-ngx's public URL (PAPERLESS_URL; allauth's callback is under /accounts/oidc/)")
	if id := pl.providerID(o); !paperlessIDRE.MatchString(id) {
		ps = append(ps, problem("provider_id", "provider_id %q must be lowercase letters, digits, '-' and '_': it is a path segment of the callback", id))
	}
	ps = append(ps, paperlessCatalogue.checkEnv("Paperless-ngx", o.Env, false)...)
	return append(ps, fixedVars(o, "Paperless-ngx")...)
}

func (paperless) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "allauth sends a client secret")...)
	ps = append(ps, requireScope("Paperless-ngx", p, "openid", "it is an OpenID login")...)
	if o.Env["PAPERLESS_SOCIAL_ACCOUNT_SYNC_GROUPS"] == "true" {
		ps = append(ps, requireScope("Paperless-ngx", p, "profile", "authentik sends the groups claim with it")...)
	}
	return ps
}

func (pl paperless) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("the client secret would be empty: make the provider client_type confidential")
	}
	name := o.Options["provider_name"]
	if name == "" {
		name = "authentik"
	}
	providers := map[string]any{"openid_connect": map[string]any{
		"OAUTH_PKCE_ENABLED": true,
		"SCOPE":              v.Scopes,
		"APPS": []any{map[string]any{
			"provider_id": pl.providerID(o), "name": name,
			"client_id": v.ClientID, "secret": v.ClientSecret,
			"settings": map[string]any{"server_url": v.DiscoveryURL(), "fetch_userinfo": true},
		}},
	}}
	b, err := json.Marshal(providers)
	if err != nil {
		return nil, err
	}
	vars := []Var{
		{Key: "PAPERLESS_URL", Value: o.URL, From: "url"},
		{Key: "PAPERLESS_APPS", Value: "allauth.socialaccount.providers.openid_connect"},
		{Key: "PAPERLESS_SOCIALACCOUNT_PROVIDERS", Value: string(b), Secret: true, From: "provider.client_secret"},
		{Key: "PAPERLESS_LOGOUT_REDIRECT_URL", Value: v.EndSessionURL()},
	}
	return append(vars, envVars(o.Env, paperlessCatalogue)...), nil
}
