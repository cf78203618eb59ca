package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// Secrets a plan reads to compare (kinds.Field.ReadWhenDeclared: a
// token's key): only for the entries that declare them, never for the
// rest, so a plan of a manifest that sets no key reads no key.

// A secret authentik returns (kinds.Field.ReadWhenDeclared: a token's key
// through view_key/, an SMS stage's auth in the list read) is in the
// snapshot as its digest (internal/secretdigest), never its value: the
// plan compares the declared value's digest with it, and a difference is
// a rotation, "(sensitive) -> (sensitive)", that apply sends.

// sensitiveMark stands for both sides of a rotated secret in a change: the
// renderers show any sensitive field masked, and neither the value nor its
// digest is in the plan.
const sensitiveMark = "(sensitive)"

// rotatesNote says a returned secret differs from the declared one.
func rotatesNote(field string) string {
	return field + ": rotates: authentik holds another value than the sensitive variable's; apply sends the new one"
}

// secretReads lists the entries declaring a secret the API layer reads to
// compare (Reads.Secrets), as Ref(kind, key).
func secretReads(m *manifest.Manifest) Reads {
	var r Reads
	for _, e := range m.Entries {
		if e.State.IsAbsent() {
			continue
		}
		for _, fd := range e.Kind.Extra {
			if fd.ReadWhenDeclared && e.Declares(fd.Name) {
				r.Secrets = append(r.Secrets, Ref(Kind(e.Kind.Name), e.Key))
			}
		}
	}
	slices.Sort(r.Secrets)
	r.Secrets = slices.Compact(r.Secrets)
	return r
}

// ReadsSecret reports whether the plan compares the declared secret of the
// object of kind with key, so the API layer reads it.
func (r Reads) ReadsSecret(kind Kind, key string) bool {
	_, found := slices.BinarySearch(r.Secrets, Ref(kind, key))
	return found
}

// rewritesNote says which of an entry's outputs apply rewrites when the
// field they write changes (a rotated token key).
func rewritesNote(e *manifest.Entry, field string) string {
	var outs []string
	for _, name := range slices.Sorted(maps.Keys(e.Outputs)) {
		o := e.Outputs[name]
		if o == nil || o.File == "" {
			continue
		}
		outs = append(outs, fmt.Sprintf("%s (%s)", name, o.File))
	}
	if len(outs) == 0 {
		return field + ": changed; the entry's outputs write no file"
	}
	return fmt.Sprintf("%s: changed; apply rewrites output %s with the new one", field, strings.Join(outs, ", "))
}
