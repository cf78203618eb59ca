package dotenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// rename is os.Rename; tests replace it to simulate a failure.
var rename = os.Rename

// WriteFileAtomic replaces path with data: it writes a temporary file in the
// same directory, fsyncs it, sets perm, renames it over path and fsyncs the
// directory. On any failure the temporary file is removed and path is left
// as it was. A symbolic link at path, or in a relative path's directories,
// is refused (NoSymlinks): a repository can commit one pointing anywhere.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	if err := NoSymlinks(path); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := rename(tmp, path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		// Persist the rename; some systems cannot sync a directory, and the
		// file itself is already in place, so a failure here is ignored.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// NoSymlinks refuses a path that is a symbolic link, or, for a relative
// path, one that goes through one: a file a command writes (a saved plan,
// an export) is named in a pipeline, inside a checkout that a pull request
// may have filled with links to the runner's files. Outputs refuse them the
// same way (outputs.Confine).
func NoSymlinks(path string) error {
	clean := filepath.Clean(path)
	check := []string{clean}
	if !filepath.IsAbs(clean) {
		check = check[:0]
		at := ""
		for _, part := range strings.Split(clean, string(filepath.Separator)) {
			at = filepath.Join(at, part)
			if part != ".." && part != "." {
				check = append(check, at)
			}
		}
	}
	for _, at := range check {
		info, err := os.Lstat(at)
		if err != nil {
			continue // a file still to be made (a missing directory fails later)
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link, which provision does not follow for a file it writes; name the real file", at)
		}
	}
	if info, err := os.Lstat(clean); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return nil
}

// UpdateFile sets vars in the .env file at path (a missing file is empty)
// and reports whether it changed. Every key and value is checked first
// (CheckValue); if any is refused nothing is written. The merged content is
// parsed back to prove that dotenv reads every var exactly and every other
// key as before; otherwise nothing is written either. An unchanged file is
// not rewritten; a changed one is replaced atomically with mode 0600.
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
	if err := WriteFileAtomic(path, out, 0o600); err != nil {
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
