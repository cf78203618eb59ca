package store

import "strings"

// Policy bindings, as authentik/policies/api/bindings.py
// (PolicyBindingSerializer, PolicyBindingViewSet, PolicyBindingFilter) on
// authentik/policies/models.py (PolicyBinding). target is read outside the
// field table (readBase): it accepts any PolicyBindingModel and renders as
// the subclass's pk (PolicyBindingModelForeignKey). The other fields live
// in Attrs.
type Binding struct {
	PK     string
	Target string // pbm uuid of an application, a flow or a flow-stage binding
	Attrs  map[string]any
}

// TargetRef resolves a binding target: an application pk, or a flow's pk or
// policybindingmodel_ptr_id. It returns the canonical pbm uuid.
func (s *State) TargetRef(pk string) string {
	if a := s.AppByPK(pk); a != nil {
		return a.PK
	}
	if x := s.SourceByPK(pk); x != nil {
		return x.PK // a source's pk is its pbm_uuid
	}
	if x := s.EntitlementByPK(pk); x != nil {
		return x.PK // an entitlement's pk is its pbm_uuid
	}
	if x := s.RACEndpointByPK(pk); x != nil {
		return x.PK // so is a RAC endpoint's
	}
	if x := s.RuleByPK(pk); x != nil {
		return x.PK // and a notification rule's
	}
	for _, f := range s.Flows {
		if strings.EqualFold(f.PK, pk) || strings.EqualFold(f.PBMUUID, pk) {
			return f.PBMUUID
		}
	}
	for _, b := range s.FlowBindings {
		if strings.EqualFold(b.PK, pk) || strings.EqualFold(b.PBMUUID, pk) {
			return b.PBMUUID
		}
	}
	return ""
}

// TargetRepr is PolicyBindingModelForeignKey.to_representation
// (authentik/policies/api/bindings.py): the pk of the subclass, so a flow
// target shows its flow_uuid, not its policybindingmodel_ptr_id.
func (s *State) TargetRepr(pbm string) string {
	for _, f := range s.Flows {
		if strings.EqualFold(f.PBMUUID, pbm) {
			return f.PK
		}
	}
	for _, b := range s.FlowBindings {
		if strings.EqualFold(b.PBMUUID, pbm) {
			return b.PK
		}
	}
	return pbm
}

// PbmRef resolves a filter value against PolicyBindingModel's own pk
// (pbm_uuid): an application pk or a flow's policybindingmodel_ptr_id. The
// target/target_in filters are model choice filters on that pk, so a
// flow_uuid is not a valid choice there.
func (s *State) PbmRef(pk string) string {
	if a := s.AppByPK(pk); a != nil {
		return a.PK
	}
	if x := s.SourceByPK(pk); x != nil {
		return x.PK
	}
	if x := s.EntitlementByPK(pk); x != nil {
		return x.PK
	}
	if x := s.RACEndpointByPK(pk); x != nil {
		return x.PK
	}
	if x := s.RuleByPK(pk); x != nil {
		return x.PK
	}
	for _, f := range s.Flows {
		if strings.EqualFold(f.PBMUUID, pk) {
			return f.PBMUUID
		}
	}
	for _, b := range s.FlowBindings {
		if strings.EqualFold(b.PBMUUID, pk) {
			return b.PBMUUID
		}
	}
	return ""
}

func (s *State) deleteBindingsFor(target string) {
	out := s.Bindings[:0]
	for _, b := range s.Bindings {
		if !strings.EqualFold(b.Target, target) {
			out = append(out, b)
		}
	}
	s.Bindings = out
}

// DeleteBinding removes one binding.
func (s *State) DeleteBinding(b *Binding) {
	out := s.Bindings[:0]
	for _, x := range s.Bindings {
		if x != b {
			out = append(out, x)
		}
	}
	s.Bindings = out
}
