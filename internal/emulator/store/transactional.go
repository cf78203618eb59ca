package store

import "slices"

// TxnSnapshot is what the create handlers change: the lists they append
// to, and the backchannel links an application create may move.
type TxnSnapshot struct {
	Apps        []*Application
	Providers   []*Provider
	Bindings    []*Binding
	Backchannel map[*Provider]string
}

func (s *State) TxnSnapshot() TxnSnapshot {
	bc := make(map[*Provider]string, len(s.Providers))
	for _, p := range s.Providers {
		bc[p] = p.BackchannelApp
	}
	return TxnSnapshot{Apps: slices.Clone(s.Apps), Providers: slices.Clone(s.Providers),
		Bindings: slices.Clone(s.Bindings), Backchannel: bc}
}

// Rollback restores the lists; sequence counters (nextProviderPK) stay
// advanced, as Postgres sequences do across a rollback.
func (s *State) Rollback(t TxnSnapshot) {
	s.Apps, s.Providers, s.Bindings = t.Apps, t.Providers, t.Bindings
	for p, app := range t.Backchannel {
		p.BackchannelApp = app
	}
}
