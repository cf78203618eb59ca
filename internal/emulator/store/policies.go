package store

import (
	"slices"
	"strings"
)

type Policy struct {
	PK    string // policy_uuid
	Type  string // the policyTypes key
	Attrs map[string]any
}

func (s *State) PolicyByPK(pk string) *Policy {
	for _, p := range s.Policies {
		if strings.EqualFold(p.PK, pk) {
			return p
		}
	}
	return nil
}

func (s *State) PolicyRef(pk string) string {
	if p := s.PolicyByPK(pk); p != nil {
		return p.PK
	}
	return ""
}

// DeletePolicy removes a policy with its cascades: its bindings go
// (PolicyBinding.policy CASCADE), prompt stages drop it.
func (s *State) DeletePolicy(p *Policy) {
	s.Bindings = slices.DeleteFunc(s.Bindings, func(b *Binding) bool {
		pk, ok := b.Attrs["policy"].(string)
		return ok && strings.EqualFold(pk, p.PK)
	})
	s.Policies = slices.DeleteFunc(s.Policies, func(o *Policy) bool { return o == p })
	s.ClearStageRefs("policy", p.PK)
}
