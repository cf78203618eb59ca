package outputs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// nextcloud is Nextcloud's user_oidc app, configured by its admin command
// occ user_oidc:provider IDENTIFIER, which creates the provider or updates
// the one with that identifier (createOrUpdateProvider). The catalogue
// follows user_oidc v8.10.1: lib/Command/UpsertProvider.php (--clientid,
// --clientsecret, --discoveryuri, --endsessionendpointuri, --scope and
// EXTRA_OPTIONS) and appinfo/routes.php (the callback /apps/user_oidc/code).
// Format script writes the command with the values; provision never runs it.
type nextcloud struct{}

func init() { register(nextcloud{}) }

const nextcloudCallback = "/apps/user_oidc/code"

// nextcloudCatalogue: EXTRA_OPTIONS of UpsertProvider.php a manifest may
// set under env, by option name; flags take 0 or 1.
var nextcloudCatalogue = func() catalogue {
	c := catalogue{}
	for _, flag := range []string{"unique-uid", "check-bearer", "bearer-provisioning", "send-id-token-hint", "group-provisioning", "group-restrict-login-to-whitelist", "entraid-group-names", "resolve-nested-claims"} {
		c = append(c, setting{Name: flag, Kind: kEnum, Values: []string{"0", "1"}})
	}
	for _, m := range []string{"display-name", "email", "quota", "uid", "language", "locale", "website", "avatar", "twitter", "fediverse", "organisation", "role", "headline", "biography", "phone", "gender", "pronouns", "birthdate", "address", "street_address", "postal_code", "locality", "region", "country", "groups"} {
		c = append(c, setting{Name: "mapping-" + m})
	}
	return append(c, setting{Name: "extra-claims"}, setting{Name: "group-whitelist-regex"})
}()

func (nextcloud) Name() string      { return "nextcloud" }
func (nextcloud) Label() string     { return "Nextcloud" }
func (nextcloud) Follows() string   { return "user_oidc v8.10.1 (lib/Command/UpsertProvider.php)" }
func (nextcloud) Options() []string { return []string{"name"} }
func (nextcloud) Formats() []string { return []string{"script"} }

func (nextcloud) RedirectURI(o *manifest.Output) string { return callbackOn(o.URL, nextcloudCallback) }

func (nextcloud) identifier(o *manifest.Output) string {
	if n := o.Options["name"]; n != "" {
		return n
	}
	return "authentik"
}

func (n nextcloud) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	ps := baseURLProblems(o.URL, "nextcloud output needs url: Nextcloud's public URL (the base of its callback %s)", nextcloudCallback)
	if id := n.identifier(o); strings.HasPrefix(id, "-") || strings.TrimSpace(id) == "" {
		ps = append(ps, problem("name", "name %q cannot be the provider's identifier: occ would read it as an option", id))
	}
	ps = append(ps, nextcloudCatalogue.checkEnv("user_oidc", o.Env, false)...)
	return append(ps, fixedVars(o, "Nextcloud")...)
}

func (nextcloud) Requirements(o *manifest.Output, p *manifest.Provider, _ ScopeClaims) []Problem {
	var ps []Problem
	ps = append(ps, requireConfidential(p, "user_oidc sends a client secret")...)
	ps = append(ps, requireScope("Nextcloud", p, "openid", "it is an OpenID login")...)
	if o.Env["mapping-groups"] != "" || o.Env["group-provisioning"] == "1" {
		ps = append(ps, requireScope("Nextcloud", p, "profile", "authentik sends the groups claim with it")...)
	}
	return ps
}

// nextcloudVar is the script variable of an option ("group-provisioning":
// GROUP_PROVISIONING).
func nextcloudVar(option string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_").Replace(option))
}

func (n nextcloud) Vars(o *manifest.Output, v Values) ([]Var, error) {
	if v.ClientSecret == "" {
		return nil, fmt.Errorf("the client secret would be empty: make the provider client_type confidential")
	}
	vars := []Var{
		{Key: "IDENTIFIER", Value: n.identifier(o), From: "name"},
		{Key: "CLIENT_ID", Value: v.ClientID, From: "provider.client_id"},
		{Key: "CLIENT_SECRET", Value: v.ClientSecret, Secret: true, From: "provider.client_secret"},
		{Key: "DISCOVERY_URI", Value: v.DiscoveryURL()},
		{Key: "END_SESSION_URI", Value: v.EndSessionURL()},
		{Key: "SCOPE", Value: strings.Join(v.Scopes, " ")},
	}
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		vars = append(vars, Var{Key: nextcloudVar(k), Value: o.Env[k], From: "env." + k})
	}
	return vars, nil
}

// Script runs occ user_oidc:provider with every value: it creates the
// provider, or updates the one with this identifier.
func (nextcloud) Script(vars []Var) Script {
	byVar := map[string]string{}
	for _, s := range nextcloudCatalogue {
		byVar[nextcloudVar(s.Name)] = s.Name
	}
	body := []string{
		`args=(`,
		`  --clientid="$CLIENT_ID"`,
		`  --clientsecret="$CLIENT_SECRET"`,
		`  --discoveryuri="$DISCOVERY_URI"`,
		`  --endsessionendpointuri="$END_SESSION_URI"`,
		`  --scope="$SCOPE"`,
	}
	for _, v := range vars {
		if opt, ok := byVar[v.Key]; ok {
			body = append(body, fmt.Sprintf(`  --%s="$%s"`, opt, v.Key))
		}
	}
	body = append(body, `)`, `"${RUN[@]}" user_oidc:provider "$IDENTIFIER" "${args[@]}"`)
	return Script{
		About: []string{
			"Nextcloud: registers authentik with the user_oidc app (occ user_oidc:provider,",
			"which creates the provider or updates the one with this identifier).",
			"Run it as the web server's user, e.g.:",
			"  OCC='docker exec -u www-data nextcloud php occ' bash nextcloud.sh",
		},
		Runner: "OCC", RunnerDefault: "php occ",
		Body: body,
	}
}
