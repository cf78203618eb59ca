package plan

import "github.com/provision/provision/internal/manifest"

// Policy bindings are descriptor children (internal/kinds/policies.go);
// what they need of hand-written kinds is here: the group bindings of an
// application that access.groups manages.

func init() {
	childClaims[string(KindApplication)] = accessClaims
}

// accessClaims reports whether a live binding on an application is one
// access.groups manages: a group binding, when the application declares
// access, of a group its policies: does not name.
func accessClaims(c *computer, parent *manifest.Entry, o *Object) bool {
	var a *manifest.Application
	for i := range c.m.Applications {
		if c.m.Applications[i].Slug == parent.Key {
			a = &c.m.Applications[i]
		}
	}
	if a == nil || a.Access == nil || str(o.Fields["group"]) == "" {
		return false
	}
	return !policyGroups(parent)[c.keyOfPK(string(KindGroup), str(o.Fields["group"]))]
}

// policyGroups are the groups an entry's policies: bind.
func policyGroups(e *manifest.Entry) map[string]bool {
	out := map[string]bool{}
	if e == nil {
		return out
	}
	for _, b := range e.Children["policies"] {
		if g, ok := b.Fields["group"].(string); ok {
			out[g] = true
		}
	}
	return out
}
