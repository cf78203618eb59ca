package plan

// Live is a snapshot of the authentik objects a manifest touches, as read
// from the API. Only the kinds the manifest needs are filled in (see
// KindsFor). Values are in API terms: pks, uuids, enum strings.
type Live struct {
	Flows         []Flow
	ScopeMappings []ScopeMapping
	KeyPairs      []KeyPair
	Groups        []Group
	Providers     []Provider
	Applications  []Application
	Bindings      []Binding
	Outposts      []Outpost
	// Unreadable lists objects the client could not decode (e.g. an enum
	// value newer than this build knows). They break the plan only when the
	// manifest touches them.
	Unreadable []Unreadable
}

// Unreadable is a live object whose JSON did not decode.
type Unreadable struct {
	Kind  Kind   // group, provider, application, outpost, flow, ...
	Key   string // its human key (name or slug), when it could be found
	Field string // the field that failed, when known
	Err   error
}

// Flow is a flow (only read: provision references flows by slug).
type Flow struct {
	PK          string // flow_uuid
	Slug        string
	Name        string
	Designation string
}

// ScopeMapping is an OAuth2 scope mapping.
type ScopeMapping struct {
	PK        string
	Name      string
	ScopeName string
	Managed   string // "" when not managed
}

// KeyPair is a certificate-key pair.
type KeyPair struct {
	PK         string
	Name       string
	PrivateKey bool
	KeyType    string // rsa, ec, ...; "" when unknown
}

// Group is a group. Members are never read or written.
type Group struct {
	PK          string
	Name        string
	IsSuperuser bool
	Attributes  map[string]any
}

// RedirectURI is one entry of a provider's redirect_uris.
type RedirectURI struct {
	MatchingMode string `json:"matching_mode"`
	URL          string `json:"url"`
}

// Provider is an OAuth2 or proxy provider. Type is "oauth2" or "proxy".
type Provider struct {
	PK                     int32
	Name                   string
	Type                   string
	AuthorizationFlow      string
	InvalidationFlow       string
	AuthenticationFlow     string // "" when null
	PropertyMappings       []string
	ClientType             string
	ClientID               string
	ClientSecret           string
	RedirectURIs           []RedirectURI
	SigningKey             string // "" when null
	SubMode                string
	IssuerMode             string
	IncludeClaimsInIDToken bool
	AccessCodeValidity     string
	AccessTokenValidity    string
	RefreshTokenValidity   string
	LogoutURI              string
	LogoutMethod           string
	// Proxy only.
	ExternalHost              string
	InternalHost              string
	Mode                      string
	InternalHostSSLValidation bool
	SkipPathRegex             string
	CookieDomain              string
	InterceptHeaderAuth       bool
}

// Application is an application. Provider is 0 when it has none.
type Application struct {
	PK               string
	Slug             string
	Name             string
	Provider         int32
	MetaLaunchURL    string
	MetaDescription  string
	MetaPublisher    string
	MetaIcon         string
	Group            string
	OpenInNewTab     bool
	PolicyEngineMode string
}

// Binding is a policy binding. Exactly one of Group, Policy, User is set.
type Binding struct {
	PK     string
	Target string
	Group  string
	Policy string
	User   int32
	Order  int32
}

// Outpost is an outpost.
type Outpost struct {
	PK        string
	Name      string
	Type      string
	Providers []int32
	Config    map[string]any
	Managed   string
}
