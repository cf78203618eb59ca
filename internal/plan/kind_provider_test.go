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
