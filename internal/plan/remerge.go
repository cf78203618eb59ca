package plan

import (
	"maps"
	"reflect"
	"sort"
)

// ObjectMerge lets the executor redo the merge of a free-form object (group
// attributes, outpost config) against the object as read just before the
// write, so keys an admin added or changed after the plan are kept.
type ObjectMerge struct {
	// Declared are the manifest's keys with their values (normalized JSON).
	Declared map[string]any
	// Planned is the live object the plan merged with.
	Planned map[string]any
}

// newObjectMerge records the merge behind a non-nil merged object.
func newObjectMerge(merged, declared, live map[string]any) *ObjectMerge {
	if merged == nil {
		return nil
	}
	d := make(map[string]any, len(declared))
	for k, v := range declared {
		d[k] = NormalizeJSON(v)
	}
	return &ObjectMerge{Declared: d, Planned: maps.Clone(live)}
}

// Remerge returns the object to store given the fresh live one: fresh with
// the declared keys set. Overridden are the declared keys an edit made
// since the plan changed to another value than the manifest's: the
// manifest wins, and the caller says so.
func (m *ObjectMerge) Remerge(fresh map[string]any) (merged map[string]any, overridden []string) {
	merged = maps.Clone(fresh)
	if merged == nil {
		merged = map[string]any{}
	}
	for k, want := range m.Declared {
		now, exists := fresh[k]
		before, existed := m.Planned[k]
		edited := exists != existed || !reflect.DeepEqual(NormalizeJSON(now), NormalizeJSON(before))
		if edited && exists && !reflect.DeepEqual(NormalizeJSON(now), want) {
			overridden = append(overridden, k)
		}
		merged[k] = want
	}
	sort.Strings(overridden)
	return merged, overridden
}
