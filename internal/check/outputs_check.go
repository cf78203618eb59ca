package check

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/provision/provision/internal/plan"
)

// OutputInput is what Output compares for one output of a preset other
// than LibreChat (which has its own LibreChat checklist).
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
	Slug             string
	Groups           []string
	Live             *plan.Live
}

// Output checks an output of a preset: the application and provider, the
// discovery document at authentik's public URL and its issuer, the
// redirect URI, that the file holds what authentik says, and the access
// groups. It never stops at the first failure.
func Output(ctx context.Context, oidc OIDC, in OutputInput) []Item {
	var items []Item
	add := adderFor(&items)
	app, prov := appAndProvider(add, in.Live, in.Slug)
	if app == nil {
		return items
	}

	doc, err := oidc.FetchDiscovery(ctx, in.DiscoveryURL)
	switch {
	case err != nil && !sameHost(in.DiscoveryURL, in.APIURL):
		add("discovery document", Fail, "provision reaches authentik's API at %s, but not its public URL: %v; check authentik.public_url and that %s can be reached from here", in.APIURL, err, host(in.DiscoveryURL))
	case err != nil:
		add("discovery document", Fail, "%v", err)
	default:
		add("discovery document", Pass, "%s", in.DiscoveryURL)
		want := in.Issuer
		if want == "" {
			want = strings.TrimSuffix(in.DiscoveryURL, ".well-known/openid-configuration")
		}
		issuerItem(add, doc.Issuer, want)
	}
	if in.RedirectURI != "" {
		redirectItem(add, in.Label, prov, in.RedirectURI)
	}
	if in.Actual != nil {
		var differ []string
		for k, v := range in.Expected {
			if in.Actual[k] != v {
				differ = append(differ, k)
			}
		}
		slices.Sort(differ)
		if len(differ) == 0 {
			add("settings match authentik", Pass, "%d settings", len(in.Expected))
		} else {
			add("settings match authentik", Fail, "settings do not match authentik: %s; run apply (or provision env --out) to rewrite them", strings.Join(differ, ", "))
		}
	}
	groupItems(add, in.Live, app, in.Groups)
	return items
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

func sameHost(a, b string) bool { return host(a) == host(b) }
