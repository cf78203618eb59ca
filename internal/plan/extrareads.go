package plan

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// Extra fields read one object at a time (a role's permissions: two lists
// per role, authentik having no list of every role's): only for the
// entries that declare them, never for the live objects a plan leaves
// alone, so a plan's requests do not grow with the roles authentik has.
//
// A live object's extra fields are compared only when its entry declares
// them (entryFields); a prune or an absent entry deletes the object, whose
// permissions go with it, so neither needs them. export reads every
// object's (AllExtras).

// extraReads lists the present entries declaring an extra field read per
// object (neither set once, like a user's password, nor a secret read
// when declared, Reads.Secrets), as Ref(kind, key), with the old key of a
// moved one: the snapshot is read before the move renames it.
func extraReads(m *manifest.Manifest) Reads {
	var r Reads
	for _, e := range m.Entries {
		if e.State.IsAbsent() {
			continue
		}
		for _, fd := range e.Kind.Extra {
			if fd.Once || fd.ReadWhenDeclared || !e.Declares(fd.Name) {
				continue
			}
			r.Extras = append(r.Extras, Ref(Kind(e.Kind.Name), e.Key))
			for _, mv := range m.Moved {
				if mv.Kind == e.Kind.Name && mv.To == e.Key {
					r.Extras = append(r.Extras, Ref(Kind(e.Kind.Name), mv.From))
				}
			}
		}
	}
	slices.Sort(r.Extras)
	r.Extras = slices.Compact(r.Extras)
	return r
}

// ReadsExtra reports whether the API layer reads the extra fields of the
// object of kind with key.
func (r Reads) ReadsExtra(kind Kind, key string) bool {
	if r.AllExtras {
		return true
	}
	_, found := slices.BinarySearch(r.Extras, Ref(kind, key))
	return found
}

// ReadsExtras reports whether the API layer reads the extra fields of any
// object of kind (what they are checked against is read then too: the
// server's permissions).
func (r Reads) ReadsExtras(kind Kind) bool {
	if r.AllExtras {
		return true
	}
	prefix := Ref(kind, "")
	return slices.ContainsFunc(r.Extras, func(s string) bool { return strings.HasPrefix(s, prefix) })
}
