package outputs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// grafana is Grafana's Generic OAuth login, set through GF_* environment
// variables (GF_ + SECTION + _ + KEY, pkg/setting/setting.go EnvKey). The
// catalogue follows Grafana 12 (docs/sources/setup-grafana/configure-access/
// configure-authentication/generic-oauth/index.md @06fccec and
// pkg/login/social/connectors/generic_oauth.go @00100d5; grafana.com docs
// v12.4). Generic OAuth has no discovery setting: the three endpoints are
// given. Grafana ignores an empty env value, and settings saved in its
// database (Admin UI, SSO settings API) win over env. No release tag could
// be pinned: the stored package.json reads 12.2.0-pre (@5aa17d0), and
// Grafana's Go module carries no release versions.
type grafana struct{}

func init() { register(grafana{}) }

const grafanaCallback = "/login/generic_oauth"

const gfo = "GF_AUTH_GENERIC_OAUTH_"

var grafanaCatalogue = catalogue{
	{Name: gfo + "ENABLED", Computed: true, Hint: "always true"},
	{Name: gfo + "NAME", Computed: true, Hint: "from name"},
	{Name: gfo + "CLIENT_ID", Computed: true, Hint: "from the authentik provider"},
	{Name: gfo + "CLIENT_SECRET", Computed: true, Secret: true, Hint: "from the authentik provider"},
	{Name: gfo + "AUTH_URL", Computed: true, Hint: "authentik's authorize endpoint"},
	{Name: gfo + "TOKEN_URL", Computed: true, Hint: "authentik's token endpoint"},
	{Name: gfo + "API_URL", Computed: true, Hint: "authentik's userinfo endpoint"},
	{Name: gfo + "SCOPES", Computed: true, Hint: "from the provider's scopes"},
	{Name: gfo + "USE_PKCE", Computed: true, Hint: "always true"},
	{Name: gfo + "LOGIN_ATTRIBUTE_PATH", Computed: true, Hint: "preferred_username, authentik's username claim"},
	{Name: gfo + "ROLE_ATTRIBUTE_PATH", Computed: true, Hint: "from role_attribute_path, or admin_group and editor_group"},
	{Name: gfo + "SIGNOUT_REDIRECT_URL", Computed: true, Hint: "authentik's end-session endpoint, back to url/login"},
	{Name: "GF_SERVER_ROOT_URL", Computed: true, Hint: "from url"},
	{Name: gfo + "ICON"},
	{Name: gfo + "ALLOW_SIGN_UP", Kind: kBool},
	{Name: gfo + "AUTO_LOGIN", Kind: kBool},
	{Name: gfo + "USE_REFRESH_TOKEN", Kind: kBool},
	{Name: gfo + "EMAIL_ATTRIBUTE_PATH"},
	{Name: gfo + "NAME_ATTRIBUTE_PATH"},
	{Name: gfo + "ROLE_ATTRIBUTE_STRICT", Kind: kBool},
	{Name: gfo + "SKIP_ORG_ROLE_SYNC", Kind: kBool},
	{Name: gfo + "ALLOW_ASSIGN_GRAFANA_ADMIN", Kind: kBool},
	{Name: gfo + "GROUPS_ATTRIBUTE_PATH"},
	{Name: gfo + "ALLOWED_GROUPS"},
	{Name: gfo + "ALLOWED_DOMAINS"},
	{Name: gfo + "TLS_CLIENT_CA"},
	{Name: gfo + "TLS_SKIP_VERIFY_INSECURE", Kind: kBool},
	{Name: gfo + "VALIDATE_ID_TOKEN", Kind: kBool},
	{Name: gfo + "JWK_SET_URL", Kind: kURL},
	{Name: "GF_AUTH_OAUTH_ALLOW_INSECURE_EMAIL_LOOKUP", Kind: kBool},
	{Name: "GF_AUTH_DISABLE_LOGIN_FORM", Kind: kBool},
	{Name: "GF_USERS_AUTO_ASSIGN_ORG", Kind: kBool},
	{Name: "GF_USERS_AUTO_ASSIGN_ORG_ID", Kind: kInt},
	{Name: "GF_USERS_AUTO_ASSIGN_ORG_ROLE", Kind: kEnum, Values: []string{"Viewer", "Editor", "Admin"}},
}

func (grafana) Name() string  { return "grafana" }
func (grafana) Label() string { return "Grafana" }
func (grafana) Follows() string {
	return "Grafana 12 (pkg/login/social/connectors/generic_oauth.go)"
}
func (grafana) Options() []string {
	return []string{"name", "role_attribute_path", "admin_group", "editor_group"}
}

// GroupOptions: admin_group and editor_group name authentik groups.
func (grafana) GroupOptions() []string { return []string{"admin_group", "editor_group"} }

func (grafana) RedirectURI(o *manifest.Output) string {
	return callbackOn(o.URL, grafanaCallback)
}

func (grafana) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "grafana output needs url: Grafana's public URL (GF_SERVER_ROOT_URL, the base of its callback %s)", grafanaCallback)
	if o.Options["role_attribute_path"] != "" && (o.Options["admin_group"] != "" || o.Options["editor_group"] != "") {
		ps = append(ps, problem("role_attribute_path", "give role_attribute_path or admin_group/editor_group, not both"))
	}
	for _, k := range []string{"admin_group", "editor_group"} {
		if strings.Contains(o.Options[k], "'") {
			ps = append(ps, problem(k, "%s cannot contain ' (it is quoted in a JMESPath expression)", k))
		}
	}
	if p != nil && p.Type == manifest.TypeOAuth2 {
		scopes := p.WithDefaults().Scopes
		for _, s := range []string{"openid", "email"} {
			if !slices.Contains(scopes, s) {
				ps = append(ps, problem("provider.scopes", "provider %q: Grafana needs the %s scope (it refuses a login without an email)", p.Name, s))
			}
		}
		// Grafana evaluates role_attribute_path against the ID token
		// first and asks userinfo only when that finds no role; the path
		// admin_group/editor_group build ends in 'Viewer', which the ID
		// token always yields when the groups are not in it.
		if _, from := roleAttributePath(o); from == "admin_group" && p.IncludeClaimsInIDToken != nil && !*p.IncludeClaimsInIDToken {
			ps = append(ps, problem("provider.include_claims_in_id_token", "provider %q: Grafana maps roles from the ID token first, and with include_claims_in_id_token: false the groups are not in it, so every user would be a Viewer; leave include_claims_in_id_token out (authentik's default is true)", p.Name))
		}
		if o.Env[gfo+"USE_REFRESH_TOKEN"] == "true" && !slices.Contains(scopes, "offline_access") {
			ps = append(ps, problem("env."+gfo+"USE_REFRESH_TOKEN", "%sUSE_REFRESH_TOKEN=true needs the offline_access scope on provider %q", gfo, p.Name))
		}
	}
	ps = append(ps, grafanaCatalogue.checkEnv("Grafana", o.Env, false)...)
	ps = append(ps, fixedVars(o, "Grafana")...)
	return ps
}

// roleAttributePath maps authentik group names (the groups claim of the
// profile scope) to Grafana roles; "" when the output maps none (Grafana
// then gives [users] auto_assign_org_role, Viewer by default).
func roleAttributePath(o *manifest.Output) (string, string) {
	if p := o.Options["role_attribute_path"]; p != "" {
		return p, "role_attribute_path"
	}
	if o.Options["admin_group"] == "" && o.Options["editor_group"] == "" {
		return "", ""
	}
	var b strings.Builder
	if g := o.Options["admin_group"]; g != "" {
		fmt.Fprintf(&b, "contains(groups[*], '%s') && 'Admin' || ", g)
	}
	if g := o.Options["editor_group"]; g != "" {
		fmt.Fprintf(&b, "contains(groups[*], '%s') && 'Editor' || ", g)
	}
	b.WriteString("'Viewer'")
	return b.String(), "admin_group"
}

func (g grafana) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("%sCLIENT_SECRET would be empty, which Grafana ignores: give the provider client_type confidential", gfo)
	}
	name := o.Options["name"]
	if name == "" {
		name = "authentik"
	}
	role, roleFrom := roleAttributePath(o)
	vars := []Var{
		{Key: "GF_SERVER_ROOT_URL", Value: o.URL, From: "url"},
		{Key: gfo + "ENABLED", Value: "true"},
		{Key: gfo + "NAME", Value: name, From: "name"},
		{Key: gfo + "CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: gfo + "CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: gfo + "AUTH_URL", Value: v.AuthorizeURL()},
		{Key: gfo + "TOKEN_URL", Value: v.TokenURL()},
		{Key: gfo + "API_URL", Value: v.UserinfoURL()},
		{Key: gfo + "SCOPES", Value: strings.Join(v.Scopes, " ")},
		{Key: gfo + "USE_PKCE", Value: "true"},
		{Key: gfo + "LOGIN_ATTRIBUTE_PATH", Value: "preferred_username"},
		// Grafana adds id_token_hint only when the URL already carries
		// post_logout_redirect_uri (pkg/services/authn/clients/oauth.go).
		{Key: gfo + "SIGNOUT_REDIRECT_URL", Value: v.EndSessionURL() + "?post_logout_redirect_uri=" + o.URL + "/login"},
	}
	if role != "" {
		vars = append(vars, Var{Key: gfo + "ROLE_ATTRIBUTE_PATH", Value: role, From: roleFrom})
	}
	return append(vars, envVars(o.Env, grafanaCatalogue)...), nil
}
