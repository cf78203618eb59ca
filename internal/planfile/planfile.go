// Package planfile is the saved plan of `provision plan --out FILE`: the
// plan as data, the manifest's digest and a fingerprint of every live
// object the plan read. It holds no secret: apply takes secret values from
// the manifest and environment again, after checking the manifest's digest
// and that re-computing the plan against authentik gives the same plan.
package planfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/provision/provision/internal/atomicfile"
	"github.com/provision/provision/internal/plan"
)

// Type marks a file as a saved plan.
const Type = "provision saved plan"

// FormatVersion is the saved plan's format; a file of another version is
// refused.
const FormatVersion = "1"

// File is a saved plan.
type File struct {
	Type          string `json:"type"`
	FormatVersion string `json:"format_version"`
	// HowToApply is the command that applies this plan.
	HowToApply string `json:"how_to_apply"`
	CreatedBy  string `json:"created_by"`
	// Server is the authentik the plan was computed against.
	Server   string   `json:"authentik_url"`
	Manifest Manifest `json:"manifest"`
	Summary  Summary  `json:"summary"`
	// Changes is the plan; sensitive values are left out.
	Changes []Change `json:"changes"`
	// Live is a fingerprint of every live object the plan read.
	Live []plan.ObjectPrint `json:"live_objects"`
	// Outputs are the client settings the plan writes (plan.OutputChange),
	// secrets left out: apply refuses the plan when they differ now (a
	// changed public_url, output or existing file).
	Outputs []Output `json:"outputs,omitempty"`
}

// Output is one client-settings destination of the saved plan.
type Output struct {
	Destination string    `json:"destination"`
	Format      string    `json:"format"`
	Outputs     []string  `json:"outputs"`
	Action      string    `json:"action"`
	Settings    []Setting `json:"settings"`
}

// Setting is one key of an Output; a sensitive one has no values.
type Setting struct {
	Key       string `json:"key"`
	Action    string `json:"action"`
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// outputs is the saved form of p's outputs, masked.
func outputs(p *plan.Plan, mask func(string) string) []Output {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	var out []Output
	for _, o := range p.Outputs {
		so := Output{Destination: o.Destination, Format: o.Format, Outputs: o.Outputs, Action: string(o.Action), Settings: []Setting{}}
		for _, s := range o.Settings {
			so.Settings = append(so.Settings, Setting{Key: s.Key, Action: string(s.Action), Before: mask(s.Before), After: mask(s.After), Sensitive: s.Sensitive})
		}
		out = append(out, so)
	}
	return out
}

// Manifest names the manifest and its digest (plan's -f, manifest.Digest).
type Manifest struct {
	Path   string `json:"path"`
	Digest string `json:"digest"`
}

// Summary counts the changes.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// Change is one change of the saved plan.
type Change struct {
	Kind   string   `json:"kind"`
	Key    string   `json:"key"`
	Action string   `json:"action"`
	ID     string   `json:"id,omitempty"`
	Fields []Field  `json:"fields"`
	Notes  []string `json:"notes,omitempty"`
	// Touches are the live objects (kind and key, see plan.Touched) the
	// change writes to; apply refuses the plan if any of them changed.
	Touches []string `json:"touches,omitempty"`
}

// Field is one field of a change; a sensitive field has no values.
type Field struct {
	Field     string `json:"field"`
	Before    any    `json:"before,omitempty"`
	After     any    `json:"after,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	// BeforeSensitive: Before is left out (see plan.FieldChange).
	BeforeSensitive bool `json:"before_sensitive,omitempty"`
}

// Inputs is what a saved plan is made from, and what apply compares it with.
type Inputs struct {
	Plan           *plan.Plan
	Live           *plan.Live
	ManifestPath   string
	ManifestDigest string
	Server         string
	// Mask, when set, masks secrets in display values (the run's
	// redactor: the file is written beside, not through, its streams).
	// Apply masks the plan it computes the same way before comparing.
	Mask func(string) string
}

// New builds the saved plan; file is where it will be written (for
// HowToApply), createdBy the tool and version.
func New(in Inputs, file, createdBy string) *File {
	f := &File{
		Type:          Type,
		FormatVersion: FormatVersion,
		HowToApply:    "provision apply " + file + "  (from the directory plan ran in, with the same AUTHENTIK_URL and the manifest's variables set)",
		CreatedBy:     createdBy,
		Server:        in.Server,
		Manifest:      Manifest{Path: filepath.ToSlash(in.ManifestPath), Digest: in.ManifestDigest},
		Changes:       changes(in.Plan, in.Live, in.Mask),
		Live:          plan.Fingerprints(in.Live),
		Outputs:       outputs(in.Plan, in.Mask),
	}
	f.Summary.Add, f.Summary.Change, f.Summary.Destroy = in.Plan.Summary()
	return f
}

func changes(p *plan.Plan, live *plan.Live, mask func(string) string) []Change {
	out := []Change{}
	for i := range p.Changes {
		c := &p.Changes[i]
		sc := Change{Kind: string(c.Kind), Key: c.Key, Action: string(c.Action), ID: c.ID, Fields: []Field{}, Notes: c.Notes, Touches: plan.Touched(c, live)}
		for _, f := range c.Fields {
			sf := Field{Field: f.Field, Sensitive: f.Sensitive}
			if !f.Sensitive {
				sf.Before, sf.After = f.Before, f.After
			}
			if f.BeforeSensitive {
				sf.Before, sf.BeforeSensitive = nil, true
			}
			sc.Fields = append(sc.Fields, sf)
		}
		out = append(out, sc)
	}
	out = normalize(out)
	if mask != nil {
		for i := range out {
			for j := range out[i].Fields {
				f := &out[i].Fields[j]
				f.Before, f.After = maskAny(f.Before, mask), maskAny(f.After, mask)
			}
		}
	}
	return out
}

// maskAny masks every string in a display value (normalized JSON: string,
// []any, map[string]any, numbers, bools).
func maskAny(v any, mask func(string) string) any {
	switch t := v.(type) {
	case string:
		return mask(t)
	case []any:
		for i := range t {
			t[i] = maskAny(t[i], mask)
		}
	case map[string]any:
		for k, x := range t {
			t[k] = maskAny(x, mask)
		}
	}
	return v
}

// normalize passes changes through JSON, so display values compare the
// same whether built now or read from a file ([]string vs []any, ...).
func normalize(cs []Change) []Change {
	b, _ := json.Marshal(cs)
	var out []Change
	_ = json.Unmarshal(b, &out)
	if out == nil {
		out = []Change{}
	}
	return out
}

// Write writes the file atomically, never through a symbolic link
// (internal/atomicfile).
func (f *File) Write(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// ErrNotPlan says a file is not a saved plan (it may be a manifest).
var ErrNotPlan = errors.New("not a saved plan")

// Read reads a saved plan. A file that is not one gives an error wrapping
// ErrNotPlan.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read saved plan: %w", err)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil || f.Type != Type {
		return nil, fmt.Errorf("%s is %w (write one with provision plan -f MANIFEST --out %s)", path, ErrNotPlan, path)
	}
	if f.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s is a saved plan of format %q; this provision reads format %q: run plan again with this version", path, f.FormatVersion, FormatVersion)
	}
	return &f, nil
}

// StaleError says a saved plan no longer matches authentik or the manifest.
type StaleError struct{ Reason string }

func (e *StaleError) Error() string {
	return "the plan is stale: " + e.Reason + "; run plan again"
}

// Check compares the saved plan with one computed now. It refuses (a
// *StaleError) when the manifest's files changed, when any live object a
// change touches changed or disappeared, or when the plan computed now
// differs from the saved one (which catches everything else the plan
// depends on: a referenced flow renamed, a variable changed, an object
// created by hand where the plan creates one).
func (f *File) Check(now Inputs) error {
	if f.Server != now.Server {
		return fmt.Errorf("the plan was made against %s, not %s: apply it with the same AUTHENTIK_URL", f.Server, now.Server)
	}
	if f.Manifest.Digest != now.ManifestDigest {
		return &StaleError{Reason: fmt.Sprintf("the manifest %s changed since the plan was made", now.ManifestPath)}
	}
	then, cur := printsByRef(f.Live), printsByRef(plan.Fingerprints(now.Live))
	for _, c := range f.Changes {
		for _, t := range c.Touches {
			if !reflect.DeepEqual(then[t], cur[t]) {
				what := fmt.Sprintf("%s %q", c.Kind, c.Key)
				if len(cur[t]) == 0 && len(then[t]) > 0 {
					return &StaleError{Reason: what + " was deleted in authentik since the plan was made"}
				}
				if strings.HasPrefix(t, string(plan.KindBinding)+" ") {
					return &StaleError{Reason: "the policy bindings of application " + fmt.Sprintf("%q", c.Key) + " changed in authentik since the plan was made"}
				}
				return &StaleError{Reason: what + " changed in authentik since the plan was made"}
			}
		}
	}
	got := changes(now.Plan, now.Live, now.Mask)
	if d := firstDifference(f.Changes, got); d != "" {
		return &StaleError{Reason: "computed now, the plan differs (" + d + ")"}
	}
	if nowOut := outputs(now.Plan, now.Mask); !reflect.DeepEqual(f.Outputs, nowOut) {
		return &StaleError{Reason: "computed now, the client settings it writes differ (" + outputDifference(f.Outputs, nowOut) + ")"}
	}
	return nil
}

// printsByRef groups fingerprints by object (plan.Ref) as "pk=digest".
func printsByRef(prints []plan.ObjectPrint) map[string][]string {
	m := map[string][]string{}
	for _, p := range prints {
		r := plan.Ref(p.Kind, p.Key)
		m[r] = append(m[r], p.PK+"="+p.Digest)
	}
	return m
}

// firstDifference names the first change that differs, in plan order.
func firstDifference(saved, now []Change) string {
	ref := func(c Change) string { return c.Kind + " " + fmt.Sprintf("%q", c.Key) }
	byRef := func(cs []Change) map[string]Change {
		m := map[string]Change{}
		for _, c := range cs {
			m[ref(c)] = c
		}
		return m
	}
	nowBy, savedBy := byRef(now), byRef(saved)
	for _, a := range saved {
		b, ok := nowBy[ref(a)]
		switch {
		case !ok:
			return "the " + a.Action + " of " + ref(a) + " is no longer needed"
		case a.Action != b.Action:
			return ref(a) + " is now to " + b.Action + ", not " + a.Action
		case !reflect.DeepEqual(a, b):
			return "the " + a.Action + " of " + ref(a) + " has other values now"
		}
	}
	for _, b := range now {
		if _, ok := savedBy[ref(b)]; !ok {
			return "it now also has to " + b.Action + " " + ref(b)
		}
	}
	return ""
}

// outputDifference names the first destination whose settings differ.
func outputDifference(saved, now []Output) string {
	byDest := map[string]Output{}
	for _, o := range now {
		byDest[o.Destination] = o
	}
	for _, a := range saved {
		b, ok := byDest[a.Destination]
		if !ok {
			return a.Destination + " no longer needs writing"
		}
		if !reflect.DeepEqual(a, b) {
			return a.Destination + " gets other settings now"
		}
		delete(byDest, a.Destination)
	}
	for d := range byDest {
		return "it now also writes " + d
	}
	return "they differ"
}
