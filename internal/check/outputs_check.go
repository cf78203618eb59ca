package check

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

// OutputInput is what Output compares for one output of a preset.
type OutputInput struct {
	// Label names the client application ("Grafana").
	Label string
	// DiscoveryURL is the discovery document at authentik's public URL;
	// APIURL is the address provision reaches the API at.
	DiscoveryURL, APIURL string
	// Issuer is the issuer the discovery document should name ("" means
	// the application's base, the discovery URL without its suffix;
	// issuer_mode global makes it authentik's root URL).
	Issuer string
	// RedirectURI is the preset's callback ("" when it has none).
	RedirectURI string
	// Expected is what the output should hold, computed from authentik;
	// Actual what its file holds (nil: computed, no file yet). Only the
	// keys that differ are named, never a value, so secrets need no flag.
	Expected, Actual map[string]string
	// App, for a preset that implements outputs.AppChecker, is what the
	// application runs with, from its settings: Output then tests those
	// (discovery at their issuer, https, the authorization request, the
	// signing algorithm, their redirect URI and App.Items) in place of
	// DiscoveryURL, Issuer, RedirectURI and Expected.
	App    *outputs.AppCheck
	Slug   string
	Groups []string
	Live   *plan.Live
	// Rewrite is the command that rewrites the output's settings from
	// authentik (provision env ... --out FILE), printed as the fix of
	// settings that differ; "" names apply alone.
	Rewrite string
}

// Output checks an output of a preset: the application and provider, the
// discovery document and its issuer, the redirect URI, the settings (that
// the file holds what authentik says, or an AppChecker's own items), and
// the access groups. It never stops at the first failure.
func Output(ctx context.Context, oidc OIDC, in OutputInput) []Item {
	var items []Item
	add := adderFor(&items)
	app, prov := appAndProvider(add, in.Live, in.Slug)
	if app == nil {
		return items
	}

	discovery, issuer, redirect := in.DiscoveryURL, in.Issuer, in.RedirectURI
	if in.App != nil {
		discovery, issuer, redirect = in.App.DiscoveryURL, in.App.Issuer, in.App.RedirectURI
	} else if issuer == "" {
		issuer = strings.TrimSuffix(discovery, ".well-known/openid-configuration")
	}
	doc, err := oidc.FetchDiscovery(ctx, discovery)
	switch {
	case err != nil && in.App == nil && !sameHost(discovery, in.APIURL):
		add(ItemDiscovery, Fail, "provision reaches authentik's API at %s, but not its public URL: %v; check authentik.public_url and that %s can be reached from here", in.APIURL, err, host(discovery))
	case err != nil:
		add(ItemDiscovery, Fail, "%v", err)
	default:
		add(ItemDiscovery, Pass, "%s", discovery)
		issuerItem(add, doc.Issuer, issuer)
		if in.App != nil {
			appDiscoveryItems(ctx, add, oidc, in, prov, doc)
		}
	}
	if redirect != "" {
		redirectItem(add, in.Label, prov, redirect)
	}
	switch {
	case in.App != nil:
		for _, it := range in.App.Items {
			st := Fail
			if it.OK {
				st = Pass
			}
			add(it.Name, st, "%s", it.Detail)
		}
	case in.Actual != nil:
		var differ []string
		for k, v := range in.Expected {
			if in.Actual[k] != v {
				differ = append(differ, k)
			}
		}
		slices.Sort(differ)
		if len(differ) == 0 {
			add(ItemSettingsMatch, Pass, "%d settings", len(in.Expected))
		} else {
			add(ItemSettingsMatch, Fail, "settings do not match authentik: %s; %s", strings.Join(differ, ", "), rewriteHint(in.Rewrite, "them"))
		}
	}
	groupItems(add, in.Live, app, in.Groups)
	return items
}

// appDiscoveryItems checks, for an application that reads discovery
// itself, what it does with the document: the issuer's scheme, its
// authorization request, and the provider's signing algorithm.
func appDiscoveryItems(ctx context.Context, add func(string, Status, string, ...any), oidc OIDC, in OutputInput, prov *plan.Provider, doc *authentik.Discovery) {
	if in.App.HTTPSRequiredBy != "" {
		checkHTTPS(add, doc.Issuer, in.Label, in.App.HTTPSRequiredBy)
	}
	if in.App.Authorize != nil {
		authorizeItem(ctx, add, oidc, doc.AuthorizationEndpoint, in.Label, in.App.Authorize, prov)
	}
	alg := signingAlg(in.Live, prov.OAuth2().SigningKey)
	if slices.Contains(doc.IDTokenSigningAlgValuesSupported, alg) {
		add(ItemSigningAlg, Pass, "%s", alg)
	} else {
		add(ItemSigningAlg, Fail, "provider signs with %s, discovery lists %v", alg, doc.IDTokenSigningAlgValuesSupported)
	}
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

func sameHost(a, b string) bool { return host(a) == host(b) }

// authorizeItem sends the application's authorization request (q: its
// client_id, scope and redirect_uri) and passes when authentik accepts it
// (a redirect to log in). authentik refuses a redirect_uri that none of the
// provider's redirect URIs allows with a 400 (providers/oauth2/views/
// authorize.py, check_redirect_uri), so the item fails then. A provider
// with no redirect URIs is never probed: authentik would save the probe's
// redirect_uri as its only allowed one, and check changes nothing. Without
// a redirect_uri authentik always answers 400, so that is not probed either.
func authorizeItem(ctx context.Context, add func(string, Status, string, ...any), oidc OIDC, endpoint, label string, q url.Values, prov *plan.Provider) {
	allowed := prov.OAuth2().RedirectURIs
	callback := q.Get("redirect_uri")
	switch {
	case len(allowed) == 0:
		add(ItemAuthorize, Fail, "not probed: provider %q has no redirect URIs, and authentik saves the first redirect_uri an authorization request carries as its only allowed one (a probe would change the provider); declare %s's callback in redirect_uris", prov.Name, label)
		return
	case callback == "":
		add(ItemAuthorize, Fail, "not probed: %s's settings give no callback URL, and authentik refuses an authorization request without redirect_uri", label)
		return
	}
	status, err := oidc.Probe(ctx, authorizeURL(endpoint, q))
	switch {
	case err != nil:
		add(ItemAuthorize, Fail, "%v", err)
	case status >= 400 && !redirectAllowed(allowed, callback):
		add(ItemAuthorize, Fail, "%s refused %s's authorization request (HTTP %d): its callback %s is not among the provider's redirect URIs", endpoint, label, status, callback)
	case status >= 400:
		add(ItemAuthorize, Fail, "%s refused %s's authorization request (HTTP %d)", endpoint, label, status)
	default:
		add(ItemAuthorize, Pass, "%s accepts %s (HTTP %d)", endpoint, callback, status)
	}
}

// rewriteHint says how to rewrite an output's settings (what: "them",
// "it") from authentik: with rewrite, the command that does (provision env
// ... --out FILE), else apply.
func rewriteHint(rewrite, what string) string {
	if rewrite == "" {
		return "run apply to rewrite " + what
	}
	return "rewrite " + what + " with " + rewrite + ", or run apply"
}
