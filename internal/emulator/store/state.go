package store

// State is the object store. Every access happens under Emulator.mu.
type State struct {
	Apps         []*Application
	Providers    []*Provider
	Outposts     []*Outpost
	Flows        []*Flow
	Mappings     []*Object // scope mappings (emulator/mappings.go)
	SAMLMappings []*Object
	// OtherMappings are the seeded mappings of types not served (emulator/seed_mappings.go).
	OtherMappings []*OtherMapping
	Keypairs      []*Keypair
	Groups        []*Group
	Users         []*User
	Bindings      []*Binding
	Blueprints    []*Object // blueprint instances (emulator/blueprints.go)
	Stages        []*Stage  // every stage type (emulator/stages.go)
	Policies      []*Policy // every policy type (emulator/policies.go)
	Prompts       []*Object // prompt fields (emulator/prompts.go)
	FlowBindings  []*FlowStageBinding
	Sources       []*Source   // every source type (emulator/sources.go)
	Roles         []*Role     // RBAC roles (emulator/identity.go)
	Tokens        []*APIToken // tokens made through the API (emulator/identity.go)
	NextObjPerm   int         // the last RoleObjectPermission id (emulator/objectperms.go)
	// AllPerms are users holding every permission (AddUserToken's).
	AllPerms map[int32]bool
	Brands   []*Object // brands.go
	// Entitlements are application entitlements (emulator/entitlements.go):
	// PK is the pbm_uuid; Attrs name, app, attributes.
	Entitlements []*Object
	// ServiceConnections are outpost service connections, every type
	// (emulator/serviceconnections.go).
	ServiceConnections []*ServiceConnection
	// RACEndpoints are RAC providers' endpoints (emulator/radius_scim_rac.go).
	RACEndpoints []*Object
	// Transports and Rules are notification transports and rules
	// (emulator/events.go): PK is the uuid (a rule's, its pbm_uuid).
	Transports []*Object
	Rules      []*Object
	// Settings are the system settings (emulator/settings.go): the
	// tenant's SettingsSerializer fields, nil until first read or written.
	Settings map[string]any
	// InitialPerms are RBAC initial permissions
	// (emulator/initialperms.go): PK is the integer id, Attrs name, role
	// (the role's uuid) and permissions (permission ids); InitialPermsSeq
	// is the last id given (a sequence: ids are never reused).
	InitialPerms    []*Object
	InitialPermsSeq int

	// StageRefFields names a stage type's fields that reference kind ref
	// (clearStageRefs's cascade); the stage kinds' tables answer it.
	StageRefFields func(stageType, ref string) []string
	// StageCascades names those of them whose referent's delete deletes
	// the stage (on_delete=CASCADE: a source stage's source).
	StageCascades func(stageType, ref string) []string

	Idx *ReadIndex // lookups during a read-only request (emulator/index.go); nil otherwise

	NextProviderPK int32
	NextGroupNumPK int32
	NextUserPK     int32
	AdminPK        int32
}
