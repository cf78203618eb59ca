package emulator

import (
	"net/http"
	"time"

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator/chaos"
)

// Options configure a new Emulator. The zero value is usable: it accepts
// the token "test-token" and adds no latency.
type Options struct {
	// Token is the API token (intent "api") accepted as "Authorization: Bearer <Token>".
	// Empty means "test-token".
	Token string
	// Latency is added to every request before it is handled.
	Latency time.Duration
	// Clock is what the latency waits on; nil is the system's. Tests pass
	// a fake to count the waits instead of timing requests.
	Clock clock.Clock
	// Seed makes the scrambled order of many-to-many lists and generated
	// secrets deterministic. Zero picks 1.
	Seed int64
}

// RequestRecord is one handled request, as kept in the request log.
type RequestRecord struct {
	Method   string
	Path     string // URL path without the query
	Query    string // raw query
	Status   int
	Duration time.Duration
}

// FaultKind says how an injected fault breaks a response (chaos.FaultKind).
type FaultKind = chaos.FaultKind

// The FaultKinds (see chaos.FaultKind).
const (
	FaultStatus   = chaos.FaultStatus
	FaultDrop     = chaos.FaultDrop
	FaultTruncate = chaos.FaultTruncate
)

// Fault is an injected failure (chaos.Fault).
type Fault = chaos.Fault

// ChaosFault, ChaosOptions and ChaosHandler are the chaos middleware's
// (chaos.Kind, chaos.Options, chaos.Handler); Chaos is chaos.New.
type (
	ChaosFault   = chaos.Kind
	ChaosOptions = chaos.Options
	ChaosHandler = chaos.Handler
)

// The ChaosFaults (see chaos.Kind).
const (
	ChaosStatusBefore = chaos.StatusBefore
	ChaosResetBefore  = chaos.ResetBefore
	ChaosResetAfter   = chaos.ResetAfter
	ChaosStatusAfter  = chaos.StatusAfter
)

// NoFaultHeader exempts a request from chaos (chaos.NoFaultHeader).
const NoFaultHeader = chaos.NoFaultHeader

// Chaos wraps next (normally an Emulator) in the chaos middleware; see chaos.New.
func Chaos(next http.Handler, opts ChaosOptions) *ChaosHandler { return chaos.New(next, opts) }

// InjectFault adds a fault; several may be active, the first that fires wins.
func (e *Emulator) InjectFault(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults.Add(f)
}

// ClearFaults removes every injected fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults.Clear()
}

// pickFault counts the request against every matching fault and returns the
// one that fires, if any.
func (e *Emulator) pickFault(method, path string) *Fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults.Pick(method, path, e.rnd)
}
