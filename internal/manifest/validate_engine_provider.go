package manifest

import (
	"fmt"
	"slices"
)

// EngineProviderKind is the plan kind of the providers the kind engine
// manages (RADIUS, SCIM, RAC: internal/kinds/providers.go), which share
// the providers: section with the hand-written types.
const EngineProviderKind = "engine provider"

// backchannelTypes are the provider types authentik makes backchannel
// providers (authentik/core/models.py BackchannelProvider subclasses:
// LDAPProvider, SCIMProvider).
var backchannelTypes = []string{TypeLDAP, "scim"}

// providerOf finds a provider the manifest declares by name, of either
// kind: its type and whether it is marked absent.
func (v *validation) providerOf(name string) (typ string, absent, ok bool) {
	if p := v.providers[name]; p != nil {
		return p.Type, p.State.IsAbsent(), true
	}
	if e := v.engine[name]; e != nil {
		return e.Kind.Type, e.State.IsAbsent(), true
	}
	return "", false, false
}

// validateBackchannel checks an application's backchannel_providers:
// declared, present, LDAP or SCIM, and neither an application's provider
// nor another application's backchannel provider (a provider has one
// backchannel_application). authentik's ApplicationSerializer does not
// check these (authentik/core/api/applications.py at 2026.2.2 has no
// validate for them): a provider both an application's provider and a
// backchannel one would be served twice, so provision refuses it offline.
func (v *validation) validateBackchannel(a *Application, mains map[string]*Application, used map[string]*Application) {
	seen := map[string]Position{}
	for j, name := range a.BackchannelProviders {
		at := a.Src.At(fmt.Sprintf("backchannel_providers[%d]", j))
		if first, dup := seen[name]; dup {
			v.ds.add(at, fmt.Sprintf("application %q lists backchannel provider %q twice (first at %s); list it once", a.Slug, name, first))
			continue
		}
		seen[name] = at
		typ, absent, ok := v.providerOf(name)
		switch {
		case !ok:
			v.undeclared(at, fmt.Sprintf("application %q lists backchannel provider %q", a.Slug, name), "provider", name, v.providerNames())
			continue
		case absent:
			v.ds.add(at, fmt.Sprintf("application %q lists backchannel provider %q, which the manifest marks state: absent", a.Slug, name))
			continue
		case !slices.Contains(backchannelTypes, typ):
			v.ds.add(at, fmt.Sprintf("application %q lists %s provider %q as a backchannel provider: only LDAP and SCIM providers are backchannel providers; name it in provider: instead", a.Slug, typ, name))
			continue
		}
		if m := mains[name]; m != nil {
			v.ds.add(at, fmt.Sprintf("provider %q is application %q's provider (%s), so it cannot also be a backchannel provider; use another provider for one of the two", name, m.Slug, m.Src.At("provider")))
			continue
		}
		if other := used[name]; other != nil {
			v.ds.add(at, fmt.Sprintf("provider %q is already a backchannel provider of application %q (%s); a provider augments one application", name, other.Slug, other.Src.Pos))
			continue
		}
		used[name] = a
	}
}
