package plan

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

// The registry is the one kind order: each kind after the kinds it references.
func TestRegistryOrder(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	for _, name := range manifest.ProviderTypeNames() {
		assert.NotNil(t, providerTypes[name], name)
	}
	assert.Len(t, providerTypes, len(manifest.ProviderTypeNames()))
}

// What a plan reads depends on the kinds and provider types declared, not
// on how many entries there are.
func TestReadsForDependsOnKindsNotSize(t *testing.T) {
	t.Parallel()
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

// authentik deletes an application's backchannel providers with it
// (authentik/core/models.py: Provider.backchannel_application, CASCADE).
func TestDeletingAnApplicationShowsItsBackchannelProviders(t *testing.T) {
	t.Parallel()
	l := convergedLive()
	l.Providers = append(l.Providers, Provider{PK: 11, Name: "directory", Type: "ldap", TypeLabel: "LDAP Provider", Detail: &LDAPDetail{}})
	l.Applications[0].BackchannelProviders = []int32{11}
	p, err := Compute(load(t, "version: 1\napplications:\n  - {name: Chat, slug: chat, state: absent}\n"), l)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, []string{`authentik also deletes its backchannel provider "directory"`}, p.Changes[0].Notes)

	_, err = Compute(load(t, "version: 1\nproviders:\n  - {name: directory, type: ldap, bind_flow: default-provider-authorization-implicit-consent, unbind_flow: default-provider-invalidation-flow}\napplications:\n  - {name: Chat, slug: chat, state: absent}\n"), l)
	require.Error(t, err)
	assert.Equal(t, err.Error(), `m.yaml:5:30: deleting application "chat" also deletes its backchannel provider "directory" (authentik cascades the delete), which the manifest declares at m.yaml:3:5; detach the provider from the application in authentik first, or mark it state: absent too`)
}

// authentik trims text fields on save; a declared value with surrounding
// white space (a YAML block's final newline) is no diff against the trimmed
// live value, on any text field.
func TestTextFieldsCompareAsAuthentikStoresThem(t *testing.T) {
	t.Parallel()
	l := convergedLive()
	l.Applications[0].MetaDescription = "Chat with models"
	m := load(t, chatManifest+"    meta_description: |\n      Chat with models\n")
	p, err := Compute(m, l)
	require.NoError(t, err)
	assert.Empty(t, summary(p))

	l.Applications[0].MetaDescription = "old"
	p, err = Compute(m, l)
	require.NoError(t, err)
	require.Equal(t, []string{"update application chat | meta_description"}, summary(p))
	assert.Equal(t, "Chat with models", *p.Changes[0].Spec.(*ApplicationSpec).MetaDescription, "sent trimmed")
}

// A descriptor kind's reads depend on the kinds and types declared, never
// on how many entries there are.
func TestEntryReadsDependOnKindsNotSize(t *testing.T) {
	flows := func(n int) string {
		y := "version: 1\nstages:\n  - {name: s, type: deny}\nflows:\n"
		for i := range n {
			y += fmt.Sprintf("  - {slug: f%d, name: F, title: F, designation: authentication, stages: [{stage: s, order: 10}]}\n", i)
		}
		return y
	}
	one, many := ReadsFor(load(t, flows(1))), ReadsFor(load(t, flows(30)))
	assert.Equal(t, one, many)
	assert.Contains(t, one.Kinds, Kind("flow stage binding"))
	assert.Equal(t, []string{"stage/deny"}, one.Types, "only the declared stage type is read in full")
}
