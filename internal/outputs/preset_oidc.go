package outputs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/suggest"
)

// genericOIDC is any OpenID Connect client: the admin maps their own
// variable names to provision's values (vars) and adds literals (env).
type genericOIDC struct{}

func init() { register(genericOIDC{}) }

// oidcValues are the values vars may name.
var oidcValues = []string{
	"issuer", "discovery_url", "client_id", "client_secret", "authorize_url", "token_url",
	"userinfo_url", "jwks_url", "end_session_url", "slug", "redirect_uri", "scopes", "entitlements_claim",
}

// EntitlementsScope is the scope of authentik's managed mapping that adds
// the entitlements claim: the names of the application's entitlements the
// user holds (its entitlements: in the manifest).
const EntitlementsScope = "entitlements"

func (genericOIDC) Name() string      { return "oidc" }
func (genericOIDC) Label() string     { return "the client" }
func (genericOIDC) Follows() string   { return "OpenID Connect Core 1.0 / Discovery 1.0" }
func (genericOIDC) Options() []string { return []string{"callback_path"} }

func (genericOIDC) RedirectURI(o *manifest.Output) string {
	cb := o.Options["callback_path"]
	if o.URL == "" || cb == "" || checkBaseURL("url", o.URL) != nil || !strings.HasPrefix(cb, "/") {
		return ""
	}
	return o.URL + cb
}

func (genericOIDC) Validate(o *manifest.Output, p *manifest.Provider) []Problem {
	var ps []Problem
	if o.URL != "" {
		if err := checkBaseURL("url", o.URL); err != nil {
			ps = append(ps, Problem{Key: "url", Msg: err.Error()})
		}
	}
	cb, hasCB := o.Options["callback_path"]
	if hasCB && !strings.HasPrefix(cb, "/") {
		ps = append(ps, problem("callback_path", "callback_path must be a path starting with /, such as /auth/oidc/callback"))
	}
	if len(o.Vars) == 0 && len(o.Env) == 0 {
		ps = append(ps, problem("", "oidc output needs vars: map your variable names to provision's values (%s)", strings.Join(oidcValues, ", ")))
	}
	for _, name := range slices.Sorted(maps.Keys(o.Vars)) {
		what := o.Vars[name]
		if err := dotenv.CheckKey(name); err != nil {
			ps = append(ps, problem("vars."+name, "%v", err))
		}
		if _, dup := o.Env[name]; dup {
			ps = append(ps, problem("vars."+name, "%s is in both vars and env; keep one", name))
		}
		switch {
		case !slices.Contains(oidcValues, what):
			msg := fmt.Sprintf("%s: %q is not a value provision knows (%s)", name, what, strings.Join(oidcValues, ", "))
			if s := suggest.Closest(what, oidcValues); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			ps = append(ps, Problem{Key: "vars." + name, Msg: msg})
		case what == "redirect_uri" && (o.URL == "" || !hasCB):
			ps = append(ps, problem("vars."+name, "%s: redirect_uri needs url and callback_path in the output", name))
		case what == "entitlements_claim" && p != nil && p.Scopes != nil && !slices.Contains(p.Scopes, EntitlementsScope):
			ps = append(ps, problem("vars."+name, "%s: the entitlements claim reaches the client only with the %q scope: add it to the provider's scopes", name, EntitlementsScope))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(o.Env)) {
		if err := dotenv.CheckKey(name); err != nil {
			ps = append(ps, problem("env."+name, "%v", err))
		}
	}
	return ps
}

func (g genericOIDC) Vars(o *manifest.Output, v Values) ([]Var, error) {
	value := map[string]string{
		"issuer": v.Issuer(), "discovery_url": v.DiscoveryURL(), "client_id": v.ClientID,
		"client_secret": v.ClientSecret, "authorize_url": v.AuthorizeURL(), "token_url": v.TokenURL(),
		"userinfo_url": v.UserinfoURL(), "jwks_url": v.JWKSURL(), "end_session_url": v.EndSessionURL(),
		"slug": v.Slug, "redirect_uri": g.RedirectURI(o), "scopes": strings.Join(v.Scopes, " "),
		"entitlements_claim": EntitlementsScope,
	}
	var out []Var
	for _, name := range slices.Sorted(maps.Keys(o.Vars)) {
		what := o.Vars[name]
		val, ok := value[what]
		if !ok {
			return nil, fmt.Errorf("%s: %q is not a value provision knows", name, what)
		}
		from := "vars." + name
		switch what {
		case "client_secret":
			from = "provider.client_secret"
		case "client_id":
			from = "provider.client_id"
		}
		out = append(out, Var{Key: name, Value: val, Secret: what == "client_secret", From: from})
	}
	for _, name := range slices.Sorted(maps.Keys(o.Env)) {
		out = append(out, Var{Key: name, Value: o.Env[name], From: "env." + name})
	}
	return out, nil
}
