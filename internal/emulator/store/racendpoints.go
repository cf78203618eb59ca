package store

import (
	"slices"
	"strings"
)

// RACEndpointByPK finds a RAC endpoint by its pk (its pbm_uuid).
func (s *State) RACEndpointByPK(pk string) *Object {
	for _, x := range s.RACEndpoints {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

// DeleteRACEndpoint removes an endpoint and the bindings on it.
func (s *State) DeleteRACEndpoint(x *Object) {
	s.deleteBindingsFor(x.PK)
	s.RACEndpoints = slices.DeleteFunc(s.RACEndpoints, func(o *Object) bool { return o == x })
}

// deleteEndpointsOf removes a RAC provider's endpoints (Endpoint.provider:
// on_delete=CASCADE).
func (s *State) deleteEndpointsOf(provider int32) {
	for _, x := range slices.Clone(s.RACEndpoints) {
		if n, ok := x.Attrs["provider"].(int64); ok && int32(n) == provider {
			s.DeleteRACEndpoint(x)
		}
	}
}
