package plan

// Specs say what the executor sends for a create or update: the values in
// API terms, references already resolved to pks where the referenced object
// exists, and by human key (resolved at apply time through IDs) where it may
// be created in the same run. A nil field is not sent.

// GroupSpec creates or updates a group. Members are never sent.
type GroupSpec struct {
	Name        string
	IsSuperuser *bool
	// Attributes is the whole attribute object to store (live attributes
	// merged with the declared keys); nil leaves them alone.
	Attributes map[string]any
}

// ProviderSpec creates or updates an OAuth2 or proxy provider.
type ProviderSpec struct {
	Type string
	Name string

	AuthorizationFlow  *string // flow uuid
	InvalidationFlow   *string
	AuthenticationFlow *string
	PropertyMappings   []string // scope mapping uuids; nil = not sent

	ClientType             *string
	ClientID               *string
	ClientSecret           *string
	RedirectURIs           []RedirectURI // nil = not sent
	SigningKey             *string       // key pair uuid; "" sends null
	SubMode                *string
	IssuerMode             *string
	IncludeClaimsInIDToken *bool
	AccessCodeValidity     *string
	AccessTokenValidity    *string
	RefreshTokenValidity   *string
	LogoutURI              *string
	LogoutMethod           *string

	ExternalHost              *string
	InternalHost              *string
	Mode                      *string
	InternalHostSSLValidation *bool
	SkipPathRegex             *string
	CookieDomain              *string
	InterceptHeaderAuth       *bool
}

// ApplicationSpec creates or updates an application.
type ApplicationSpec struct {
	Slug string
	Name *string
	// Provider is the provider's name, resolved through IDs at apply time;
	// nil = not sent, "" = no provider.
	Provider         *string
	MetaLaunchURL    *string
	MetaDescription  *string
	MetaPublisher    *string
	MetaIcon         *string
	Group            *string
	OpenInNewTab     *bool
	PolicyEngineMode *string
}

// AccessSpec adds and removes the group bindings of one application.
type AccessSpec struct {
	AppSlug string
	// AddGroups are group names to bind (resolved through IDs at apply time).
	AddGroups []string
	// RemoveBindings are the pks of group bindings to delete.
	RemoveBindings []string
	// FirstOrder is the order given to the first added binding.
	FirstOrder int32
}

// OutpostSpec creates an outpost or changes its providers. The change is
// applied to the providers attached when it runs (add, then remove), so
// providers others attached meanwhile are kept unless the outpost is
// exclusive.
type OutpostSpec struct {
	Name string
	Type string
	// AddProviders are provider names to attach.
	AddProviders []string
	// RemoveProviders are pks of providers to detach (exclusive outposts).
	RemoveProviders []int32
	// Config is the whole config to store (live config merged with the
	// declared keys); nil leaves it alone.
	Config map[string]any
}
