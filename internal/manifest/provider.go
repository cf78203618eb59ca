package manifest

// Provider is one authentik provider. The fields every type has come first;
// each type's own fields are an inline struct, so the YAML stays flat
// (authentik's API names) while the Go model says which type owns which
// field. Pointer fields are optional: nil means "not declared", and the
// tool then leaves the live value alone unless it owns a default for it
// (see the type's Defaults).
type Provider struct {
	Name  string `yaml:"name"`
	Type  string `yaml:"type"`
	State State  `yaml:"state"`
	// Protect refuses a destroy of the provider (moved.go).
	Protect bool `yaml:"protect"`

	AuthorizationFlow  *string `yaml:"authorization_flow"`
	InvalidationFlow   *string `yaml:"invalidation_flow"`
	AuthenticationFlow *string `yaml:"authentication_flow"`

	OAuth2Base   `yaml:",inline"`
	OAuth2Fields `yaml:",inline"`
	ProxyFields  `yaml:",inline"`
	SAMLFields   `yaml:",inline"`
	LDAPFields   `yaml:",inline"`
	TLSFields    `yaml:",inline"`

	Src Source `yaml:"-"`
}

// TLSFields are the fields of the providers an outpost serves over TLS
// (proxy and LDAP).
type TLSFields struct {
	// Certificate names the key pair (a certificate by name) the outpost
	// serves TLS with: LDAPS for an LDAP provider, HTTPS for a proxy one.
	// null clears it; omitted, the live value is left alone.
	Certificate *string `yaml:"certificate"`
}

// ProviderType describes one provider type: the fields it accepts, its
// defaults, its offline checks and which outpost type serves it. One file
// per type (provider_<type>.go) defines it; providerTypes lists them.
type ProviderType struct {
	// Name is the manifest's type value, e.g. "saml".
	Name string
	// Label is how messages name the type, e.g. "SAML".
	Label string
	// Fields are the inline structs of Provider whose keys this type takes.
	Fields []any
	// Outpost is the outpost type that serves providers of this type; ""
	// when authentik serves them itself (OAuth2, SAML).
	Outpost string
	// Defaults fills in what authentik's wizard would, for undeclared fields.
	Defaults func(p *Provider)
	// Validate adds the type's own offline checks.
	Validate func(ds *Diagnostics, p *Provider)
}

// providerTypes is the registry of provider types, in the order messages list them.
var providerTypes = []*ProviderType{oauth2Type, proxyType, samlType, ldapType}

// ProviderTypeOf returns the descriptor of a type name, or nil.
func ProviderTypeOf(name string) *ProviderType {
	for _, t := range providerTypes {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// ProviderTypeNames lists the supported provider types.
func ProviderTypeNames() []string {
	out := make([]string, len(providerTypes))
	for i, t := range providerTypes {
		out[i] = t.Name
	}
	return out
}

// WithDefaults returns the provider with the tool-owned defaults filled in
// for fields the manifest left out: what authentik's UI wizard produces.
func (p Provider) WithDefaults() Provider {
	t := ProviderTypeOf(p.Type)
	if t == nil {
		return p
	}
	// Copy the slices the defaults may fill, so the manifest is untouched.
	t.Defaults(&p)
	return p
}

// OwnsSigningKey reports whether an OAuth2 provider's signing key is
// managed: declared (a name, or null for HS256) or defaulted.
func (p Provider) OwnsSigningKey() bool {
	return p.Type == TypeOAuth2 || p.Src.Has("signing_key")
}

// defaultFlows fills the wizard's authorization and invalidation flows.
func defaultFlows(p *Provider, authorization, invalidation string) {
	if p.AuthorizationFlow == nil {
		p.AuthorizationFlow = ptr(authorization)
	}
	if p.InvalidationFlow == nil {
		p.InvalidationFlow = ptr(invalidation)
	}
}
