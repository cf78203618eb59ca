// Package outputs derives client application settings from a manifest and
// live authentik state, through presets (preset_<app>.go: one per client
// application, and generic OIDC), writes them in a format (dotenv, json,
// kubernetes-secret) to files confined to the manifest's directory, and
// checks every value before anything is written to authentik.
package outputs

import (
	"sort"

	"github.com/provision/provision/internal/plan"
)

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

// scopeOrder is how client applications' docs and authentik's walkthroughs
// write scopes.
var scopeOrder = []string{"openid", "profile", "email", "offline_access"}

// scopeNames lists the provider's scopes: the usual ones in their usual
// order, then any others alphabetically.
func scopeNames(live *plan.Live, mappings []string) []string {
	names := map[string]bool{}
	for _, pk := range mappings {
		for _, s := range live.ScopeMappings() {
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
