package plan

import (
	"fmt"
	"slices"

	"github.com/provision/provision/internal/manifest"
)

// KindSpec describes one managed kind to the plan: what it references, what
// it needs read, how its entries are diffed and how its live objects are
// named. One file per kind (kind_<name>.go) defines its KindSpec, live type,
// spec type and diff; registry lists them.
type KindSpec struct {
	Kind Kind
	// Refs are the managed kinds this kind's changes reference by key.
	// Their creates run first, their deletes later (see Dependencies).
	Refs []Kind
	// Nulled are those of Refs whose objects' deletes authentik answers by
	// setting this kind's references null (on_delete SET_NULL or
	// SET_DEFAULT): such a delete does not wait for this kind's changes.
	Nulled []Kind
	// Reads says what live state the diff needs for this manifest; the
	// zero Reads when the manifest declares nothing of this kind.
	Reads func(m *manifest.Manifest) Reads
	// Diff returns the kind's changes (nil entries are skipped).
	Diff func(c *computer, m *manifest.Manifest) []*Change
	// IDs returns the live objects' pks by key, for changes that reference
	// them at apply time; nil for kinds with no objects of their own.
	IDs func(l *Live) map[string]string
	// Needs returns the objects (Ref(kind, key)) a create or update of this
	// kind refers to by key, read from its Spec, so that apply starts it as
	// soon as those exist. Nil: it waits for every create of the Refs kinds.
	Needs func(c *Change) []string
	// PartOf, when set, says each change of this kind belongs to the
	// object of that kind with the same key (an application's access) and
	// refers to no other object of it: a delete of another object of that
	// kind does not wait for it.
	PartOf Kind
	// Parents, for a child kind, are the kinds of the objects that list
	// it: each change refers to one object of those kinds, its parent,
	// whose key starts its own ("corp-app/policy:p" is corp-app's), so a
	// delete of another object of them does not wait for it.
	Parents []Kind
	// TakesFromDeletes reports whether a create or update of this kind may
	// take something only a delete of its own kind frees, so it waits for
	// every such delete (an application's provider is one-to-one: a new
	// application takes it from one being deleted). Nil: never.
	TakesFromDeletes func(c *Change) bool
}

// registry is every managed kind, in apply order: each kind comes after the
// kinds it references (TestRegistryOrder checks it). Deletes run in reverse.
var registry = referencedFirst(slices.Concat(
	entryKinds(), // groups, scope mappings, flows, stages, prompts, policies... (entries.go)
	[]*KindSpec{providerKind, applicationKind, accessKind, outpostKind},
))

// referencedFirst orders kinds after those they reference, otherwise as
// given: each step takes the first kind whose references are all placed,
// so a kind that references a later one (a policy binding, which may bind
// to an application; a brand, which names its default application) moves
// after it, and the others keep their places.
func referencedFirst(ks []*KindSpec) []*KindSpec {
	present := map[Kind]bool{}
	for _, k := range ks {
		present[k.Kind] = true
	}
	placed := map[Kind]bool{}
	rest := slices.Clone(ks)
	var out []*KindSpec
	for len(rest) > 0 {
		i := slices.IndexFunc(rest, func(k *KindSpec) bool {
			for _, r := range k.Refs {
				if present[r] && !placed[r] && r != k.Kind {
					return false
				}
			}
			return true
		})
		if i < 0 {
			i = 0 // a cycle: keep the given order
		}
		out = append(out, rest[i])
		placed[rest[i].Kind] = true
		rest = slices.Delete(rest, i, i+1)
	}
	return out
}

// Reads is what a plan needs read from authentik.
type Reads struct {
	// Kinds are the live kinds to list.
	Kinds []Kind
	// ProviderTypes are the provider types whose own fields are needed
	// (their per-type lists); every provider's base fields and type are
	// read whenever KindProvider is.
	ProviderTypes []string
	// Types are the family members whose own lists are read in full
	// (TypeRead: "stage/password"); the family's list of every member is
	// read whenever its kind is.
	Types []string
	// Stack is the manifest's stack, whose record may call for a second
	// round of reads (RecordReads).
	Stack string
	// Present are the keys of the entries the manifest declares present,
	// by kind: a record object not among them is pruned, and RecordReads
	// reads what references it (deleteReads).
	Present map[Kind][]string
	// Secrets are the entries, as Ref(kind, key), whose declared secret the
	// API layer reads for the plan to compare (kinds.Field.ReadWhenDeclared:
	// a token's key), sorted.
	Secrets []string
	// Extras are the entries, as Ref(kind, key), whose extra fields
	// (kinds.Kind.Extra: a role's permissions) the API layer reads, which
	// costs requests per object: those the manifest declares (and their
	// old keys when moved), sorted, so a plan's requests never grow with
	// the live objects it leaves alone (extrareads.go).
	Extras []string
	// AllExtras reads every live object's extra fields (export).
	AllExtras bool
}

// Add merges other into r, keeping each kind and type once, in a stable order.
func (r Reads) Add(other Reads) Reads {
	for _, k := range other.Kinds {
		if !slices.Contains(r.Kinds, k) {
			r.Kinds = append(r.Kinds, k)
		}
	}
	for _, t := range other.ProviderTypes {
		if !slices.Contains(r.ProviderTypes, t) {
			r.ProviderTypes = append(r.ProviderTypes, t)
		}
	}
	for _, t := range other.Types {
		if !slices.Contains(r.Types, t) {
			r.Types = append(r.Types, t)
		}
	}
	if other.Stack != "" {
		r.Stack = other.Stack
	}
	if r.Present == nil {
		r.Present = other.Present
	}
	for _, s := range other.Secrets {
		if !slices.Contains(r.Secrets, s) {
			r.Secrets = append(r.Secrets, s)
		}
	}
	for _, s := range other.Extras {
		if !slices.Contains(r.Extras, s) {
			r.Extras = append(r.Extras, s)
		}
	}
	r.AllExtras = r.AllExtras || other.AllExtras
	slices.Sort(r.Secrets)
	slices.Sort(r.Extras)
	slices.Sort(r.Kinds)
	slices.Sort(r.ProviderTypes)
	slices.Sort(r.Types)
	return r
}

// ReadsFor returns what a plan of this manifest needs read. It depends on
// which kinds and provider types the manifest declares, never on how many
// entries it has.
func ReadsFor(m *manifest.Manifest) Reads {
	var r Reads
	for _, k := range registry {
		r = r.Add(k.Reads(m))
	}
	r = r.Add(absentReads(m)).Add(secretReads(m)).Add(extraReads(m)).Add(permissionReads(m))
	if m.Stack != "" {
		r.Present = presentEntries(m)
	}
	return r.Add(ownershipReads(m))
}

// SpecOf returns a change's spec as the kind's spec type, or an error that
// names the change (a plan built by another version, or a bug).
func SpecOf[T any](c *Change) (*T, error) {
	s, ok := c.Spec.(*T)
	if !ok || s == nil {
		var want *T
		return nil, fmt.Errorf("%s %s %q: the plan carries %T, not %T", c.Action, c.Kind, c.Key, c.Spec, want)
	}
	return s, nil
}
