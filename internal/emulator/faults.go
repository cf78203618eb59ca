package emulator

import (
	"strings"
)

// faultState is an injected Fault with its counters.
type faultState struct {
	Fault
	seen  int // matching requests so far
	fired int
}

// InjectFault adds a fault; several may be active, the first that fires wins.
func (e *Emulator) InjectFault(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultState{Fault: f})
}

// ClearFaults removes every injected fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// pickFault counts the request against every matching fault and returns the
// one that fires, if any.
func (e *Emulator) pickFault(method, path string) *Fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	var hit *Fault
	for _, f := range e.faults {
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
			fire = e.rnd.Float64() < f.Probability
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
