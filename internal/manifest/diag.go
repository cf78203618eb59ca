package manifest

import (
	"sort"
	"strings"
)

// Diagnostic is one problem found in a manifest, at a position.
type Diagnostic struct {
	Pos Position
	Msg string
	// Ref is set when the problem is a reference to an object the
	// manifest does not declare, so a command that can read authentik
	// may say whether it exists there (see cmd/provision/hints.go).
	Ref *Reference
}

// Reference names an undeclared object a manifest entry refers to.
type Reference struct {
	Kind string // "group" or "provider"
	Name string
	// Subject is the message up to the reference, e.g.
	// `application "chat" allows group "Users"`.
	Subject string
}

func (d Diagnostic) Error() string { return d.Pos.String() + ": " + d.Msg }

// Diagnostics are all the problems found in one run, sorted by position.
// As an error it prints one problem per line.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

func (ds *Diagnostics) add(pos Position, msg string) {
	*ds = append(*ds, Diagnostic{Pos: pos, Msg: msg})
}

// err returns the diagnostics sorted, or nil when there are none.
func (ds Diagnostics) err() error {
	if len(ds) == 0 {
		return nil
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return ds
}
