package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Deleting a certificate a provider signs with says so: authentik sets the
// provider's signing key to null.
func TestDeletingACertificateNamesTheProvidersUsingIt(t *testing.T) {
	l := freshLive()
	l.Put("certificate", Object{PK: "kp-1", Key: "corp-signing", Fields: map[string]any{"pk": "kp-1", "name": "corp-signing"}})
	l.Providers = append(l.Providers,
		Provider{PK: 21, Name: "chat", Type: "oauth2", Detail: &OAuth2Detail{SigningKey: "kp-1"}},
		Provider{PK: 22, Name: "wiki", Type: "saml", Detail: &SAMLDetail{VerificationKP: "KP-1"}},
		Provider{PK: 23, Name: "other", Type: "oauth2", Detail: &OAuth2Detail{SigningKey: "kp-2"}})
	p, err := Compute(load(t, "version: 1\ncertificates:\n  - {name: corp-signing, state: absent}\n"), l)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, []string{
		`used by provider "chat" as signing_key: authentik sets it to null`,
		`used by provider "wiki" as verification_kp: authentik sets it to null`,
	}, p.Changes[0].Notes)
}

// A provider's own fields are its type's: fields of another type are
// refused, never read as zero by the type's accessor (a SAML provider
// carrying OAuth2 fields would have an empty acs_url).
func TestAProviderWithAnotherTypesFieldsIsRefused(t *testing.T) {
	l := freshLive()
	l.Providers = append(l.Providers, Provider{PK: 21, Name: "wiki", Type: "saml", Detail: &OAuth2Detail{ClientID: "x"}})
	_, err := Compute(load(t, "version: 1\n"), l)
	require.Error(t, err)
	assert.Equal(t, `provider "wiki" is a saml provider, but the fields read for it are oauth2 fields`, err.Error())

	l.Providers[0].Detail = &SAMLDetail{ACSURL: "https://wiki/acs"}
	_, err = Compute(load(t, "version: 1\n"), l)
	require.NoError(t, err)
	assert.Equal(t, "https://wiki/acs", l.Providers[0].SAML().ACSURL)
	assert.Empty(t, l.Providers[0].OAuth2().ClientID, "a SAML provider has no OAuth2 fields")
}

// A provider write's type is its fields' type: the two cannot disagree.
func TestAProviderSpecsTypeIsItsFields(t *testing.T) {
	for want, d := range map[string]ProviderTypeSpec{"oauth2": &OAuth2Spec{}, "proxy": &ProxySpec{}, "saml": &SAMLSpec{}, "ldap": &LDAPSpec{}} {
		assert.Equal(t, want, (&ProviderSpec{Detail: d}).Type())
		_, known := providerTypes[want]
		assert.True(t, known, "%s is a provider type of the manifest", want)
	}
	assert.Empty(t, (&ProviderSpec{}).Type())
}
