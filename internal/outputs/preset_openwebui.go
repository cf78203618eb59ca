package outputs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// openWebUI is Open WebUI's OAuth/OIDC login. The catalogue follows Open
// WebUI v0.11 (open-webui/docs docs/reference/env-configuration.mdx @1eea384,
// which says it is current to v0.11.0; backend/open_webui/config.py
// load_oauth_providers and utils/oauth.py @00b1c6bc). Open WebUI registers
// the "oidc" client only when OAUTH_CLIENT_ID, OPENID_PROVIDER_URL (the full
// discovery URL, passed to authlib as server_metadata_url) and a secret (or
// OAUTH_CODE_CHALLENGE_METHOD) are all set. Booleans are true only for
// "true". The stored source shows no later release to move to (its newest
// package.json reads 0.8.2, @fa2d6c1).
type openWebUI struct{}

func init() { register(openWebUI{}) }

const openWebUICallback = "/oauth/oidc/callback"

var openWebUICatalogue = catalogue{
	{Name: "OAUTH_CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: "OAUTH_CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: "OPENID_PROVIDER_URL", Computed: true, Hint: "authentik's discovery URL for the application"},
	{Name: "OPENID_REDIRECT_URI", Computed: true, Hint: "url + " + openWebUICallback},
	{Name: "WEBUI_URL", Computed: true, Hint: "from url"},
	{Name: "OAUTH_PROVIDER_NAME", Computed: true, Hint: "from provider_name"},
	{Name: "OAUTH_SCOPES", Computed: true, Hint: "from the provider's scopes"},
	{Name: "ENABLE_OAUTH_SIGNUP", Computed: true, Hint: "from signup"},
	{Name: "ENABLE_OAUTH", Kind: kBool},
	{Name: "OAUTH_CODE_CHALLENGE_METHOD", Kind: kEnum, Values: []string{"S256"}},
	{Name: "OAUTH_TOKEN_ENDPOINT_AUTH_METHOD", Kind: kEnum, Values: []string{"client_secret_basic", "client_secret_post", "none"}},
	{Name: "OAUTH_TIMEOUT", Kind: kInt},
	{Name: "OAUTH_EMAIL_CLAIM"},
	{Name: "OAUTH_USERNAME_CLAIM"},
	{Name: "OAUTH_PICTURE_CLAIM"},
	{Name: "OAUTH_SUB_CLAIM"},
	{Name: "OAUTH_MERGE_ACCOUNTS_BY_EMAIL", Kind: kBool},
	{Name: "OPENID_END_SESSION_ENDPOINT", Kind: kURL},
	{Name: "OAUTH_ALLOWED_DOMAINS"},
	{Name: "OAUTH_AUTO_REDIRECT", Kind: kBool},
	{Name: "ENABLE_LOGIN_FORM", Kind: kBool},
	{Name: "ENABLE_PASSWORD_AUTH", Kind: kBool},
	{Name: "WEBUI_SECRET_KEY", Secret: true},
	{Name: "OAUTH_SESSION_TOKEN_ENCRYPTION_KEY", Secret: true},
	{Name: "OAUTH_CLIENT_INFO_ENCRYPTION_KEY", Secret: true},
	{Name: "ENABLE_OAUTH_PERSISTENT_CONFIG", Kind: kBool},
	{Name: "ENABLE_OAUTH_ID_TOKEN_COOKIE", Kind: kBool},
	{Name: "DEFAULT_USER_ROLE", Kind: kEnum, Values: []string{"pending", "user", "admin"}},
	{Name: "ENABLE_OAUTH_ROLE_MANAGEMENT", Kind: kBool},
	{Name: "OAUTH_ROLES_CLAIM"},
	{Name: "OAUTH_ALLOWED_ROLES"},
	{Name: "OAUTH_ADMIN_ROLES"},
	{Name: "OAUTH_ROLES_SEPARATOR"},
	{Name: "ENABLE_OAUTH_GROUP_MANAGEMENT", Kind: kBool},
	{Name: "OAUTH_GROUP_CLAIM"},
	{Name: "OAUTH_GROUPS_CLAIM"},
	{Name: "OAUTH_GROUPS_SEPARATOR"},
	{Name: "ENABLE_OAUTH_GROUP_CREATION", Kind: kBool},
	{Name: "OAUTH_GROUP_DEFAULT_SHARE", Kind: kEnum, Values: []string{"true", "members", "false"}},
	{Name: "OAUTH_BLOCKED_GROUPS", Kind: kJSON},
	// config.py @00b1c6bc keeps it only when it parses to a dict.
	{Name: "OAUTH_AUTHORIZE_PARAMS", Kind: kJSONObject},
}

func (openWebUI) Name() string  { return "open-webui" }
func (openWebUI) Label() string { return "Open WebUI" }
func (openWebUI) Follows() string {
	return "Open WebUI v0.11 (backend/open_webui/config.py, utils/oauth.py)"
}
func (openWebUI) Options() []string { return []string{"provider_name", "signup"} }

func (openWebUI) RedirectURI(o *manifest.Output) string {
	return callbackOn(o.URL, openWebUICallback)
}

func (openWebUI) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "open-webui output needs url: Open WebUI's public URL (WEBUI_URL, and the base of its callback %s)", openWebUICallback)
	if s, ok := o.Options["signup"]; ok && s != "true" && s != "false" {
		ps = append(ps, problem("signup", "signup must be true or false (ENABLE_OAUTH_SIGNUP; false refuses users Open WebUI does not know yet)"))
	}
	if p != nil && p.Type == manifest.TypeOAuth2 {
		scopes := p.WithDefaults().Scopes
		for _, s := range []string{"openid", "email"} {
			if !slices.Contains(scopes, s) {
				ps = append(ps, problem("provider.scopes", "provider %q: Open WebUI needs the %s scope (a user without an email cannot log in)", p.Name, s))
			}
		}
		if p.ClientType != nil && *p.ClientType == "public" && o.Env["OAUTH_CODE_CHALLENGE_METHOD"] != "S256" {
			ps = append(ps, problem("env", "a public client has no secret: Open WebUI then needs OAUTH_CODE_CHALLENGE_METHOD: S256 under env"))
		}
	}
	ps = append(ps, openWebUICatalogue.checkEnv("Open WebUI", o.Env, true)...)
	ps = append(ps, fixedVars(o, "Open WebUI")...)
	return ps
}

func (w openWebUI) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" && o.Env["OAUTH_CODE_CHALLENGE_METHOD"] == "" {
		return nil, fmt.Errorf("OAUTH_CLIENT_SECRET is empty: a public client needs OAUTH_CODE_CHALLENGE_METHOD=S256, or Open WebUI does not register the login")
	}
	name := o.Options["provider_name"]
	if name == "" {
		name = "authentik"
	}
	signup := o.Options["signup"]
	if signup == "" {
		signup = "true"
	}
	vars := []Var{
		{Key: "WEBUI_URL", Value: o.URL, From: "url"},
		{Key: "OAUTH_CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "OAUTH_CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "OPENID_PROVIDER_URL", Value: v.DiscoveryURL()},
		{Key: "OPENID_REDIRECT_URI", Value: w.RedirectURI(o), From: "url"},
		{Key: "OAUTH_PROVIDER_NAME", Value: name, From: "provider_name"},
		{Key: "OAUTH_SCOPES", Value: strings.Join(v.Scopes, " ")},
		{Key: "ENABLE_OAUTH_SIGNUP", Value: signup, From: "signup"},
	}
	return append(vars, envVars(o.Env, openWebUICatalogue)...), nil
}

// envVars are the optional settings, by name.
func envVars(env map[string]string, c catalogue) []Var {
	var out []Var
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, Var{Key: k, Value: env[k], Secret: c.secret(k), From: "env." + k})
	}
	return out
}
