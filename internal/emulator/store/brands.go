package store

import (
	"slices"
	"strings"
)

// clearBrandRefs is the brands' on_delete for a deleted object: flows
// SET_NULL, default_application and web_certificate SET_DEFAULT (null),
// client_certificates (M2M) drop it.
func (s *State) clearBrandRefs(pk string) {
	for _, b := range s.Brands {
		for f, v := range b.Attrs {
			switch x := v.(type) {
			case string:
				if f != "domain" && strings.EqualFold(x, pk) {
					b.Attrs[f] = nil
				}
			case []string:
				b.Attrs[f] = slices.DeleteFunc(slices.Clone(x), func(y string) bool { return strings.EqualFold(y, pk) })
			}
		}
	}
}
