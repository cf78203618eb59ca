// Package check verifies a finished client-behind-authentik setup the way
// a walkthrough's last step does by hand, for each output of an
// application: authentik's half (Output: discovery, issuer, redirect URI,
// the settings, access groups) and the client app's (Client: probes of its
// public endpoints). It reports a checklist; it changes nothing.
package check

import (
	"context"
	"fmt"
	"net"
	"net/url"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/checklist"
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
		add(ItemAppAndProvider, Fail, "application %q with an OAuth2 provider not found in authentik", slug)
		return nil, nil
	}
	add(ItemAppAndProvider, Pass, "application %q, provider %q", app.Slug, prov.Name)
	return app, prov
}

// issuerItem checks that the discovery document names the issuer the
// client expects.
func issuerItem(add func(string, Status, string, ...any), got, want string) {
	if got == want {
		add(ItemIssuer, Pass, "%s", got)
	} else {
		add(ItemIssuer, Fail, "discovery says %q, expected %q", got, want)
	}
}

// redirectItem checks that the provider's redirect_uris allow the client's
// callback.
func redirectItem(add func(string, Status, string, ...any), client string, prov *plan.Provider, callback string) {
	name := ItemRedirect(client)
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
			add(ItemGroupExists, Fail, "group %q not found", g)
		} else if !bound(live, app.PK, group.PK) {
			add(ItemGroupBound, Fail, "group %q exists but is not bound to %q", g, app.Slug)
		} else {
			add(ItemGroupBound, Pass, "%s", g)
		}
	}
}

// Failed reports whether any item failed.
func Failed(items []Item) bool { return checklist.Failed(items) }

// authorizeURL is an application's authorization request, q (its
// client_id, scope and redirect_uri) plus response_type and state; PKCE
// and nonce do not change whether it is accepted.
func authorizeURL(endpoint string, q url.Values) string {
	req := url.Values{}
	for k, v := range q {
		req[k] = v
	}
	req.Set("response_type", "code")
	req.Set("state", "provision-check")
	return endpoint + "?" + req.Encode()
}

// checkHTTPS fails plain http (refusedBy, the app's OIDC library, refuses
// it), but only warns for a loopback host: that is a local sandbox, not a
// deployment.
func checkHTTPS(add func(string, Status, string, ...any), issuer, app, refusedBy string) {
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		add(ItemIssuerHTTPS, Fail, "issuer %q is not a URL", issuer)
	case u.Scheme == "https":
		add(ItemIssuerHTTPS, Pass, "%s", u.Host)
	case isLoopback(u.Hostname()):
		add(ItemIssuerHTTPS, Warn, "%s is plain http: fine for a local sandbox, but %s refuses non-https issuers", u.Host, app)
	default:
		add(ItemIssuerHTTPS, Fail, "%s is plain http; %s refuses non-https issuers", u.Host, refusedBy)
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
	groups := live.Groups()
	for i := range groups {
		if groups[i].Name == name {
			return &groups[i]
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
