package outputs

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// gitea is Gitea's (and Forgejo's) OpenID Connect authentication source,
// configured by its admin command: gitea admin auth add-oauth, or
// update-oauth --id for the source of that name, found with gitea admin
// auth list. The catalogue follows Gitea v1.27.3 (the code.gitea.io/gitea
// module at tag v1.27.3, 2026-08-29): cmd/admin_auth_oauth.go
// (oauthCLIFlags, urfave/cli v3; runUpdateOauth sets only the flags given)
// and cmd/admin_auth.go (runListAuth: ID, Name, Type, Enabled separated by
// tabs). v1.27.3 added ssh-public-key-claim-name and full-name-claim-name to
// the flags the stored source @06a3f9a had; Forgejo may not read them. The
// callback is <url>/user/oauth2/<name>/callback. Format script writes the
// commands; provision never runs them.
type gitea struct{}

func init() { register(gitea{}) }

// giteaCatalogue: the flags of oauthCLIFlags a manifest may set under env,
// by flag name.
var giteaCatalogue = catalogue{
	{Name: "icon-url", Kind: kURL},
	{Name: "skip-local-2fa", Kind: kBool},
	{Name: "required-claim-name"},
	{Name: "required-claim-value"},
	{Name: "group-claim-name"},
	{Name: "restricted-group"},
	{Name: "group-team-map", Kind: kJSONObject},
	{Name: "group-team-map-removal", Kind: kBool},
	{Name: "ssh-public-key-claim-name"},
	{Name: "full-name-claim-name"},
	{Name: "admin-group", Computed: true, Hint: "from admin_group"},
}

var giteaNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (gitea) Name() string  { return "gitea" }
func (gitea) Label() string { return "Gitea" }
func (gitea) Follows() string {
	return "Gitea v1.27.3 (cmd/admin_auth_oauth.go)"
}
func (gitea) Options() []string { return []string{"name", "admin_group"} }
func (gitea) Formats() []string { return []string{"script"} }

// GroupOptions: admin_group names an authentik group.
func (gitea) GroupOptions() []string { return []string{"admin_group"} }

func (gitea) sourceName(o *manifest.Output) string {
	if n := o.Options["name"]; n != "" {
		return n
	}
	return "authentik"
}

func (g gitea) RedirectURI(o *manifest.Output) string {
	if !giteaNameRE.MatchString(g.sourceName(o)) {
		return ""
	}
	return callbackOn(o.URL, "/user/oauth2/"+g.sourceName(o)+"/callback")
}

func (g gitea) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "gitea output needs url: Gitea's ROOT_URL (the base of its callback /user/oauth2/<name>/callback)")
	if n := g.sourceName(o); !giteaNameRE.MatchString(n) {
		ps = append(ps, problem("name", "name %q must be letters, digits, '.', '-' and '_': it is the authentication source's name and a path segment of the callback", n))
	}
	ps = append(ps, giteaCatalogue.checkEnv("gitea admin auth", o.Env, false)...)
	return append(ps, fixedVars(o, "Gitea")...)
}

func (gitea) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "Gitea sends a client secret")...)
	ps = append(ps, requireScope("Gitea", p, "openid", "it is an OpenID login")...)
	ps = append(ps, requireScope("Gitea", p, "email", "Gitea needs the user's email")...)
	if o.Options["admin_group"] != "" {
		ps = append(ps, requireScope("Gitea", p, "profile", "authentik sends the groups claim with it")...)
	}
	return ps
}

// giteaVar is the script variable of a flag ("icon-url": ICON_URL).
func giteaVar(flag string) string { return strings.ToUpper(strings.ReplaceAll(flag, "-", "_")) }

func (g gitea) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("the client secret would be empty: make the provider client_type confidential")
	}
	var scopes []string
	for _, s := range v.Scopes {
		if s != "openid" { // goth's openidConnect provider always asks for openid
			scopes = append(scopes, s)
		}
	}
	vars := []Var{
		{Key: "NAME", Value: g.sourceName(o), From: "name"},
		{Key: "CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "DISCOVERY_URL", Value: v.DiscoveryURL()},
		{Key: "SCOPES", Value: strings.Join(scopes, " ")},
	}
	env := maps.Clone(o.Env)
	if env == nil {
		env = map[string]string{}
	}
	if grp := o.Options["admin_group"]; grp != "" {
		vars = append(vars, Var{Key: "ADMIN_GROUP", Value: grp, From: "admin_group"})
		if env["group-claim-name"] == "" {
			env["group-claim-name"] = "groups"
		}
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		from := "env." + k
		if _, ok := o.Env[k]; !ok {
			from = "admin_group"
		}
		vars = append(vars, Var{Key: giteaVar(k), Value: env[k], From: from})
	}
	return vars, nil
}

// Script finds the source by name and updates it, or adds it.
func (gitea) Script(vars []Var) Script {
	body := []string{
		`args=(`,
		`  --name="$NAME"`,
		`  --provider=openidConnect`,
		`  --key="$CLIENT_ID"`,
		`  --secret="$CLIENT_SECRET"`,
		`  --auto-discover-url="$DISCOVERY_URL"`,
		`)`,
		`read -r -a scopes <<< "$SCOPES"`,
		`for s in "${scopes[@]}"; do args+=(--scopes="$s"); done`,
	}
	for _, v := range vars {
		switch {
		case v.Key == "ADMIN_GROUP":
			body = append(body, `args+=(--admin-group="$ADMIN_GROUP")`)
		default:
			for _, s := range giteaCatalogue {
				if giteaVar(s.Name) == v.Key && !s.Computed {
					body = append(body, fmt.Sprintf(`args+=(--%s="$%s")`, s.Name, v.Key))
				}
			}
		}
	}
	body = append(body,
		`# The source's ID, by name: gitea admin auth list separates columns with tabs.`,
		`id=$("${RUN[@]}" admin auth list | NAME="$NAME" awk -F'\t+' 'NR > 1 && $2 == ENVIRON["NAME"] { print $1; exit }')`,
		`if [ -n "$id" ]; then`,
		`  "${RUN[@]}" admin auth update-oauth --id="$id" "${args[@]}"`,
		`else`,
		`  "${RUN[@]}" admin auth add-oauth "${args[@]}"`,
		`fi`,
	)
	return Script{
		About: []string{
			"Gitea or Forgejo: adds authentik as an OpenID Connect authentication source,",
			"or updates the source with this name (gitea admin auth add-oauth / update-oauth).",
			"Run it as Gitea's user, e.g.:",
			"  GITEA='docker exec -u git gitea gitea' bash gitea.sh   (Forgejo: forgejo)",
		},
		Runner: "GITEA", RunnerDefault: "gitea",
		Body: body,
	}
}
