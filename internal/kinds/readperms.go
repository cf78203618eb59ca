package kinds

import (
	"slices"
	"strings"
)

// HandWrittenModels are the models provision reads for the kinds not yet
// on the engine (internal/plan/kind_*.go, internal/authentik/kind_*.go)
// and for its own records: each list read names one. Move a model from
// here to a descriptor when its kind moves onto the engine.
var HandWrittenModels = []string{
	"authentik_blueprints.blueprintinstance", // stack records and locks (managed/blueprints/)
	"authentik_core.provider",                // providers/all/
	"authentik_providers_oauth2.oauth2provider",
	"authentik_providers_proxy.proxyprovider",
	"authentik_providers_saml.samlprovider",
	"authentik_providers_ldap.ldapprovider",
	"authentik_core.propertymapping", // propertymappings/all/
	"authentik_providers_saml.samlpropertymapping",
	"authentik_crypto.certificatekeypair",
	"authentik_outposts.outpost",
}

// ReadPermissions are the global permissions a plan of any manifest needs,
// and nothing more: view_ on the model of every descriptor (each family
// member, a family's list of all members, child kinds, hosts) and of
// every hand-written kind and record (HandWrittenModels). No
// view_token_key: plans never read a token's key.
func ReadPermissions() []string {
	var out []string
	add := func(model string) {
		if model == "" {
			return
		}
		app, name, _ := strings.Cut(model, ".")
		if p := app + ".view_" + name; !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, k := range registry {
		add(k.Model)
		add(k.AllModel)
	}
	for _, k := range ChildKinds() {
		add(k.Model)
	}
	for _, k := range Hosts {
		add(k.Model)
	}
	for _, m := range HandWrittenModels {
		add(m)
	}
	slices.Sort(out)
	return out
}
