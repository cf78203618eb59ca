package manifest

import (
	"os"
	"testing"
)

// FuzzParse: no input may panic the loader or the validator, and every
// problem must come back as a diagnostic with a position in the file.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("../../manifests/librechat.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(validBase))
	f.Add([]byte("version: 1\nproviders:\n  - {name: p, type: oauth2, redirect_uris: [{matching_mode: regex, url: '('}]}\n"))
	f.Add([]byte("version: 1\napplications: {a: b}\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("version: 1\nvariables: {X: {}}\ngroups:\n  - name: ${X}\n    attributes: {a: [1, {b: c}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ds := Parse("f.yaml", data, func(k string) (string, bool) { return "v", k == "X" })
		for _, d := range ds {
			if d.Pos.File != "f.yaml" {
				t.Fatalf("diagnostic without the file: %v", d)
			}
		}
		if m != nil && len(ds) == 0 {
			_ = m.Validate(nil)
		}
	})
}
