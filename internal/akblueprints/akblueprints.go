// Package akblueprints holds the entries of the blueprints a fresh
// authentik 2026.2.2 applies on its own: every file under
// blueprints/default/ and blueprints/system/ at tag version/2026.2.2 of
// authentik (read from the SAY-5/authentik mirror). The data (files.go) is
// generated from verbatim copies of those files in testdata/blueprints by
// gen_test.go; `go generate ./internal/akblueprints` (the package test with
// -update) rewrites it, and the test fails when it is stale.
//
// It is a leaf: it imports nothing from the project, so both the emulator
// (which seeds a fresh install from it) and the client (which warns when a
// manifest edits a field authentik re-applies) can read it.
//
// Values keep the YAML's own types: string, int, float64, bool, nil,
// []any and map[string]any. References become natural keys: `!KeyOf id`
// is a Ref to the entry with that id (its model and identifiers, in which
// references are resolved the same way), `!Find [model, [field, value]...]`
// a Ref to that model with those fields. Other tags (!Context, !Env,
// !Format, !If, !Condition, !Enumerate, !Index, !Value) stay as a Tag.
// Strings are as the YAML gives them: block scalars keep their final
// newline, which authentik's serializers trim when they store the value
// (DRF CharField trim_whitespace).
package akblueprints

import "fmt"

//go:generate go test -run TestGeneratedFileIsCurrent -update .

// State is an entry's desired state (authentik/blueprints/v1/common.py,
// BlueprintEntryDesiredState).
type State string

const (
	// Present: created when missing, and its identifiers and attrs are
	// written again whenever the blueprint is applied (a partial update).
	Present State = "present"
	// Created: created when missing, never updated afterwards.
	Created State = "created"
	// Absent: deleted when it exists.
	Absent State = "absent"
	// MustCreated: created, an error when it exists.
	MustCreated State = "must_created"
)

// File is one blueprint file.
type File struct {
	Path    string            // below blueprints/, e.g. "default/flow-oobe.yaml"
	Name    string            // metadata.name, the BlueprintInstance's name
	Labels  map[string]string // metadata.labels
	Context map[string]any    // the file's context: defaults
	Entries []Entry
}

// Entry is one entry of a blueprint file.
type Entry struct {
	File        string // File.Path
	Model       string // app_label.model_name, e.g. "authentik_flows.flow"
	ID          string // the entry's id, which !KeyOf names; "" when none
	State       State  // Present when the file says nothing
	Identifiers map[string]any
	Attrs       map[string]any
	Conditions  []any // all must hold for the entry to apply
}

// Ref is a reference to an object by its natural key.
type Ref struct {
	Model string         // app_label.model_name of the referenced object
	Key   map[string]any // field -> value; values may be Refs themselves
}

// Tag is a blueprint YAML tag kept unresolved: its name ("!Context") and
// arguments (a scalar tag has one).
type Tag struct {
	Name string
	Args []any
}

// Entries returns every entry of model, in file order (files sorted by
// path). An empty model returns every entry.
func Entries(model string) []Entry {
	var out []Entry
	for _, f := range Files {
		for _, e := range f.Entries {
			if model == "" || e.Model == model {
				out = append(out, e)
			}
		}
	}
	return out
}

// Lookup returns the entries of model whose identifiers include every
// field of key with an equal value (references compare by model and key).
func Lookup(model string, key map[string]any) []Entry {
	var out []Entry
	for _, e := range Entries(model) {
		ok := true
		for k, v := range key {
			if !Equal(contextValue(e.File, e.Identifiers[k]), v) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out
}

// contextValue resolves a !Context tag to its file's context value when
// that is a plain string (system/bootstrap.yaml's username: akadmin, the
// value of a fresh install); any other value is returned as is.
func contextValue(file string, v any) any {
	t, ok := v.(Tag)
	if !ok || t.Name != "!Context" || len(t.Args) != 1 {
		return v
	}
	for _, f := range Files {
		if f.Path != file {
			continue
		}
		if s, ok := f.Context[fmt.Sprint(t.Args[0])].(string); ok {
			return s
		}
	}
	return v
}

// Equal compares two values of this package (numbers of different Go types
// compare by value).
func Equal(a, b any) bool {
	switch x := a.(type) {
	case Ref:
		y, ok := b.(Ref)
		return ok && x.Model == y.Model && Equal(x.Key, y.Key)
	case Tag:
		y, ok := b.(Tag)
		return ok && x.Name == y.Name && Equal(x.Args, y.Args)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case int:
		switch y := b.(type) {
		case int:
			return x == y
		case int64:
			return int64(x) == y
		case float64:
			return float64(x) == y
		}
		return false
	case int64:
		return Equal(int(x), b)
	case float64:
		if y, ok := b.(int); ok {
			return x == float64(y)
		}
		y, ok := b.(float64)
		return ok && x == y
	default:
		return a == b
	}
}
