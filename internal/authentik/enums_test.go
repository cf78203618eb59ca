package authentik

import (
	"testing"

	api "goauthentik.io/api/v3"

	"github.com/stretchr/testify/assert"

	"github.com/provision/provision/internal/manifest"
)

// The manifest's offline checks accept exactly what the generated client
// lists for the request field it sends, field by field and in its order.
// The values come from internal/apischema (manifest's enumSources); this
// names each field's client type independently, so a source naming the
// wrong schema field fails here.
func TestManifestEnumsEqualClientEnums(t *testing.T) {
	t.Parallel()
	client := clientEnums()
	own := manifest.EnumValues()
	assert.ElementsMatch(t, keys(client), keys(own), "enum fields")
	for k, want := range client {
		assert.Equal(t, want, own[k], "allowed values of %s", k)
	}
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// clientEnums are the generated client's values for the request field
// each manifest enum field is sent as.
func clientEnums() map[string][]string {
	return map[string][]string{
		"client_type":         values(api.AllowedClientTypeEnumEnumValues),
		"sub_mode":            values(api.AllowedSubModeEnumEnumValues),
		"issuer_mode":         values(api.AllowedIssuerModeEnumEnumValues),
		"logout_method":       values(api.AllowedOAuth2ProviderLogoutMethodEnumEnumValues),
		"mode":                values(api.AllowedProxyModeEnumValues),
		"matching_mode":       values(api.AllowedMatchingModeEnumEnumValues),
		"policy_engine_mode":  values(api.AllowedPolicyEngineModeEnumValues),
		"outpost type":        values(api.AllowedOutpostTypeEnumEnumValues),
		"sp_binding":          values(api.AllowedSAMLBindingsEnumEnumValues),
		"search_mode":         values(api.AllowedLDAPAPIAccessModeEnumValues),
		"bind_mode":           values(api.AllowedLDAPAPIAccessModeEnumValues),
		"digest_algorithm":    values(api.AllowedDigestAlgorithmEnumEnumValues),
		"signature_algorithm": values(api.AllowedSignatureAlgorithmEnumEnumValues),
	}
}

func values[E ~string](in []E) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
