package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// Field-level diffing: each helper compares a declared value with the live one.

// fields collects the field changes of one change. On create every value is
// listed with a nil Before.
type fields struct {
	create bool
	list   []FieldChange
}

func (f *fields) add(name string, before, after any, sensitive bool) {
	if f.create {
		before = nil
	}
	f.list = append(f.list, FieldChange{Field: name, Before: before, After: after, Sensitive: sensitive})
}

// str diffs an optional string field; it returns the value to send, or nil.
func (f *fields) str(name string, desired *string, live string) *string {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, false)
	return desired
}

func (f *fields) secret(name string, desired *string, live string) *string {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, true)
	return desired
}

func (f *fields) boolean(name string, desired *bool, live bool) *bool {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, false)
	return desired
}

// --- small helpers ---

func uniqueSorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return slices.Compact(out)
}

func isSubset(sub, set []string) bool {
	for _, s := range sub {
		if !slices.Contains(set, s) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// normalizeJSON gives a value the shape encoding/json would decode it to,
// so YAML ints and JSON float64s compare equal.
func normalizeJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func displayJSON(v any, exists bool) any {
	if !exists {
		return nil
	}
	switch v.(type) {
	case string, bool, nil:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// nullIfEmpty shows an empty reference as null.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
