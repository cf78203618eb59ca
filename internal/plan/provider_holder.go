package plan

import (
	"github.com/provision/provision/internal/manifest"
)

// checkProviderHolders refuses, at plan time, an application set to a
// provider that another application keeps: authentik allows one
// application per provider (Application.provider is a one-to-one field),
// so apply would fail half-way with "Application with this provider already
// exists". The holder gives the provider up when this plan deletes it (a
// stack prunes it, state: absent, a slug renamed) or when the manifest
// points it at another provider or none.
func (c *computer) checkProviderHolders(m *manifest.Manifest, changes [][]Change) {
	deleted := map[string]bool{}
	for _, stage := range changes {
		for _, ch := range stage {
			if ch.Kind == KindApplication && ch.Action == Delete {
				deleted[ch.Key] = true
			}
		}
	}
	declared := map[string]*manifest.Application{}
	for i := range m.Applications {
		declared[m.Applications[i].Slug] = &m.Applications[i]
	}
	holders := map[string]string{} // provider name -> live application slug
	for i := range c.live.Applications {
		a := &c.live.Applications[i]
		if a.Provider != 0 {
			holders[c.providerLabel(a.Provider)] = a.Slug
		}
	}
	for _, stage := range changes {
		for i := range stage {
			ch := &stage[i]
			s, ok := ch.Spec.(*ApplicationSpec)
			if !ok || ch.Action == Delete || s.Provider == nil || *s.Provider == "" {
				continue
			}
			holder, held := holders[*s.Provider]
			if !held || holder == s.Slug || deleted[holder] {
				continue
			}
			if d := declared[holder]; d != nil && (d.Provider == nil && d.Src.Has("provider") || d.Provider != nil && *d.Provider != *s.Provider) {
				// The manifest moves the holder off it: take it after that
				// update. A swap (the holder taking this one's provider)
				// would wait on itself: authentik cannot do it in one step.
				if d.Provider != nil && holders[*d.Provider] == s.Slug {
					c.fail(d.Src.At("provider"), "applications %q and %q swap providers, which authentik (one application per provider) cannot do in one apply: first detach one of them (provider: null), apply, then set both", s.Slug, holder)
					continue
				}
				ch.After = append(ch.After, Ref(KindApplication, holder))
				continue
			}
			pos := manifest.Position{}
			if a := declared[s.Slug]; a != nil {
				pos = a.Src.At("provider")
			}
			c.fail(pos, "provider %q is already used by application %q, and authentik allows one application per provider; give %q another provider (or declare it state: absent), or use another provider here", *s.Provider, holder, holder)
		}
	}
}
