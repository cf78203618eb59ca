package manifest

// Defaults the tool owns for an OAuth2 provider: what authentik's UI wizard
// produces. The API itself would give sub_mode hashed_user_id, no signing
// key (HS256) and no scope mappings, which is not what an admin clicking
// through the wizard gets.
const (
	DefaultAuthorizationFlow = "default-provider-authorization-implicit-consent"
	DefaultInvalidationFlow  = "default-provider-invalidation-flow"
	DefaultSigningKey        = "authentik Self-signed Certificate"
	DefaultClientType        = "confidential"
	EmbeddedOutpostName      = "authentik Embedded Outpost"
)

// DefaultScopes are the scopes an OAuth2 provider gets when none are declared.
var DefaultScopes = []string{"openid", "profile", "email"}

// DefaultGroups exist on every authentik and may be referenced undeclared.
var DefaultGroups = []string{"authentik Admins"}

// WithDefaults returns the provider with the tool-owned defaults filled in
// for fields the manifest left out. Proxy providers get the flows only:
// authentik overwrites their OAuth2 settings on every write.
func (p Provider) WithDefaults() Provider {
	if p.AuthorizationFlow == nil {
		p.AuthorizationFlow = ptr(DefaultAuthorizationFlow)
	}
	if p.InvalidationFlow == nil {
		p.InvalidationFlow = ptr(DefaultInvalidationFlow)
	}
	if p.Type != TypeOAuth2 {
		return p
	}
	if p.ClientType == nil {
		p.ClientType = ptr(DefaultClientType)
	}
	if p.SigningKey == nil && !p.Src.Has("signing_key") {
		p.SigningKey = ptr(DefaultSigningKey)
	}
	if p.Scopes == nil {
		p.Scopes = append([]string(nil), DefaultScopes...)
	}
	// redirect_uris has no default: undeclared, it is left alone (authentik
	// stores the first redirect it sees when the list is empty).
	return p
}

// OwnsSigningKey reports whether the signing key is managed: declared (a
// name, or null for HS256) or defaulted.
func (p Provider) OwnsSigningKey() bool {
	return p.Type == TypeOAuth2 || p.Src.Has("signing_key")
}

func ptr[T any](v T) *T { return &v }
