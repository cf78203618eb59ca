// Package atomicfile replaces files atomically: a reader sees the old
// content or the new, never a part, and a failure leaves the old file as it
// was. Files are never written through a symbolic link. It imports nothing
// of the project, so any package that writes a file (settings, saved plans,
// exports) can use it.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Write replaces path with data: a temporary file in the same directory,
// created with mode 0600, written, synced, given perm, renamed over path,
// then the directory synced. A symbolic link at path is refused (name the
// real file). On any failure the temporary file is removed and path is left
// as it was.
func Write(path string, data []byte, perm os.FileMode) error {
	if err := noLinkedDirs(path); err != nil {
		return err
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open the directory of %s: %w", path, err)
	}
	defer r.Close()
	return writeIn(r, name, path, data, perm, r.Rename)
}

// WriteIn is Write for the file rel inside root: nothing outside root is
// created, written or replaced.
func WriteIn(root *os.Root, rel string, data []byte, perm os.FileMode) error {
	return writeIn(root, rel, filepath.Join(root.Name(), rel), data, perm, root.Rename)
}

// writeIn writes rel in r (shown as path in errors); rename is r.Rename
// except in tests.
func writeIn(r *os.Root, rel, path string, data []byte, perm os.FileMode, rename func(from, to string) error) (err error) {
	if info, err := r.Lstat(rel); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link, which provision never writes through; name the real file", path)
	}
	dir, name := filepath.Split(rel)
	var f *os.File
	var tmp string
	for i := 0; ; i++ {
		tmp = filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d-%d", name, os.Getpid(), i))
		f, err = r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil || !errors.Is(err, fs.ErrExist) || i > 100 {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create a temporary file beside %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			_ = r.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("set the mode of %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = rename(tmp, rel); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if d, err := r.Open(dir + "."); err == nil {
		// Persist the rename; some systems cannot sync a directory, and the
		// file itself is already in place, so a failure here is ignored.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// noLinkedDirs refuses a relative path that goes through a symbolic link
// to a directory: a file a command writes (a saved plan, an export) is
// named in a pipeline, inside a checkout a pull request may have filled
// with links to the runner's files (issue 25, finding 6).
func noLinkedDirs(path string) error {
	clean := filepath.Clean(path)
	if filepath.IsAbs(clean) {
		return nil
	}
	at := ""
	parts := strings.Split(clean, string(filepath.Separator))
	for _, part := range parts[:len(parts)-1] {
		at = filepath.Join(at, part)
		if part == ".." || part == "." {
			continue
		}
		if info, err := os.Lstat(at); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link, which provision never writes through; name the real file", at)
		}
	}
	return nil
}
