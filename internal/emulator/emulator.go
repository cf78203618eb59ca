package emulator

import (
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator/chaos"
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/protocol"
	"github.com/provision/provision/internal/emulator/store"
)

// Emulator is an in-memory authentik 2026.2. Create it with New; use it as an
// http.Handler. All methods are safe for concurrent use.
type Emulator struct {
	token string
	seed  int64

	mu         sync.Mutex // guards everything below
	rnd        *rand.Rand
	latency    time.Duration
	faults     chaos.Faults
	log        []RequestRecord
	logger     func(RequestRecord)
	overrides  map[string]map[string]map[string]any // kind -> key -> field -> value
	userTokens map[string]int32                     // extra API tokens -> user pk
	st         *store.State
	views      *protocol.Views // the OIDC endpoints and setup_urls (protocol/)
	icons      *iconURLs       // meta_icon_url (icon.go)
	clock      clock.Clock     // the latency's waits
	enterprise bool            // Options.Enterprise

	routesOnce sync.Once
	routeTable []route // routes(): built once, never changed
}

// New returns an emulator seeded like a freshly installed authentik.
func New(opts Options) *Emulator {
	e := &Emulator{
		token:      opts.Token,
		seed:       opts.Seed,
		latency:    opts.Latency,
		clock:      opts.Clock,
		enterprise: opts.Enterprise,
		overrides:  map[string]map[string]map[string]any{},
		userTokens: map[string]int32{},
		icons:      newIconURLs(),
	}
	if e.token == "" {
		e.token = "test-token"
	}
	if e.clock == nil {
		e.clock = clock.System()
	}
	if e.seed == 0 {
		e.seed = 1
	}
	e.rnd = rand.New(rand.NewSource(e.seed))
	e.st = &store.State{NextProviderPK: 1, NextGroupNumPK: 1, NextUserPK: 1, StageRefFields: stageRefFields,
		StageCascades: stageCascadeFields}
	e.views = protocol.New(e.st)
	e.seedDefaults()
	e.seedOtherMappings()
	e.seedSources()
	return e
}

// enterpriseRequired is EnterpriseRequiredMixin.validate
// (authentik/enterprise/api.py): without a valid license, a serializer
// using it refuses every create and update.
func (e *Emulator) enterpriseRequired() *httpapi.Resp {
	if e.enterprise {
		return nil
	}
	r := httpapi.NonFieldError("Enterprise is required to create/update this object.")
	return &r
}

// Token is the API token the emulator accepts.
func (e *Emulator) Token() string { return e.token }

// SetLatency changes the delay added before every request.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latency = d
}

// AdminUserPK is the pk of the akadmin user (the token's user).
func (e *Emulator) AdminUserPK() int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.AdminPK
}

// AddUser creates a plain (non-superuser) internal user and returns its pk.
func (e *Emulator) AddUser(username string) int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addUser(username, username).PK
}

// AppPK returns the pk (uuid) of the application with this slug, or "".
func (e *Emulator) AppPK(slug string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if a := e.st.AppBySlug(slug); a != nil {
		return a.PK
	}
	return ""
}

// ProviderPK returns the pk of the provider with this name, or 0.
func (e *Emulator) ProviderPK(name string) int32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.st.Providers {
		if p.Name == name {
			return p.PK
		}
	}
	return 0
}

// FlowPK returns the pk of the flow with this slug, or "".
func (e *Emulator) FlowPK(slug string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f := e.st.FlowBySlug(slug); f != nil {
		return f.PK
	}
	return ""
}

// GroupPK returns the pk of the group with this name, or "".
func (e *Emulator) GroupPK(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range e.st.Groups {
		if g.Name() == name {
			return g.PK
		}
	}
	return ""
}

// DeleteFlow deletes a flow by slug with authentik's cascades (providers
// using it as authorization flow are deleted; invalidation/authentication
// references are set to null). It reports whether the flow existed.
func (e *Emulator) DeleteFlow(slug string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.st.FlowBySlug(slug)
	if f == nil {
		return false
	}
	e.st.DeleteFlow(f)
	return true
}

// Counts returns the number of stored objects per kind, for assertions.
func (e *Emulator) Counts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return map[string]int{
		"application": len(e.st.Apps), "provider": len(e.st.Providers), "outpost": len(e.st.Outposts),
		"flow": len(e.st.Flows), "scopemapping": len(e.st.Mappings), "certificatekeypair": len(e.st.Keypairs),
		"group": len(e.st.Groups), "user": len(e.st.Users), "binding": len(e.st.Bindings),
		"samlpropertymapping": len(e.st.SAMLMappings), "stage": len(e.st.Stages), "prompt": len(e.st.Prompts),
		"flowstagebinding": len(e.st.FlowBindings), "policy": len(e.st.Policies),
	}
}

var overrideKinds = map[string]bool{
	"application": true, "oauth2provider": true, "proxyprovider": true, "outpost": true,
	"group": true, "flow": true, "scopemapping": true, "certificatekeypair": true,
	"samlprovider": true, "ldapprovider": true, "samlpropertymapping": true, "prompt": true,
}

func init() {
	for _, t := range stageTypes {
		overrideKinds[strings.ToLower(t.model)] = true // e.g. "identificationstage", keyed by name
	}
}

// OverrideField makes every response that renders the object of this kind
// with this key (application and flow: slug; others: name) carry field=value,
// replacing or adding the field. It simulates a newer server (unknown enum
// values, extra fields) and so deliberately breaks the schema contract.
func (e *Emulator) OverrideField(kind, key, field string, value any) error {
	if !overrideKinds[kind] {
		return fmt.Errorf("override field %q: unknown kind %q", field, kind)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.overrides[kind] == nil {
		e.overrides[kind] = map[string]map[string]any{}
	}
	if e.overrides[kind][key] == nil {
		e.overrides[kind][key] = map[string]any{}
	}
	e.overrides[kind][key][field] = value
	return nil
}

// applyOverrides patches a rendered object. Called with e.mu held.
func (e *Emulator) applyOverrides(kind, key string, m map[string]any) {
	for f, v := range e.overrides[kind][key] {
		m[f] = v
	}
}

// SetRequestLogger registers a function called after each request.
func (e *Emulator) SetRequestLogger(fn func(RequestRecord)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logger = fn
}

var _ http.Handler = (*Emulator)(nil)
