package plan

import "time"

// Live is a snapshot of the authentik objects a manifest touches, as read
// from the API. Only what the manifest needs is filled in (see ReadsFor).
// Values are in API terms: pks, uuids, enum strings. It has one field per
// kind; the managed kinds' types are defined in their kind_*.go files.
type Live struct {
	Flows        []Flow
	KeyPairs     []KeyPair
	SAMLMappings []PropertyMapping
	// AnyMappings are the property mappings of every type (mapping_names.go).
	AnyMappings  []AnyMapping
	Providers    []Provider
	Applications []Application
	// ApplicationsPartial: the token's user is not a superuser, so
	// authentik listed only the applications that user may access
	// (superuser_full_list is ignored): a plan that manages applications
	// cannot tell which exist.
	ApplicationsPartial bool
	Bindings            []Binding
	Outposts            []Outpost
	// Objects are the descriptor kinds' objects (entries.go), by kind.
	Objects map[Kind][]Object
	// Now is when the snapshot was read (the zero time: unknown), for
	// plans' expiry warnings (kinds.Kind.Expires).
	Now time.Time
	// Stacks are the stacks' ownership records (ownership.go), read when
	// the manifest names a stack.
	Stacks []StackRecord
	// Unreadable lists objects the client could not decode (e.g. an enum
	// value newer than this build knows). They break the plan only when the
	// manifest touches them.
	Unreadable []Unreadable
	// Moves are the manifest's renames already made in this snapshot
	// (Moved): by Ref(kind, new key), the old key.
	Moves map[string]string
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

// KeyPair is a certificate-key pair (only read: referenced by name).
type KeyPair struct {
	PK         string
	Name       string
	PrivateKey bool
	KeyType    string // rsa, ec, ...; "" when unknown
}

// PropertyMapping is a property mapping only referenced by name (SAML).
type PropertyMapping struct {
	PK      string
	Name    string
	Managed string // "" when not managed
}

// Binding is a policy binding. Exactly one of Group, Policy, User is set.
type Binding struct {
	PK     string
	Target string
	Group  string
	Policy string
	User   int32
	Order  int32
	// Negate and Disabled change who passes a group binding (authentik's
	// policy engine counts only enabled bindings, negate inverts
	// membership); a manifest's access list cannot say either.
	Negate   bool
	Disabled bool
}

// Reference points at an object a spec needs: by pk when it existed at plan
// time, otherwise by kind and key, resolved through IDs when the change
// runs (the object is created earlier in the same apply).
type Reference struct {
	Kind Kind
	Key  string
	PK   string
}

// Known is a reference to an object that exists.
func Known(pk string) Reference { return Reference{PK: pk} }

// Later is a reference to an object created in the same apply.
func Later(kind Kind, key string) Reference { return Reference{Kind: kind, Key: key} }
