package store

import (
	"slices"
	"strings"
)

// Notification transports and rules (authentik/events/models.py
// NotificationTransport, NotificationRule; emulator/events.go serves
// them). A rule is a PolicyBindingModel: its PK is its pbm_uuid.

// TransportByPK finds a notification transport by its uuid.
func (s *State) TransportByPK(pk string) *Object {
	for _, x := range s.Transports {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

// RuleByPK finds a notification rule by its pbm_uuid.
func (s *State) RuleByPK(pk string) *Object {
	for _, x := range s.Rules {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

// DeleteTransport removes a transport and drops it from every rule's
// transports (a many-to-many: its rows go).
func (s *State) DeleteTransport(x *Object) {
	for _, r := range s.Rules {
		if l, ok := r.Attrs["transports"].([]string); ok {
			r.Attrs["transports"] = RemoveStr(l, x.PK)
		}
	}
	s.Transports = slices.DeleteFunc(s.Transports, func(o *Object) bool { return o == x })
}

// DeleteRule removes a rule and the bindings on it (a
// PolicyBindingModel: its bindings cascade).
func (s *State) DeleteRule(x *Object) {
	s.deleteBindingsFor(x.PK)
	s.Rules = slices.DeleteFunc(s.Rules, func(o *Object) bool { return o == x })
}

// rulesDropGroup nulls the destination_group of the rules naming a deleted
// group (NotificationRule.destination_group: on_delete=SET_NULL).
func (s *State) rulesDropGroup(pk string) {
	for _, r := range s.Rules {
		if g, ok := r.Attrs["destination_group"].(string); ok && strings.EqualFold(g, pk) {
			r.Attrs["destination_group"] = nil
		}
	}
}

// transportsDropMapping nulls the webhook mappings naming a deleted
// mapping (NotificationTransport.webhook_mapping_body and
// webhook_mapping_headers: on_delete=SET_DEFAULT, default None).
func (s *State) transportsDropMapping(pk string) {
	for _, t := range s.Transports {
		for _, f := range []string{"webhook_mapping_body", "webhook_mapping_headers"} {
			if m, ok := t.Attrs[f].(string); ok && strings.EqualFold(m, pk) {
				t.Attrs[f] = nil
			}
		}
	}
}
