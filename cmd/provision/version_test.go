package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"go install module@version", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout, clean", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "false")}, "dev (revision abc123)"},
		{"checkout, dirty", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "true")}, "dev (revision abc123, dirty)"},
		{"pseudo-version with revision", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129002915-ff44760cc122+dirty"}, Settings: vcs("ff44760cc122", "true")}, "v0.0.0-20261129002915-ff44760cc122+dirty (revision ff44760cc122, dirty)"},
		{"no information", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev (built without version control information)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, versionFromBuildInfo(&tc.info))
		})
	}
}

// TestVersionOfCheckoutBuild builds version.go from a fresh git
// repository with the go command's own VCS stamping, as `go install
// ./cmd/provision` does on a fresh clone, and checks the version names the
// commit and then the dirty work tree. (Git worktrees get no stamp from
// the go command, so the test makes a plain repository.) It builds a
// small main around version.go, which takes a second; with
// PROVISION_BUILD_TESTS=1 it builds the whole binary from a copy of the
// module and runs its --version (10-20 s, longer with a cold cache).
func TestVersionOfCheckoutBuild(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	whole := os.Getenv("PROVISION_BUILD_TESTS") == "1"
	if whole {
		copyModule(t, root, dir)
	} else {
		for _, f := range []string{"go.mod", "go.sum"} {
			copyFile(t, filepath.Join(root, f), filepath.Join(dir, f))
		}
		copyFile(t, "version.go", filepath.Join(dir, "cmd/provision/version.go"))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "cmd/provision/main.go"), []byte(`package main

import "fmt"

var version = "dev"

func main() { fmt.Println("provision version " + buildVersion()) }
`), 0o644))
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		// Pin git to the copy, so it can never touch this repository.
		cmd.Env = append(os.Environ(), "GIT_DIR="+filepath.Join(dir, ".git"), "GIT_WORK_TREE="+dir, "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "test")
	rev := git("rev-parse", "HEAD")

	versionOf := func() string {
		bin := filepath.Join(t.TempDir(), "provision")
		args := []string{"build", "-buildvcs=true", "-o", bin}
		if raceEnabled && whole {
			args = append(args, "-race") // reuse the race build's packages
		}
		build := exec.Command("go", append(args, "./cmd/provision")...)
		build.Dir = dir
		build.Env = append(os.Environ(), "GOFLAGS=")
		out, err := build.CombinedOutput()
		require.NoError(t, err, "go build: %s", out)
		out, err = exec.Command(bin, "--version").CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	got := versionOf()
	assert.Contains(t, got, "revision "+rev)
	assert.NotContains(t, got, "dirty")
	assert.NotEqual(t, "provision version dev", got)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "cmd/provision/local.go"), []byte("package main\n"), 0o644))
	got = versionOf()
	assert.Contains(t, got, "revision "+rev+", dirty")
}

// copyModule copies the module at root into dir, without .git.
func copyModule(t *testing.T, root, dir string) {
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case d.Name() == ".git": // a directory, or a worktree's gitdir file
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		copyFile(t, path, filepath.Join(dir, rel))
		return nil
	}))
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, b, 0o644))
}
