package manifest

import "errors"

// Load is LoadAll that fails on any load problem: every problem comes back
// in one Diagnostics error. Load does not run the semantic checks of
// Validate; LoadAndValidate does both.
func Load(path string, env LookupEnv) (*Manifest, error) {
	m, diags, err := LoadAll(path, env)
	if err != nil {
		return nil, err
	}
	if err := diags.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadAndCheck loads a manifest, runs check (its validation) and reports
// every problem at once: an unknown field does not hide a duplicate slug.
// check is skipped only when a file could not be decoded at all (a YAML
// syntax or type error). Diagnostics check returns are merged, in order.
func LoadAndCheck(path string, env LookupEnv, check func(*Manifest) error) (*Manifest, error) {
	m, diags, err := LoadAll(path, env)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if verr := check(m); verr != nil {
			var vds Diagnostics
			if !errors.As(verr, &vds) {
				return nil, verr
			}
			diags = append(diags, m.Derived(vds)...)
		}
	}
	if err := diags.err(); err != nil {
		return nil, err
	}
	return m, nil
}
