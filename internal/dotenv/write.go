package dotenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/provision/provision/internal/atomicfile"
)

// UpdateFile sets vars in the .env file at path (a missing file is empty)
// and reports whether it changed. Every key and value is checked first
// (CheckValue); if any is refused nothing is written. The merged content is
// parsed back to prove that dotenv reads every var exactly and every other
// key as before; otherwise nothing is written either. An unchanged file is
// not rewritten; a changed one is replaced atomically with mode 0600
// (internal/atomicfile: never through a symbolic link).
func UpdateFile(path string, vars []Var) (changed bool, err error) {
	existing, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read .env file: %w", err)
	}
	out, changed, err := Render(existing, vars, false)
	if err != nil {
		return false, fmt.Errorf("update %s: %w", path, err)
	}
	if !changed {
		return false, nil
	}
	if err := atomicfile.Write(path, out, 0o600); err != nil {
		return false, err
	}
	return true, nil
}

// verify checks that dotenv reads out as before, with vars set.
func verify(before map[string]string, out []byte, vars []Var) error {
	after, err := Parse(out)
	if err != nil {
		return err
	}
	want := map[string]string{}
	for k, v := range before {
		want[k] = v
	}
	for _, v := range vars {
		want[v.Key] = v.Value
	}
	for k, v := range want {
		if got, ok := after[k]; !ok || got != v {
			return fmt.Errorf("dotenv would not read %s as intended after the update (a neighbouring line starting with a quote, or an unclosed quoted value, changes how it is read)", k)
		}
	}
	for k := range after {
		if _, ok := want[k]; !ok {
			return fmt.Errorf("dotenv would read an unexpected key %s after the update", k)
		}
	}
	return nil
}
