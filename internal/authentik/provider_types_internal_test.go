package authentik

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

// Each provider type's write is found by its spec's type and reads the
// spec's fields as its own: providerTypeIOs is keyed as the specs name
// their types, so detailOf's mismatch error cannot happen.
func TestEachProviderTypeWriteTakesItsOwnSpec(t *testing.T) {
	t.Parallel()
	specs := []plan.ProviderTypeSpec{&plan.OAuth2Spec{}, &plan.ProxySpec{}, &plan.SAMLSpec{}, &plan.LDAPSpec{}}
	require.Len(t, providerTypeIOs, len(specs))
	ch := &plan.Change{Kind: plan.KindProvider, Key: "p"}
	for _, d := range specs {
		s := &plan.ProviderSpec{Name: "p", Detail: d}
		_, ok := providerTypeIOs[s.Type()]
		require.True(t, ok, "no write for %s", s.Type())
		var err error
		switch s.Type() {
		case "oauth2":
			_, err = detailOf[plan.OAuth2Spec](ch, s)
		case "proxy":
			_, err = detailOf[plan.ProxySpec](ch, s)
		case "saml":
			_, err = detailOf[plan.SAMLSpec](ch, s)
		case "ldap":
			_, err = detailOf[plan.LDAPSpec](ch, s)
		}
		assert.NoError(t, err, s.Type())
	}
	_, err := detailOf[plan.SAMLSpec](ch, &plan.ProviderSpec{Name: "p", Detail: &plan.LDAPSpec{}})
	assert.ErrorContains(t, err, "the plan carries ldap provider fields, not saml ones")
}
