package dotenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	fi, err := os.Stat(path)
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

var libreVars = []Var{
	{Key: "ALLOW_SOCIAL_LOGIN", Value: "true"},
	{Key: "OPENID_CLIENT_SECRET", Value: "s3cr3t", Secret: true},
	{Key: "OPENID_SCOPE", Value: "openid profile email"},
}

func TestUpdateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")

	changed, err := UpdateFile(path, libreVars)
	if err != nil || !changed {
		t.Fatalf("first UpdateFile = %v, %v", changed, err)
	}
	want := Marker + "\nALLOW_SOCIAL_LOGIN=true\nOPENID_CLIENT_SECRET=s3cr3t\nOPENID_SCOPE=openid profile email\n"
	if got := readFile(t, path); got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode = %v, want 0600", m)
	}

	// Unchanged: not rewritten (same inode, same mtime).
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	changed, err = UpdateFile(path, libreVars)
	if err != nil || changed {
		t.Fatalf("second UpdateFile = %v, %v", changed, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(past) {
		t.Errorf("unchanged file was rewritten (mtime %v, want %v)", after.ModTime(), past)
	}
	onlyFiles(t, dir, ".env")
}

func TestUpdateFileTightensMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("HOST=localhost\nOPENID_SCOPE=\"openid\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateFile(path, libreVars); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode = %v, want 0600", m)
	}
	if got := readFile(t, path); !strings.HasPrefix(got, "HOST=localhost\nOPENID_SCOPE=openid profile email\n") {
		t.Errorf("content = %q", got)
	}
}

func TestUpdateFileRefusesBadValues(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".env")
	vars := append([]Var{{Key: "OPENID_CLIENT_SECRET", Value: "ab#cd", Secret: true}, {Key: "X", Value: " y"}}, libreVars...)
	_, err := UpdateFile(path, vars)
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	if strings.Contains(msg, "ab#cd") || !strings.Contains(msg, "OPENID_CLIENT_SECRET") || !strings.Contains(msg, "X") {
		t.Errorf("error = %q", msg)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written: %v", err)
	}
}

func TestUpdateFileRefusesAmbiguousResult(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".env")
	old := "K=old\n'quoted line'\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	// K= followed by a line starting with a quote: dotenv would read that
	// line as K's value.
	if _, err := UpdateFile(path, []Var{{Key: "K", Value: ""}}); err == nil || !strings.Contains(err.Error(), "K") {
		t.Fatalf("err = %v", err)
	}
	if got := readFile(t, path); got != old {
		t.Errorf("file changed: %q", got)
	}
}

func TestUpdateFileRefusesNonUTF8(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("# caf\xe9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateFile(path, libreVars); err == nil {
		t.Fatal("want an error")
	}
}
