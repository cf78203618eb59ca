// Package emulator is an in-memory authentik: the subset of the REST API
// (/api/v3/...) and OIDC discovery that provision uses, behaving like
// authentik 2026.2. It is an http.Handler, safe for concurrent use.
package emulator

import (
	"time"

	"github.com/provision/provision/internal/clock"
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

// FaultKind says how an injected fault breaks a response.
type FaultKind int

const (
	// FaultStatus answers with Fault.Status and a JSON {"detail": ...} body, without handling the request.
	FaultStatus FaultKind = iota + 1
	// FaultDrop closes the connection without any response (the request is not handled).
	FaultDrop
	// FaultTruncate handles the request, then sends only the first half of the body.
	FaultTruncate
)

// Fault is an injected failure. A request matches when Method (if set) equals
// its method and its path starts with PathPrefix (if set). Among matching
// requests the fault fires on the Nth one (1-based, if Nth > 0), on every
// Every-th one (if Every > 0), or with Probability (0..1, drawn from the
// seeded source); Times > 0 limits how often it fires in total.
type Fault struct {
	Method      string
	PathPrefix  string
	Kind        FaultKind
	Status      int
	Nth         int
	Every       int
	Probability float64
	Times       int
}
