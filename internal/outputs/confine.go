package outputs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/provision/provision/internal/atomicfile"
)

// Target is an output file confined to a base directory: the manifest's
// directory, or --output-dir. Files are opened through os.Root, so nothing
// outside Base is read or written, and no symbolic link is followed.
type Target struct {
	// Base is the directory the file is confined to; Rel the file inside it.
	Base, Rel string
	// Stdout is file "-".
	Stdout bool
}

// Path is the file's path for messages.
func (t Target) Path() string {
	if t.Stdout {
		return "-"
	}
	return filepath.Join(t.Base, t.Rel)
}

// Confine confines file to base. A relative file must stay inside base (no
// ".." escape); an absolute one is refused unless allowAbs (given
// --output-dir), and must then lie inside base too. No component of the
// path below base, the file itself included, may be a symbolic link, and
// every parent directory must exist.
func Confine(base, file string, allowAbs bool) (Target, error) {
	if file == "-" {
		return Target{Stdout: true}, nil
	}
	if file == "" {
		return Target{}, errors.New("file is empty")
	}
	base = filepath.Clean(base)
	rel := file
	if filepath.IsAbs(file) {
		if !allowAbs {
			return Target{}, fmt.Errorf("file %s is an absolute path: give a path relative to the manifest's directory, or pass --output-dir to allow absolute paths inside it", file)
		}
		r, err := filepath.Rel(base, filepath.Clean(file))
		if err != nil || !filepath.IsLocal(r) {
			return Target{}, fmt.Errorf("file %s is outside the output directory %s", file, base)
		}
		rel = r
	}
	if !filepath.IsLocal(rel) {
		shown := base
		if abs, err := filepath.Abs(base); err == nil {
			shown = abs
		}
		return Target{}, fmt.Errorf("file %s leaves the directory %s: outputs must stay inside it (no '..')", file, shown)
	}
	rel = filepath.Clean(rel)
	parts := strings.Split(rel, string(filepath.Separator))
	for _, p := range parts {
		// A manifest at a repository's root would otherwise reach the
		// repository's own configuration (hooks, remotes) with its outputs.
		if strings.EqualFold(p, ".git") {
			return Target{}, fmt.Errorf("file %s is inside .git: outputs never write into a repository's metadata", file)
		}
	}
	at := base
	for i, p := range parts {
		at = filepath.Join(at, p)
		info, err := os.Lstat(at)
		last := i == len(parts)-1
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// a new file, or new directories that write creates (inside
			// base: nothing below a missing directory can be a link)
			return Target{Base: base, Rel: rel}, nil
		case err != nil:
			return Target{}, fmt.Errorf("file %s: %w", file, err)
		case info.Mode()&fs.ModeSymlink != 0:
			return Target{}, fmt.Errorf("file %s: %s is a symbolic link, which provision does not follow for outputs; name the real file", file, at)
		case last && !info.Mode().IsRegular():
			return Target{}, fmt.Errorf("file %s is not a regular file", file)
		case !last && !info.IsDir():
			return Target{}, fmt.Errorf("file %s: %s is not a directory", file, at)
		}
	}
	return Target{Base: base, Rel: rel}, nil
}

// recheck confines the target again just before it is used. Rel is given
// as "./Rel", so a file named "-" is checked as a file, not taken for
// standard output.
func (t Target) recheck() error {
	_, err := Confine(t.Base, "."+string(filepath.Separator)+t.Rel, false)
	return err
}

// read returns the target's content, nil when it does not exist.
func (t Target) read() ([]byte, error) {
	if t.Stdout {
		return nil, nil
	}
	if err := t.recheck(); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(t.Base)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := r.ReadFile(t.Rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Exists reports whether the target file is there (stdout never is).
func (t Target) Exists() bool {
	if t.Stdout {
		return false
	}
	r, err := os.OpenRoot(t.Base)
	if err != nil {
		return false
	}
	defer r.Close()
	_, err = r.Lstat(t.Rel)
	return err == nil
}

// write replaces the target atomically (a temporary file in the same
// directory, synced, mode 0600, renamed over it), inside its base.
func (t Target) write(data []byte) error {
	if err := t.recheck(); err != nil {
		return err
	}
	r, err := os.OpenRoot(t.Base)
	if err != nil {
		return err
	}
	defer r.Close()
	if dir := filepath.Dir(t.Rel); dir != "." {
		// Missing directories are created inside the root, which refuses
		// to follow a link out of it.
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create directory %s: %w", dir, err)
		}
	}
	return atomicfile.WriteIn(r, t.Rel, data, 0o600)
}
