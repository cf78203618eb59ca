package store

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// EntitlementByPK finds an application entitlement by its pbm_uuid.
func (s *State) EntitlementByPK(pk string) *Object {
	for _, x := range s.Entitlements {
		if strings.EqualFold(x.PK, pk) {
			return x
		}
	}
	return nil
}

// DeleteEntitlement removes an entitlement and the bindings on it (a
// PolicyBindingModel: its bindings cascade).
func (s *State) DeleteEntitlement(x *Object) {
	s.deleteBindingsFor(x.PK)
	s.Entitlements = slices.DeleteFunc(s.Entitlements, func(o *Object) bool { return o == x })
}

// deleteEntitlementsOf removes an application's entitlements
// (ApplicationEntitlement.app: on_delete=CASCADE).
func (s *State) deleteEntitlementsOf(app string) {
	for _, x := range slices.Clone(s.Entitlements) {
		if strings.EqualFold(httpapi.FmtVal(x.Attrs["app"]), app) {
			s.DeleteEntitlement(x)
		}
	}
}
