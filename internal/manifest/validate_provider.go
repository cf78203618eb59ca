package manifest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

func validateProviders(v *validation) {
	seen := map[string]Position{}
	// Provider names are unique across every type (one Provider table):
	// the engine's providers share the names.
	for _, e := range v.m.EntriesOf(EngineProviderKind) {
		seen[e.Key] = e.Src.Pos
		v.engine[e.Key] = e
	}
	for i := range v.m.Providers {
		p := &v.m.Providers[i]
		if p.Name == "" {
			v.ds.add(p.Src.Pos, "provider: name is required")
			continue
		}
		dup(&v.ds, seen, p.Name, p.Src.Pos, "provider")
		v.providers[p.Name] = p
		checkState(&v.ds, p.State, p.Src)
		validateProvider(v, p)
	}
}

func validateProvider(v *validation, p *Provider) {
	ds := &v.ds
	t := ProviderTypeOf(p.Type)
	if t == nil {
		names := strings.Join(append(ProviderTypeNames(), EngineTypes("providers")...), ", ")
		if p.Type == "" {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: type is required (%s)", p.Name, names))
		} else {
			ds.add(p.Src.At("type"), fmt.Sprintf("provider %q: type %q is not supported; use one of %s", p.Name, p.Type, names))
		}
		return
	}
	if p.State.IsAbsent() {
		return
	}
	checkTypeFields(ds, p, t)
	for _, f := range []struct {
		key string
		v   *string
	}{{"authorization_flow", p.AuthorizationFlow}, {"invalidation_flow", p.InvalidationFlow}, {"authentication_flow", p.AuthenticationFlow}} {
		if f.v != nil && !slugRE.MatchString(*f.v) {
			ds.add(p.Src.At(f.key), fmt.Sprintf("provider %q: %s must be a flow slug, got %q", p.Name, f.key, *f.v))
		}
	}
	t.Validate(ds, p)
}

// checkTypeFields refuses keys that belong to other provider types, naming
// the types that take them. The lists come from the types' Fields.
func checkTypeFields(ds *Diagnostics, p *Provider, t *ProviderType) {
	own := typeKeys(t)
	for _, key := range allTypeKeys() {
		if !p.Src.Has(key) || own[key] {
			continue
		}
		var takers []string
		for _, other := range providerTypes {
			if typeKeys(other)[key] {
				takers = append(takers, other.Label)
			}
		}
		ds.add(p.Src.At(key), fmt.Sprintf("provider %q: %s is not a field of %s providers; it applies to %s providers only", p.Name, key, t.Label, strings.Join(takers, " and ")))
	}
}

var (
	keysOnce  sync.Once
	keysByTyp map[string]map[string]bool
	keysAll   []string
)

func typeKeys(t *ProviderType) map[string]bool {
	keysOnce.Do(indexTypeKeys)
	return keysByTyp[t.Name]
}

func allTypeKeys() []string {
	keysOnce.Do(indexTypeKeys)
	return keysAll
}

func indexTypeKeys() {
	keysByTyp = map[string]map[string]bool{}
	all := map[string]bool{}
	for _, t := range providerTypes {
		keys := map[string]bool{}
		for _, f := range t.Fields {
			for k := range yamlFields(reflect.TypeOf(f)) {
				keys[k], all[k] = true, true
			}
		}
		keysByTyp[t.Name] = keys
	}
	for k := range all {
		keysAll = append(keysAll, k)
	}
	slices.Sort(keysAll)
}
