package plan

import (
	"testing"

	"github.com/provision/provision/internal/manifest"

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
		Provider{PK: 23, Name: "other", Type: "oauth2", Detail: &OAuth2Detail{SigningKey: "kp-2"}},
		Provider{PK: 24, Name: "web", Type: "proxy", Detail: &ProxyDetail{Certificate: "kp-1"}},
		Provider{PK: 25, Name: "directory", Type: "ldap", Detail: &LDAPDetail{Certificate: "kp-1"}},
		Provider{PK: 26, Name: "plain", Type: "ldap", Detail: &LDAPDetail{}})
	p, err := Compute(load(t, "version: 1\ncertificates:\n  - {name: corp-signing, state: absent}\n"), l)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	assert.Equal(t, []string{
		`used by provider "chat" as signing_key: authentik sets it to null`,
		`used by provider "directory" as certificate: authentik sets it to null`,
		`used by provider "web" as certificate: authentik sets it to null`,
		`used by provider "wiki" as verification_kp: authentik sets it to null`,
	}, p.Changes[0].Notes)
}

// A plan deleting a certificate reads what may use it: every provider with
// its type's fields, and the brands (descriptor kinds naming certificates),
// so the notes above can name them. A stack plan does the same for a
// certificate its record holds and the manifest dropped, in a second round
// only then.
func TestDeletingACertificateReadsItsUsers(t *testing.T) {
	r := ReadsFor(load(t, "version: 1\ncertificates:\n  - {name: corp-signing, state: absent}\n"))
	assert.Subset(t, r.Kinds, []Kind{KindCertificate, KindProvider, "brand"})
	assert.Equal(t, []string{"ldap", "oauth2", "proxy", "saml"}, r.ProviderTypes)

	declared := ReadsFor(load(t, "version: 1\nstack: corp\ncertificates:\n  - {name: kept, generate: {common_name: kept.example.com}}\n"))
	assert.NotContains(t, declared.Kinds, Kind("brand"))
	assert.Empty(t, declared.ProviderTypes)
	l := &Live{Stacks: []StackRecord{{Stack: "corp", Objects: []Owned{{Kind: KindCertificate, Key: "kept", Created: true}}}}}
	assert.Empty(t, RecordReads(l, declared).Kinds, "nothing pruned: no second round")
	l.Stacks[0].Objects = append(l.Stacks[0].Objects, Owned{Kind: KindCertificate, Key: "dropped", Created: true})
	extra := RecordReads(l, declared)
	assert.Contains(t, extra.Kinds, Kind("brand"))
	assert.Contains(t, extra.Kinds, KindProvider)
	assert.Equal(t, []string{"ldap", "oauth2", "proxy", "saml"}, extra.ProviderTypes)
	assert.NotContains(t, extra.Kinds, KindCertificate, "read in the first round")
}

// A proxy or LDAP provider's certificate is a key pair by name: set,
// changed, cleared with null, left alone when not declared, and created
// first when the manifest declares it.
func TestProviderCertificate(t *testing.T) {
	const corp = "33333333-0000-0000-0000-0000000000c0"
	live := func(cert string) *Live {
		l := freshLive()
		l.KeyPairs = append(l.KeyPairs, KeyPair{PK: corp, Name: "corp-tls", PrivateKey: true})
		l.Providers = append(l.Providers,
			Provider{PK: 31, Name: "web", Type: "proxy", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate,
				Detail: &ProxyDetail{ExternalHost: "https://web.example.com", Mode: "forward_single", Certificate: cert}})
		return l
	}
	const web = "version: 1\nproviders:\n  - {name: web, type: proxy, external_host: https://web.example.com, mode: forward_single"
	cases := map[string]struct {
		manifest string
		live     string
		want     []FieldChange
		sent     *string
	}{
		"set":        {manifest: web + ", certificate: corp-tls}\n", want: []FieldChange{{Field: "certificate", Before: "(none)", After: "corp-tls"}}, sent: ptr(corp)},
		"kept":       {manifest: web + ", certificate: corp-tls}\n", live: corp},
		"cleared":    {manifest: web + ", certificate: null}\n", live: corp, want: []FieldChange{{Field: "certificate", Before: "corp-tls", After: "(none)"}}, sent: ptr("")},
		"not named":  {manifest: web + "}\n", live: corp},
		"other name": {manifest: web + ", certificate: " + manifest.DefaultSigningKey + "}\n", live: corp, want: []FieldChange{{Field: "certificate", Before: "corp-tls", After: manifest.DefaultSigningKey}}, sent: ptr(keySelfSigned)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Compute(load(t, tc.manifest), live(tc.live))
			require.NoError(t, err)
			if tc.want == nil {
				assert.Empty(t, p.Changes)
				return
			}
			require.Len(t, p.Changes, 1)
			assert.Equal(t, tc.want, p.Changes[0].Fields)
			assert.Equal(t, tc.sent, p.Changes[0].Spec.(*ProviderSpec).Detail.(*ProxySpec).Certificate)
		})
	}

	// An LDAP provider naming a certificate the same apply creates waits
	// for it, and apply sets its pk.
	m := load(t, "version: 1\ncertificates:\n  - {name: ldaps, generate: {common_name: ldap.example.com}}\n"+
		"providers:\n  - {name: directory, type: ldap, base_dn: 'DC=corp,DC=example', certificate: ldaps}\n")
	l := freshLive()
	l.Flows = append(l.Flows, Flow{PK: "f-bind", Slug: manifest.DefaultLDAPBindFlow}, Flow{PK: "f-unbind", Slug: manifest.DefaultLDAPUnbindFlow})
	p, err := Compute(m, l)
	require.NoError(t, err)
	var spec *ProviderSpec
	for _, ch := range p.Changes {
		if ch.Kind == KindProvider {
			spec = ch.Spec.(*ProviderSpec)
		}
	}
	require.NotNil(t, spec)
	assert.Equal(t, map[string]string{"certificate": "ldaps"}, spec.LaterKeys)
	assert.Contains(t, providerKind.Needs(&Change{Spec: spec}), Ref(KindCertificate, "ldaps"))
	require.True(t, spec.SetKeyPair("certificate", "kp-new"))
	assert.Equal(t, "kp-new", *spec.Detail.(*LDAPSpec).Certificate)
}

func ptr(s string) *string { return &s }

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
