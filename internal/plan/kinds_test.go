package plan

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

// The registry is the one kind order: each kind after the kinds it references.
func TestRegistryOrder(t *testing.T) {
	var seen []Kind
	for _, k := range registry {
		for _, ref := range k.Refs {
			assert.Contains(t, seen, ref, "%s references %s, which must come before it in the registry", k.Kind, ref)
		}
		assert.NotContains(t, seen, k.Kind, "%s is registered twice", k.Kind)
		seen = append(seen, k.Kind)
		assert.NotNil(t, k.Reads, k.Kind)
		assert.NotNil(t, k.Diff, k.Kind)
	}
}

// Every provider type the manifest accepts has its plan part.
func TestEveryProviderTypeHasADiff(t *testing.T) {
	for _, name := range manifest.ProviderTypeNames() {
		assert.NotNil(t, providerTypes[name], name)
	}
	assert.Len(t, providerTypes, len(manifest.ProviderTypeNames()))
}

// What a plan reads depends on the kinds and provider types declared, not
// on how many entries there are.
func TestReadsForDependsOnKindsNotSize(t *testing.T) {
	one := load(t, "version: 1\nproviders:\n  - {name: a, type: saml, acs_url: 'https://sp/acs'}\n")
	many := load(t, "version: 1\nproviders:\n  - {name: a, type: saml, acs_url: 'https://sp/acs'}\n  - {name: b, type: saml, acs_url: 'https://sp/acs'}\n  - {name: c, type: saml, acs_url: 'https://sp/acs'}\n")
	assert.Equal(t, ReadsFor(one), ReadsFor(many))
	r := ReadsFor(one)
	assert.Equal(t, []string{"saml"}, r.ProviderTypes)
	assert.True(t, slices.Contains(r.Kinds, KindSAMLMapping))
	assert.False(t, slices.Contains(r.Kinds, KindScopeMapping), "a SAML-only manifest needs no scope mappings")

	ldap := ReadsFor(load(t, "version: 1\nproviders:\n  - {name: l, type: ldap}\noutposts:\n  - {name: o, type: ldap, providers: [l]}\n"))
	assert.Equal(t, []string{"ldap"}, ldap.ProviderTypes)
	require.True(t, slices.Contains(ldap.Kinds, KindOutpost))
}
