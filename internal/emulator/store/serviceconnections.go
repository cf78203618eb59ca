package store

import (
	"slices"
	"strings"
)

// ServiceConnection is one outpost service connection
// (authentik/outposts/models.py OutpostServiceConnection and its
// subclasses): Kind is "docker" or "kubernetes"; Attrs the serializer's
// fields (name, local and the type's own).
type ServiceConnection struct {
	PK    string
	Kind  string
	Attrs map[string]any
}

// ServiceConnectionByPK finds a service connection of any type.
func (s *State) ServiceConnectionByPK(pk string) *ServiceConnection {
	for _, c := range s.ServiceConnections {
		if strings.EqualFold(c.PK, pk) {
			return c
		}
	}
	return nil
}

// DeleteServiceConnection removes a connection; outposts using it lose it
// (Outpost.service_connection: on_delete=SET_DEFAULT, default None).
func (s *State) DeleteServiceConnection(c *ServiceConnection) {
	for _, o := range s.Outposts {
		if sc, ok := o.Attrs["service_connection"].(string); ok && strings.EqualFold(sc, c.PK) {
			o.Attrs["service_connection"] = nil
		}
	}
	s.ServiceConnections = slices.DeleteFunc(s.ServiceConnections, func(x *ServiceConnection) bool { return x == c })
}
