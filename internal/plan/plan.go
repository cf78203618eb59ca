// Package plan computes what must change in authentik to match a manifest:
// desired (manifest) against live (a snapshot read by internal/authentik),
// giving an ordered list of changes, and runs those changes through an
// Executor in a safe order. It does no HTTP itself.
package plan

import "github.com/provision/provision/internal/kinds"

// FormatVersion is the version of the plan's JSON form; it changes on any
// incompatible edit of that form.
const FormatVersion = "1.0"

// Action is what a change does to one object.
type Action string

const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
)

// Kind is a kind of authentik object the manifest manages or references.
// Each managed kind is described once, by a KindSpec in the registry
// (kinds.go); the constants name them.
type Kind string

// String is what users call the kind (kinds.NounOf): engine providers are
// "provider" in plans and errors, like the hand-written ones.
func (k Kind) String() string { return kinds.NounOf(string(k)) }

const (
	KindGroup        Kind = "group"
	KindScopeMapping Kind = "scope mapping"
	KindProvider     Kind = "provider"
	// KindEngineProvider are the providers the kind engine manages
	// (RADIUS, SCIM, RAC); references by provider name resolve to either.
	KindEngineProvider Kind = "engine provider"
	// KindPropertyMapping are the property mappings the engine manages
	// (sources' and providers'), named by name across types.
	KindPropertyMapping Kind = "property mapping"
	// KindServiceConnection is an outpost service connection (an engine kind).
	KindServiceConnection Kind = "service connection"
	KindApplication       Kind = "application"
	// KindAccess is the set of group bindings that says who may use an
	// application; its key is the application's slug.
	KindAccess  Kind = "access"
	KindOutpost Kind = "outpost"
	// Kinds only read, never changed.
	KindFlow        Kind = "flow"
	KindKeyPair     Kind = "key pair"
	KindBinding     Kind = "binding"
	KindSAMLMapping Kind = "SAML property mapping"
)

// Plan is the ordered change set. It is plain data.
type Plan struct {
	// Changes in display order (apply follows it where dependencies leave
	// a choice, see Dependencies): creates and updates by kind, in registry
	// order (groups, scope mappings, providers, applications, access,
	// outposts), then deletes in reverse.
	// Objects that need no change are absent.
	Changes []Change
	// Ownership is what the stack's ownership record becomes (adoptions,
	// entries released); nil when the manifest names no stack.
	Ownership *Ownership
	// Kept are objects on targets the manifest manages that it does not
	// list, left alone because the stack did not create the target (a
	// binding made by hand): shown, never changed.
	Kept []Kept
	// Warnings are about objects the plan does not change (display only):
	// a certificate the manifest declares that expires soon.
	Warnings []string
	// Outputs are the client-settings files (and standard output) the
	// apply would write, with what changes in each (outputs.go); nil until
	// the caller previews them. Only differing files are listed.
	Outputs []OutputChange
}

// Change is one create, update or delete of one object.
type Change struct {
	Kind   Kind
	Key    string // name, or slug for applications and access
	Action Action
	// MovedFrom is the object's old key when an update renames it in
	// place (the manifest's moved:); "" otherwise.
	MovedFrom string
	// ID is the live object's pk; empty for Create.
	ID string
	// Fields lists what changes. For Create: every value the tool sets
	// (Before nil). For Update: only fields that differ. For Delete: none.
	Fields []FieldChange
	// Source is the manifest position ("file:line:col") of the entry.
	Source string
	// Notes are consequences authentik adds to the change that the plan
	// shows but does not perform (display only: never drives apply), e.g.
	// providers deleted with their application.
	Notes []string
	// Warnings are consequences for the client applications that the plan
	// points out (display only; exit codes are unaffected), e.g. a changed
	// sub_mode, after which existing users are seen as new users.
	Warnings []string
	// Spec is what the executor sends: the kind's own spec type (GroupSpec
	// for groups, ...), nil for Delete. See SpecOf.
	Spec any
	// After names (as Ref) other changes of the plan that must finish
	// before this one starts, beyond what its kind's references imply:
	// e.g. an application taking a provider waits for the application the
	// manifest moves off it (provider_holder.go).
	After []string
}

// FieldChange is one field of a change. Before and After are display
// values (strings, bools, string lists), references shown by human key.
type FieldChange struct {
	Field     string
	Before    any
	After     any
	Sensitive bool
	// BeforeSensitive hides Before only: the live value of a free-form key
	// that looks secret (a hand-set password among group attributes) is
	// treated as a secret read from authentik, while After, the manifest's
	// own value, is shown for review (annotate.go).
	BeforeSensitive bool
	// RunsOnServer marks code that authentik executes (a Python
	// expression): plans show it whole, flagged for review (annotate.go).
	RunsOnServer bool
}

// HasChanges reports whether applying the plan would change anything.
// Output files count (OutputsChange); standard output does not.
func (p *Plan) HasChanges() bool {
	return len(p.Changes) > 0 || p.Ownership.Changes() || p.OutputsChange()
}

// Summary counts the changes by action.
func (p *Plan) Summary() (add, change, destroy int) {
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			add++
		case Update:
			change++
		case Delete:
			destroy++
		}
	}
	return add, change, destroy
}

// Ref names an object by kind and human key.
func Ref(kind Kind, key string) string { return string(kind) + " " + key }
