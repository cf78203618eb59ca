package plan

import (
	"fmt"
	"slices"
	"sort"

	"github.com/provision/provision/internal/akblueprints"
	"github.com/provision/provision/internal/kinds"
)

// authentik's own objects: what its default and system blueprints
// (internal/akblueprints, read from blueprints/default and
// blueprints/system at tag version/2026.2.2) create. provision never
// deletes them, and warns when a manifest edits a field a state: present
// entry sets, because authentik applies those blueprints again and the
// edit will not last.

// blueprintEntries returns the blueprint entries creating the object of a
// descriptor kind with this key.
func blueprintEntries(kind, key string) []akblueprints.Entry {
	var out []akblueprints.Entry
	for _, d := range kinds.Family(kind) {
		if d.Key == "" {
			continue
		}
		out = append(out, akblueprints.Lookup(d.Model, map[string]any{d.Key: key})...)
	}
	return out
}

// IsBuiltin reports whether authentik's blueprints create the object of a
// descriptor kind with this key.
func IsBuiltin(kind, key string) bool {
	for _, d := range kinds.Family(kind) {
		if slices.Contains(d.Builtin, key) {
			return true
		}
	}
	return len(blueprintEntries(kind, key)) > 0
}

func (c *computer) builtin(kind, key string) bool { return IsBuiltin(kind, key) }

// revertWarnings says, for each changed field a state: present blueprint
// entry sets, that authentik will set it back.
func revertWarnings(ch *Change) []string {
	var out []string
	for _, e := range blueprintEntries(string(ch.Kind), ch.Key) {
		if e.State != akblueprints.Present {
			continue
		}
		for _, f := range ch.Fields {
			v, ok := e.Attrs[f.Field]
			if !ok {
				continue
			}
			out = append(out, fmt.Sprintf("authentik's blueprint %s sets %s to %s (state: present): the next time authentik applies it (an upgrade that changes the file, or an admin applying it) it is set back, and the next plan shows this change again", e.File, f.Field, blueprintValue(v)))
		}
	}
	sort.Strings(out)
	return out
}

func blueprintValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
