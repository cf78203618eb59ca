package chaos

import (
	"math/rand"
	"strings"
)

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

// faultState is an injected Fault with its counters.
type faultState struct {
	Fault
	seen  int // matching requests so far
	fired int
}

// Faults is the set of injected faults, each with its counters. The zero
// value has none. It is not safe for concurrent use: the emulator guards it.
type Faults struct {
	faults []*faultState
}

// Add adds a fault; several may be active, the first that fires wins.
func (s *Faults) Add(f Fault) { s.faults = append(s.faults, &faultState{Fault: f}) }

// Clear removes every injected fault.
func (s *Faults) Clear() { s.faults = nil }

// Pick counts the request against every matching fault and returns the
// one that fires, if any. Probabilities are drawn from rnd (the
// emulator's seeded source, so that a seed gives one sequence).
func (s *Faults) Pick(method, path string, rnd *rand.Rand) *Fault {
	var hit *Fault
	for _, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.PathPrefix != "" && !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		f.seen++
		if hit != nil || (f.Times > 0 && f.fired >= f.Times) {
			continue
		}
		fire := false
		switch {
		case f.Nth > 0:
			fire = f.seen == f.Nth
		case f.Every > 0:
			fire = f.seen%f.Every == 0
		case f.Probability > 0:
			fire = rnd.Float64() < f.Probability
		default:
			fire = true
		}
		if fire {
			f.fired++
			ff := f.Fault
			hit = &ff
		}
	}
	return hit
}
