package authentik

import api "goauthentik.io/api/v3"

// ManifestEnums are the values authentik accepts for the manifest's enum
// fields, taken from the generated client's lists (so a client upgrade
// updates them), keyed as manifest.EnumValues keys them. The JSON Schema
// uses these; a test checks the manifest's own checks accept the same.
func ManifestEnums() map[string][]string {
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
