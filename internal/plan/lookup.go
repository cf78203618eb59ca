package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// Resolving manifest references (human keys) to live objects, and labels to display them.

// matching returns pointers to the items whose key is want.
func matching[T any](items []T, key func(*T) string, want string) []*T {
	var found []*T
	for i := range items {
		if key(&items[i]) == want {
			found = append(found, &items[i])
		}
	}
	return found
}

// exactlyOne resolves a reference that must match one live object.
func exactlyOne[T any](c *computer, what string, items []T, key func(*T) string, want string, pos manifest.Position) (*T, bool) {
	found := matching(items, key, want)
	if len(found) != 1 {
		msg := matches(len(found))
		if len(found) == 0 {
			msg += c.didYouMean(want, keysOf(items, key))
		}
		c.fail(pos, "%s %q: %s", what, want, msg)
		return nil, false
	}
	return found[0], true
}

// atMostOne finds the live object an entry manages: nil when it does not
// exist yet, an error when the key is ambiguous.
func atMostOne[T any](c *computer, kind Kind, items []T, key func(*T) string, want string, pos manifest.Position) (*T, bool) {
	found := matching(items, key, want)
	if len(found) > 1 {
		c.fail(pos, "%s %q: %s", kind, want, matches(len(found)))
		return nil, false
	}
	if len(found) == 0 {
		return nil, true
	}
	return found[0], true
}

func flowSlug(f *Flow) string       { return f.Slug }
func keyPairName(k *KeyPair) string { return k.Name }
func outpostName(o *Outpost) string { return o.Name }

func (c *computer) flow(slug string, pos manifest.Position) (Flow, bool) {
	f, ok := exactlyOne(c, "flow", c.live.Flows, flowSlug, slug, pos)
	if !ok {
		return Flow{}, false
	}
	return *f, true
}

func (c *computer) keyPair(name string, pos manifest.Position, needPrivate bool) (KeyPair, bool) {
	k, ok := exactlyOne(c, "key pair", c.live.KeyPairs, keyPairName, name, pos)
	if !ok {
		return KeyPair{}, false
	}
	if needPrivate && !k.PrivateKey {
		c.fail(pos, "signing key %q has no private key, so authentik cannot sign tokens with it", name)
		return KeyPair{}, false
	}
	return *k, true
}

// scopeRef resolves a provider's scope name to a scope mapping:
// authentik's managed default mapping first; otherwise exactly one custom
// mapping with that scope name, either declared in the manifest (created
// in the same apply if need be) or live and not declared.
func (c *computer) scopeRef(scope string, pos manifest.Position) (Reference, bool) {
	var managed, custom []ScopeMapping
	for _, s := range c.scopeMappings {
		if _, declared := c.mappingsByName[s.Name]; s.ScopeName != scope || declared {
			continue
		}
		if strings.HasPrefix(s.Managed, "goauthentik.io/providers/") {
			managed = append(managed, s)
		} else {
			custom = append(custom, s)
		}
	}
	var names []string
	var ref Reference
	if len(managed) == 1 {
		return Known(managed[0].PK), true
	}
	for _, s := range append(managed, custom...) {
		names = append(names, strconv.Quote(s.Name))
		ref = Known(s.PK)
	}
	for _, d := range c.m.EntriesOf(string(KindScopeMapping)) {
		if str(d.Fields["scope_name"]) != scope || d.State.IsAbsent() {
			continue
		}
		names = append(names, strconv.Quote(d.Key))
		ref = Later(KindScopeMapping, d.Key)
		if pk := c.mappingsByName[d.Key]; pk != "" {
			ref = Known(pk)
		}
	}
	switch len(names) {
	case 1:
		return ref, true
	case 0:
		for _, d := range c.m.EntriesOf(string(KindScopeMapping)) {
			if str(d.Fields["scope_name"]) == scope && d.State.IsAbsent() {
				c.fail(pos, "scope %q: its scope mapping %q is marked state: absent in the manifest (%s); remove the scope from the provider, or keep the mapping", scope, d.Key, d.Src.Pos)
				return Reference{}, false
			}
		}
		c.fail(pos, "scope %q: no scope mapping has this scope name%s; declare one under scope_mappings", scope, c.didYouMean(scope, c.scopeNames()))
	default:
		c.fail(pos, "scope %q: %d scope mappings have this scope name (%s); rename all but one", scope, len(names), strings.Join(names, ", "))
	}
	return Reference{}, false
}

func (c *computer) liveApp(slug string) *Application {
	for i := range c.live.Applications {
		if c.live.Applications[i].Slug == slug {
			return &c.live.Applications[i]
		}
	}
	return nil
}

func matches(n int) string {
	if n == 0 {
		return "not found in authentik"
	}
	return fmt.Sprintf("%d objects match; expected exactly one", n)
}

// --- display helpers ---

func (c *computer) flowLabel(pk string) string {
	if pk == "" {
		return ""
	}
	if f, ok := c.flowsByPK[pk]; ok {
		return f.Slug
	}
	return pk
}

func (c *computer) keyLabel(pk, none string) string {
	if pk == "" {
		return none
	}
	if k, ok := c.keysByPK[pk]; ok {
		return k.Name
	}
	return pk
}

func (c *computer) scopeLabels(pks []string) []string {
	out := make([]string, 0, len(pks))
	for _, pk := range pks {
		if s, ok := c.mappingsByPK[pk]; ok {
			out = append(out, s.ScopeName)
		} else {
			out = append(out, pk)
		}
	}
	sort.Strings(out)
	return out
}

func (c *computer) providerLabel(pk int32) string {
	if pk == 0 {
		return ""
	}
	if p, ok := c.providersByPK[pk]; ok {
		return p.Name
	}
	return strconv.Itoa(int(pk))
}

func redirectLabels(rs []RedirectURI) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.MatchingMode + " " + r.URL
	}
	return out
}
