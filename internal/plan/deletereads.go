package plan

import (
	"slices"
	"strings"

	"github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/manifest"
)

// A delete's plan names every live object whose references point at the
// deleted one (usedBy), which it can only do when those objects were
// read. A manifest that deletes an object of a kind (state: absent), or a
// stack record whose objects of a kind the manifest dropped, therefore
// reads the kind's referrers too: deleteReads.

// usedByReads are the reads that show the hand-written kinds' references
// to a kind's objects, by the kind referenced; registered with usedByHand
// by the referring kind's own file.
var usedByReads = map[Kind]Reads{}

// deleteReads are the reads that name every live object referencing an
// object of kind: the descriptor kinds with a field naming it (a family
// member's own list, where the field is), and usedByReads.
func deleteReads(kind string) Reads {
	r := usedByReads[Kind(kind)]
	for _, d := range kinds.All() {
		if !slices.ContainsFunc(d.Fields(), func(f kinds.Field) bool { return f.Ref == kind }) {
			continue
		}
		r = r.Add(Reads{Kinds: []Kind{Kind(d.Name)}})
		if d.Type != "" {
			r = r.Add(Reads{Types: []string{TypeRead(d)}})
		}
	}
	return r
}

// absentReads are the referrers of the objects the manifest's entries
// declare absent.
func absentReads(m *manifest.Manifest) Reads {
	var r Reads
	for _, e := range m.Entries {
		if e.State.IsAbsent() {
			r = r.Add(deleteReads(e.Kind.Name))
		}
	}
	return r
}

// presentEntries are the keys of the entries the manifest declares
// present, by kind (Reads.Present).
func presentEntries(m *manifest.Manifest) map[Kind][]string {
	out := map[Kind][]string{}
	for _, e := range m.Entries {
		if !e.State.IsAbsent() {
			out[Kind(e.Kind.Name)] = append(out[Kind(e.Kind.Name)], e.Key)
		}
	}
	return out
}

// without is r less what done reads already, for a second round of reads.
// A round reading a kind replaces what an earlier one read of it, so a
// family member's list not read yet reads the family again with every
// member list read before, and a provider type not read yet reads
// providers again with every type.
func (r Reads) without(done Reads) Reads {
	var out Reads
	for _, k := range r.Kinds {
		if !slices.Contains(done.Kinds, k) {
			out.Kinds = append(out.Kinds, k)
		}
	}
	for _, t := range r.Types {
		if slices.Contains(done.Types, t) {
			continue
		}
		family, _, _ := strings.Cut(t, "/")
		out = out.Add(Reads{Kinds: []Kind{Kind(family)}, Types: []string{t}})
		for _, d := range done.Types {
			if strings.HasPrefix(d, family+"/") {
				out = out.Add(Reads{Types: []string{d}})
			}
		}
	}
	for _, t := range r.ProviderTypes {
		if !slices.Contains(done.ProviderTypes, t) {
			out = out.Add(Reads{Kinds: []Kind{KindProvider}, ProviderTypes: slices.Concat(done.ProviderTypes, r.ProviderTypes)})
			break
		}
	}
	return out
}
