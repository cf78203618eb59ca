package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// onlyFiles fails unless dir holds exactly names (no temporary file left).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("directory holds %q, want %q", got, names)
	}
}

func TestWriteReplacesTheFileWithItsMode(t *testing.T) {
	t.Parallel()
	for _, perm := range []os.FileMode{0o600, 0o644} {
		dir := t.TempDir()
		path := filepath.Join(dir, ".env")
		if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, []byte("new\n"), perm); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, path); got != "new\n" {
			t.Errorf("content = %q", got)
		}
		if m := mode(t, path); m != perm {
			t.Errorf("mode = %v, want %v", m, perm)
		}
		onlyFiles(t, dir, ".env")
	}
}

func TestWriteCreatesAFileInTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := Write("plan.json", []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "plan.json")); got != "{}\n" {
		t.Errorf("content = %q", got)
	}
}

// A symbolic link is never written through, nor replaced.
func TestWriteRefusesASymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "real.env")
	link := filepath.Join(dir, ".env")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.env", link); err != nil {
		t.Skip("no symlinks:", err)
	}
	err := Write(link, []byte("new\n"), 0o600)
	if err == nil || !strings.Contains(err.Error(), link+" is a symbolic link, which provision never writes through; name the real file") {
		t.Fatalf("err = %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if got := readFile(t, target); got != "old\n" {
		t.Errorf("target content = %q", got)
	}
	onlyFiles(t, dir, ".env", "real.env")
}

func TestWriteInStaysInsideItsRoot(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(base, "away")); err != nil {
		t.Skip("no symlinks:", err)
	}
	r, err := os.OpenRoot(base)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := WriteIn(r, filepath.Join("away", "x.env"), []byte("x"), 0o600); err == nil {
		t.Fatal("wrote through a link leaving the root")
	}
	onlyFiles(t, outside)
	if err := WriteIn(r, "in.env", []byte("in\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(base, "in.env")); got != "in\n" {
		t.Errorf("content = %q", got)
	}
}

func TestWriteFailuresLeaveTheOldFile(t *testing.T) {
	t.Parallel()
	t.Run("target is a directory", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, ".env")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(path, []byte("x"), 0o600); err == nil {
			t.Fatal("want an error")
		}
		onlyFiles(t, dir, ".env")
		onlyFiles(t, path, "keep")
	})
	t.Run("directory missing", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing", ".env")
		if err := Write(path, []byte("x"), 0o600); err == nil {
			t.Fatal("want an error")
		}
	})
	t.Run("rename fails", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, ".env")
		if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		err = writeIn(r, ".env", path, []byte("new\n"), 0o600, func(string, string) error { return errors.New("injected") })
		if err == nil || err.Error() != "replace "+path+": injected" {
			t.Fatalf("err = %v", err)
		}
		if got := readFile(t, path); got != "old\n" {
			t.Errorf("old file changed: %q", got)
		}
		if m := mode(t, path); m != 0o644 {
			t.Errorf("old file mode changed: %v", m)
		}
		onlyFiles(t, dir, ".env")
	})
}
