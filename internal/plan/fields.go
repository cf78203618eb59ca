package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
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

// scalar diffs an optional field: nil desired means "not declared". It
// returns the value to send, or nil when there is nothing to send.
func scalar[T comparable](f *fields, name string, desired *T, live T, sensitive bool) *T {
	if desired == nil || (!f.create && *desired == live) {
		return nil
	}
	f.add(name, live, *desired, sensitive)
	return desired
}

// str diffs a text field. authentik's serializers trim text (DRF
// CharField's trim_whitespace), so the declared value is compared and sent
// as authentik will store it: a YAML block's final newline never becomes a
// permanent diff.
func (f *fields) str(name string, desired *string, live string) *string {
	return scalar(f, name, trimmed(desired), live, false)
}

func (f *fields) secret(name string, desired *string, live string) *string {
	return scalar(f, name, trimmed(desired), live, true)
}

// trimmed returns the value as authentik stores it: without surrounding
// white space.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

func (f *fields) boolean(name string, desired *bool, live bool) *bool {
	return scalar(f, name, desired, live, false)
}

// object diffs the declared keys of a free-form JSON object (group
// attributes, outpost config), compared as JSON values; keys the manifest
// does not declare are kept. It returns the whole object to store, or nil
// when no declared key differs.
func (f *fields) object(prefix string, declared, live map[string]any) map[string]any {
	if len(declared) == 0 {
		return nil
	}
	merged := maps.Clone(live)
	if merged == nil {
		merged = map[string]any{}
	}
	changed := false
	for _, k := range slices.Sorted(maps.Keys(declared)) {
		want := NormalizeJSON(declared[k])
		have, exists := live[k]
		if f.create || !exists || !reflect.DeepEqual(NormalizeJSON(have), want) {
			f.add(prefix+"."+k, displayJSON(have, exists), displayJSON(want, true), false)
			changed = true
		}
		merged[k] = want
	}
	if !changed {
		return nil
	}
	return merged
}

// finish turns the collected fields into the change: Create always, Update
// only when a field differs (nil otherwise). The caller sets ch.ID.
func finish(ch *Change, f *fields, spec any) *Change {
	if !f.create && len(f.list) == 0 {
		return nil
	}
	ch.Action = Update
	if f.create {
		ch.Action = Create
	}
	ch.Fields, ch.Spec = f.list, spec
	return ch
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

// NormalizeJSON gives a value the shape encoding/json would decode it to
// (numbers as float64, maps as map[string]any), so YAML ints and JSON
// float64s compare equal.
func NormalizeJSON(v any) any {
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
