// Package check verifies a finished LibreChat-behind-authentik setup the
// way the walkthrough's last step does by hand: discovery, issuer, https,
// authorization endpoint, signing algorithm, redirect URI, credentials and
// access groups. It reports a checklist; it changes nothing.
package check

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/checklist"
	"github.com/provision/provision/internal/librechat"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/pyregex"
)

// Status of one checklist item (internal/checklist, which render prints
// without importing this package).
type Status = checklist.Status

const (
	Pass = checklist.Pass
	Warn = checklist.Warn
	Fail = checklist.Fail
	Info = checklist.Info
)

// Item is one line of the checklist.
type Item = checklist.Item

// OIDC fetches what lives outside the REST API (authentik.Client does it).
type OIDC interface {
	FetchDiscovery(ctx context.Context, url string) (*authentik.Discovery, error)
	Probe(ctx context.Context, url string) (int, error)
}

// Input is what the check compares.
type Input struct {
	// Env is LibreChat's settings (from the .env or computed).
	Env map[string]string
	// Slug is the application; Groups the access groups the manifest declares.
	Slug   string
	Groups []string
	Live   *plan.Live
}

// LibreChat runs every check and returns the checklist; it never stops at
// the first failure.
func LibreChat(ctx context.Context, oidc OIDC, in Input) []Item {
	var items []Item
	add := adderFor(&items)

	app, prov := appAndProvider(add, in.Live, in.Slug)
	if app == nil {
		return items
	}

	issuerURL := in.Env["OPENID_ISSUER"]
	doc, err := oidc.FetchDiscovery(ctx, discoveryURL(issuerURL))
	if err != nil {
		add("discovery document", Fail, "%v", err)
	} else {
		add("discovery document", Pass, "%s", discoveryURL(issuerURL))
		want := strings.TrimSuffix(issuerURL, ".well-known/openid-configuration")
		// issuer_mode global: authentik names its root URL as the issuer
		// (providers/oauth2/models.py get_issuer). openid-client does not
		// compare it when OPENID_ISSUER is the .well-known URL, as
		// provision writes it; an issuer base would not match.
		global := prov.OAuth2().IssuerMode == "global" && strings.Contains(issuerURL, "/.well-known/")
		if u, err := url.Parse(issuerURL); err == nil && global {
			want = u.Scheme + "://" + u.Host + "/"
		}
		issuerItem(add, doc.Issuer, want)
		checkHTTPS(add, doc.Issuer)
		authorize := authorizeURL(doc.AuthorizationEndpoint, in.Env)
		if status, err := oidc.Probe(ctx, authorize); err != nil {
			add("authorization endpoint answers", Fail, "%v", err)
		} else if status >= 400 {
			add("authorization endpoint answers", Fail, "%s answered HTTP %d", doc.AuthorizationEndpoint, status)
		} else {
			add("authorization endpoint answers", Pass, "%s (HTTP %d)", doc.AuthorizationEndpoint, status)
		}
		alg := signingAlg(in.Live, prov.OAuth2().SigningKey)
		if slices.Contains(doc.IDTokenSigningAlgValuesSupported, alg) {
			add("signing algorithm advertised", Pass, "%s", alg)
		} else {
			add("signing algorithm advertised", Fail, "provider signs with %s, discovery lists %v", alg, doc.IDTokenSigningAlgValuesSupported)
		}
	}

	if server := in.Env["DOMAIN_SERVER"]; server != "" {
		callback := server + in.Env["OPENID_CALLBACK_URL"]
		redirectItem(add, "LibreChat", prov, callback)
	} else if in.Env["OPENID_CALLBACK_URL"] != librechat.CallbackPath() {
		add("callback path", Fail, "OPENID_CALLBACK_URL must be %s", librechat.CallbackPath())
	}

	if in.Env["OPENID_CLIENT_ID"] == prov.OAuth2().ClientID {
		add("client id matches", Pass, "%s", prov.OAuth2().ClientID)
	} else {
		add("client id matches", Fail, "the .env's OPENID_CLIENT_ID differs from authentik's")
	}
	if in.Env["OPENID_CLIENT_SECRET"] == prov.OAuth2().ClientSecret {
		add("client secret matches", Pass, "(sensitive)")
	} else {
		add("client secret matches", Fail, "the .env's OPENID_CLIENT_SECRET differs from authentik's")
	}
	if len(in.Env["OPENID_SESSION_SECRET"]) >= 32 {
		add("session secret set", Pass, "(sensitive)")
	} else {
		add("session secret set", Fail, "OPENID_SESSION_SECRET is missing or shorter than 32 characters; LibreChat hides the button without it")
	}
	if strings.EqualFold(strings.TrimSpace(in.Env["ALLOW_SOCIAL_LOGIN"]), "true") {
		add("social login allowed", Pass, "ALLOW_SOCIAL_LOGIN=true")
	} else {
		add("social login allowed", Fail, "ALLOW_SOCIAL_LOGIN must be true or LibreChat shows no OpenID button")
	}

	groupItems(add, in.Live, app, in.Groups)
	return items
}

// adderFor returns the function that adds a formatted item to *items.
func adderFor(items *[]Item) func(name string, st Status, format string, args ...any) {
	return func(name string, st Status, format string, args ...any) {
		*items = append(*items, Item{Name: name, Status: st, Detail: fmt.Sprintf(format, args...)})
	}
}

// appAndProvider adds the first item of a checklist: the application and
// its OAuth2 provider exist in authentik. Both are nil when they do not.
func appAndProvider(add func(string, Status, string, ...any), live *plan.Live, slug string) (*plan.Application, *plan.Provider) {
	app, prov := lookup(live, slug)
	if app == nil || prov == nil {
		add("application and provider exist", Fail, "application %q with an OAuth2 provider not found in authentik", slug)
		return nil, nil
	}
	add("application and provider exist", Pass, "application %q, provider %q", app.Slug, prov.Name)
	return app, prov
}

// issuerItem checks that the discovery document names the issuer the
// client expects.
func issuerItem(add func(string, Status, string, ...any), got, want string) {
	if got == want {
		add("issuer", Pass, "%s", got)
	} else {
		add("issuer", Fail, "discovery says %q, expected %q", got, want)
	}
}

// redirectItem checks that the provider's redirect_uris allow the client's
// callback.
func redirectItem(add func(string, Status, string, ...any), client string, prov *plan.Provider, callback string) {
	name := "redirect URI allows " + client + "'s callback"
	if redirectAllowed(prov.OAuth2().RedirectURIs, callback) {
		add(name, Pass, "%s", callback)
	} else {
		add(name, Fail, "%s is not in the provider's redirect_uris", callback)
	}
}

// groupItems checks that each access group exists and is bound to app.
func groupItems(add func(string, Status, string, ...any), live *plan.Live, app *plan.Application, groups []string) {
	for _, g := range groups {
		if group := findGroup(live, g); group == nil {
			add("access group exists", Fail, "group %q not found", g)
		} else if !bound(live, app.PK, group.PK) {
			add("access group bound", Fail, "group %q exists but is not bound to %q", g, app.Slug)
		} else {
			add("access group bound", Pass, "%s", g)
		}
	}
}

// Failed reports whether any item failed.
func Failed(items []Item) bool { return checklist.Failed(items) }

// authorizeURL is the authorization request LibreChat's login button sends
// (without PKCE and nonce, which do not change whether it is accepted).
func authorizeURL(endpoint string, env map[string]string) string {
	q := url.Values{}
	q.Set("client_id", env["OPENID_CLIENT_ID"])
	q.Set("response_type", "code")
	q.Set("scope", env["OPENID_SCOPE"])
	q.Set("state", "provision-check")
	if server := env["DOMAIN_SERVER"]; server != "" {
		q.Set("redirect_uri", server+env["OPENID_CALLBACK_URL"])
	}
	return endpoint + "?" + q.Encode()
}

func discoveryURL(issuer string) string {
	if strings.Contains(issuer, "/.well-known/") {
		return issuer
	}
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// checkHTTPS fails plain http (LibreChat refuses it), but only warns for a
// loopback host: that is a local sandbox, not a deployment.
func checkHTTPS(add func(string, Status, string, ...any), issuer string) {
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		add("issuer is https", Fail, "issuer %q is not a URL", issuer)
	case u.Scheme == "https":
		add("issuer is https", Pass, "%s", u.Host)
	case isLoopback(u.Hostname()):
		add("issuer is https", Warn, "%s is plain http: fine for a local sandbox, but LibreChat refuses non-https issuers", u.Host)
	default:
		add("issuer is https", Fail, "%s is plain http; LibreChat's openid-client refuses non-https issuers", u.Host)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func signingAlg(live *plan.Live, keyPK string) string {
	if keyPK == "" {
		return "HS256"
	}
	for _, k := range live.KeyPairs {
		if k.PK == keyPK && k.KeyType == "ec" {
			return "ES256"
		}
	}
	return "RS256"
}

func redirectAllowed(rs []plan.RedirectURI, uri string) bool {
	for _, r := range rs {
		switch r.MatchingMode {
		case "strict":
			if r.URL == uri {
				return true
			}
		case "regex":
			if ok, err := pyregex.FullMatch(r.URL, uri); err == nil && ok {
				return true
			}
		}
	}
	return false
}

func lookup(live *plan.Live, slug string) (*plan.Application, *plan.Provider) {
	for i := range live.Applications {
		a := &live.Applications[i]
		if a.Slug != slug {
			continue
		}
		for j := range live.Providers {
			if live.Providers[j].PK == a.Provider && live.Providers[j].Type == "oauth2" {
				return a, &live.Providers[j]
			}
		}
		return a, nil
	}
	return nil, nil
}

func findGroup(live *plan.Live, name string) *plan.Group {
	for i := range live.Groups {
		if live.Groups[i].Name == name {
			return &live.Groups[i]
		}
	}
	return nil
}

func bound(live *plan.Live, appPK, groupPK string) bool {
	for _, b := range live.Bindings {
		if b.Target == appPK && b.Group == groupPK {
			return true
		}
	}
	return false
}
