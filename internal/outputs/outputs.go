// Package outputs derives client application settings from a manifest and
// live authentik state: today LibreChat's OpenID .env lines. It decides
// values; internal/dotenv writes them.
package outputs

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/librechat"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// Validate checks an application's LibreChat output offline; it is the hook
// manifest.Validate calls for applications with outputs.
func Validate(a *manifest.Application, p *manifest.Provider) []manifest.Diagnostic {
	lc := a.Outputs.LibreChat
	if lc == nil {
		return nil
	}
	var ds []manifest.Diagnostic
	add := func(key, format string, args ...any) {
		ds = append(ds, manifest.Diagnostic{Pos: a.Src.At("outputs.librechat." + key), Msg: fmt.Sprintf("application %q: ", a.Slug) + fmt.Sprintf(format, args...)})
	}
	server := domainServer(lc)
	if server != "" {
		key := "url"
		if lc.DomainServer != "" {
			key = "domain_server"
		}
		if err := librechat.CheckDomainServer(server); err != nil {
			add(key, "%v", err)
		} else if p != nil && p.Type == manifest.TypeOAuth2 {
			want := librechat.RedirectURI(server)
			if !hasRedirect(p.RedirectURIs, want) {
				ds = append(ds, manifest.Diagnostic{Pos: p.Src.At("redirect_uris"), Msg: fmt.Sprintf(
					"provider %q must allow LibreChat's callback %s (DOMAIN_SERVER + %s) in redirect_uris, as a strict entry",
					p.Name, want, librechat.CallbackPath())})
			}
		}
	}
	if p != nil && p.Type == manifest.TypeOAuth2 {
		if scopes := p.WithDefaults().Scopes; !slices.Contains(scopes, "openid") {
			ds = append(ds, manifest.Diagnostic{Pos: p.Src.At("scopes"), Msg: fmt.Sprintf("provider %q: LibreChat needs the openid scope", p.Name)})
		}
	}
	for _, kv := range []struct{ key, name, value string }{
		{"button_label", "OPENID_BUTTON_LABEL", lc.ButtonLabel},
		{"image_url", "OPENID_IMAGE_URL", lc.ImageURL},
	} {
		if err := dotenv.CheckValue(kv.name, kv.value); err != nil {
			add(kv.key, "%v", err)
		}
	}
	for _, err := range librechat.ValidateExtra(lc.Env) {
		add("env", "%v", err)
	}
	return ds
}

func domainServer(lc *manifest.LibreChatOutput) string {
	if lc.DomainServer != "" {
		return lc.DomainServer
	}
	return lc.URL
}

func hasRedirect(rs []manifest.RedirectURI, want string) bool {
	for _, r := range rs {
		if (r.MatchingMode == "" || r.MatchingMode == "strict") && r.URL == want {
			return true
		}
	}
	return false
}

// EnvFile is the .env path an application's LibreChat output names,
// relative to the manifest file that declared it; "" when none.
func EnvFile(a *manifest.Application) string {
	if a.Outputs == nil || a.Outputs.LibreChat == nil || a.Outputs.LibreChat.File == "" {
		return ""
	}
	f := a.Outputs.LibreChat.File
	if filepath.IsAbs(f) || a.Src.Pos.File == "" {
		return f
	}
	return filepath.Join(filepath.Dir(a.Src.Pos.File), f)
}

// SessionSecret keeps the OPENID_SESSION_SECRET an existing .env holds, or
// generates a new one from rnd (crypto/rand in production).
func SessionSecret(existing []byte, rnd io.Reader) (string, error) {
	if v, ok := dotenv.Lookup(existing, "OPENID_SESSION_SECRET"); ok && strings.TrimSpace(v) != "" {
		return v, nil
	}
	return librechat.NewSessionSecret(rnd)
}

// LibreChatVars computes LibreChat's settings for application a from live
// state read after apply. authentikURL is authentik's public base URL.
func LibreChatVars(authentikURL string, a *manifest.Application, live *plan.Live, sessionSecret string) ([]dotenv.Var, error) {
	lc := a.Outputs.LibreChat
	if lc == nil {
		return nil, fmt.Errorf("application %q declares no librechat output", a.Slug)
	}
	app := findApp(live, a.Slug)
	if app == nil {
		return nil, fmt.Errorf("application %q does not exist in authentik yet; run apply first", a.Slug)
	}
	prov := findProvider(live, app.Provider)
	if prov == nil || prov.Type != manifest.TypeOAuth2 {
		return nil, fmt.Errorf("application %q has no OAuth2 provider in authentik; run apply first", a.Slug)
	}
	in := librechat.Input{
		AuthentikURL:  authentikURL,
		Slug:          a.Slug,
		ClientID:      prov.OAuth2().ClientID,
		ClientSecret:  prov.OAuth2().ClientSecret,
		SessionSecret: sessionSecret,
		Scopes:        scopeNames(live, prov.PropertyMappings),
		ButtonLabel:   lc.ButtonLabel,
		ImageURL:      lc.ImageURL,
		DomainClient:  lc.URL,
		DomainServer:  domainServer(lc),
		Extra:         lc.Env,
	}
	vars, err := librechat.Vars(in)
	if err != nil {
		return nil, fmt.Errorf("application %q: %w", a.Slug, err)
	}
	return vars, nil
}

func findApp(live *plan.Live, slug string) *plan.Application {
	for i := range live.Applications {
		if live.Applications[i].Slug == slug {
			return &live.Applications[i]
		}
	}
	return nil
}

func findProvider(live *plan.Live, pk int32) *plan.Provider {
	for i := range live.Providers {
		if pk != 0 && live.Providers[i].PK == pk {
			return &live.Providers[i]
		}
	}
	return nil
}

// scopeOrder is how LibreChat's docs and authentik's walkthrough write scopes.
var scopeOrder = []string{"openid", "profile", "email", "offline_access"}

// scopeNames lists the provider's scopes: the usual ones in their usual
// order, then any others alphabetically.
func scopeNames(live *plan.Live, mappings []string) []string {
	names := map[string]bool{}
	for _, pk := range mappings {
		for _, s := range live.ScopeMappings {
			if s.PK == pk {
				names[s.ScopeName] = true
			}
		}
	}
	var out, rest []string
	for _, s := range scopeOrder {
		if names[s] {
			out = append(out, s)
			delete(names, s)
		}
	}
	for s := range names {
		rest = append(rest, s)
	}
	sort.Strings(rest)
	return append(out, rest...)
}
