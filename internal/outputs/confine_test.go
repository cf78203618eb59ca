package outputs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfine(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	outside := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(base, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(base, "sub", "ok.env"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "victim"), []byte("x"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(outside, "victim"), filepath.Join(base, "link.env")))
	require.NoError(t, os.Symlink(outside, filepath.Join(base, "linkdir")))
	require.NoError(t, os.Symlink("sub", filepath.Join(base, "inner")))
	require.NoError(t, os.Mkdir(filepath.Join(base, "adir"), 0o755))

	cases := []struct {
		name, file string
		allowAbs   bool
		rel        string // "" when refused
		stdout     bool
		err        string
	}{
		{name: "Plain", file: "app.env", rel: "app.env"},
		{name: "Subdir", file: "sub/ok.env", rel: filepath.Join("sub", "ok.env")},
		{name: "DotSegmentsInside", file: "sub/../app.env", rel: "app.env"},
		{name: "Stdout", file: "-", stdout: true},
		{name: "DotDotEscape", file: "../x.env", err: "leaves the directory"},
		{name: "DeepEscape", file: "sub/../../x.env", err: "leaves the directory"},
		{name: "AbsoluteRefused", file: filepath.Join(base, "a.env"), err: "absolute path"},
		{name: "AbsoluteInsideOutputDir", file: filepath.Join(base, "a.env"), allowAbs: true, rel: "a.env"},
		{name: "AbsoluteOutsideOutputDir", file: filepath.Join(outside, "a.env"), allowAbs: true, err: "outside the output directory"},
		{name: "GitConfig", file: ".git/config", err: "inside .git"},
		{name: "GitHook", file: "sub/.GIT/hooks/pre-commit", err: "inside .git"},
		{name: "SymlinkFinal", file: "link.env", err: "symbolic link"},
		{name: "SymlinkParentEscape", file: "linkdir/victim", err: "symbolic link"},
		{name: "SymlinkParentInside", file: "inner/ok.env", err: "symbolic link"},
		// A missing directory is created by write (issue 32, point 7).
		{name: "MissingDirectory", file: "nope/deeper/app.env", rel: filepath.Join("nope", "deeper", "app.env")},
		{name: "Directory", file: "adir", err: "not a regular file"},
		{name: "FileAsDirectory", file: "sub/ok.env/x", err: "not a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Confine(base, tc.file, tc.allowAbs)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.stdout, got.Stdout)
			assert.Equal(t, tc.rel, got.Rel)
		})
	}
}

// A symlink swapped in after the check is still not followed: writes go
// through os.Root, which refuses to leave the base directory.
func TestWriteDoesNotEscapeThroughASymlink(t *testing.T) {
	t.Parallel()
	base, outside := t.TempDir(), t.TempDir()
	tgt, err := Confine(base, "sub/app.env", false)
	require.NoError(t, err, "sub does not exist yet: write creates it")
	require.NoError(t, os.Symlink(outside, filepath.Join(base, "sub")))
	tgt = Target{Base: base, Rel: filepath.Join("sub", "app.env")}
	err = tgt.write([]byte("A=1\n"))
	require.Error(t, err)
	_, statErr := os.Stat(filepath.Join(outside, "app.env"))
	assert.True(t, os.IsNotExist(statErr), "nothing written outside the base")

	ok := Target{Base: base, Rel: "app.env"}
	require.NoError(t, ok.write([]byte("A=1\n")))
	info, err := os.Stat(filepath.Join(base, "app.env"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, _ := os.ReadDir(base)
	assert.Len(t, entries, 2, "no temporary file left behind")
}

// A file named "-" (given as ./-) is a file, and is checked as one when it
// is read and written: a symbolic link there is refused.
func TestDashFileIsAFile(t *testing.T) {
	t.Parallel()
	base, outside := t.TempDir(), t.TempDir()
	tgt, err := Confine(base, "./-", false)
	require.NoError(t, err)
	require.False(t, tgt.Stdout)
	require.NoError(t, tgt.write([]byte("A=1\n")))
	b, err := os.ReadFile(filepath.Join(base, "-"))
	require.NoError(t, err)
	assert.Equal(t, "A=1\n", string(b))

	require.NoError(t, os.Remove(filepath.Join(base, "-")))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "victim"), []byte("x"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(outside, "victim"), filepath.Join(base, "-")))
	_, err = tgt.read()
	require.ErrorContains(t, err, "symbolic link")
	require.ErrorContains(t, tgt.write([]byte("A=2\n")), "symbolic link")
}

// Output directories that do not exist are created, inside the base
// (they were an error: "directory ... does not exist").
func TestWriteCreatesMissingDirectories(t *testing.T) {
	base := t.TempDir()
	tgt, err := Confine(base, "deploy/chat/app.env", false)
	require.NoError(t, err)
	require.NoError(t, tgt.write([]byte("A=1\n")))
	b, err := os.ReadFile(filepath.Join(base, "deploy", "chat", "app.env"))
	require.NoError(t, err)
	assert.Equal(t, "A=1\n", string(b))
}
