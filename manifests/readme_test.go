package manifests

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The repository root, seen from this package's directory.
const repoRoot = ".."

// readmeSection returns the README's text under the heading (a line
// "## NAME" or "### NAME") up to the next heading of the same or a
// higher level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	level, start := 0, -1
	for i, l := range lines {
		if start < 0 {
			if h := strings.TrimLeft(l, "#"); strings.HasPrefix(l, "#") && strings.TrimSpace(h) == heading {
				level, start = len(l)-len(h), i+1
			}
			continue
		}
		if h := strings.TrimLeft(l, "#"); strings.HasPrefix(l, "#") && strings.HasPrefix(h, " ") && len(l)-len(h) <= level {
			return strings.Join(lines[start:i], "\n")
		}
	}
	require.GreaterOrEqual(t, start, 0, "README.md has no heading %q", heading)
	return strings.Join(lines[start:], "\n")
}

// firstCells returns the backquoted names in the first cell of each row
// of the section's tables (header and separator rows left out).
func firstCells(section string) []string {
	tick := regexp.MustCompile("`([^`]+)`")
	var out []string
	for _, l := range strings.Split(section, "\n") {
		if !strings.HasPrefix(l, "| ") {
			continue
		}
		cell := strings.Split(l, "|")[1]
		for _, m := range tick.FindAllStringSubmatch(cell, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// goModDirect lists the modules go.mod requires directly (no "// indirect").
func goModDirect(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	require.NoError(t, err)
	var out []string
	inBlock := false
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "require (":
			inBlock = true
			continue
		case inBlock && l == ")":
			inBlock = false
			continue
		case strings.HasPrefix(l, "require "):
			l = strings.TrimPrefix(l, "require ")
		case !inBlock:
			continue
		}
		if l == "" || strings.HasPrefix(l, "//") || strings.Contains(l, "// indirect") {
			continue
		}
		out = append(out, strings.Fields(l)[0])
	}
	sort.Strings(out)
	return out
}

// The README's dependency table names every direct requirement of go.mod,
// and nothing else.
func TestReadmeDependenciesMatchGoMod(t *testing.T) {
	want := goModDirect(t)
	require.NotEmpty(t, want)
	got := firstCells(readmeSection(t, "Dependencies"))
	sort.Strings(got)
	assert.Equal(t, want, got, "README.md's Dependencies table and go.mod's direct requirements differ")
}

// The README's Layout lists every directory holding Go files exactly once,
// as `dir/`, and nothing that is not one.
func TestReadmeLayoutListsEveryPackage(t *testing.T) {
	var want []string
	err := filepath.WalkDir(repoRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != repoRoot && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".go") {
			rel, err := filepath.Rel(repoRoot, filepath.Dir(path))
			if err != nil {
				return err
			}
			dir := filepath.ToSlash(rel) + "/"
			if len(want) == 0 || want[len(want)-1] != dir {
				want = append(want, dir)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, want, "internal/plan/")

	got := firstCells(readmeSection(t, "Layout"))
	seen := map[string]int{}
	for _, p := range got {
		seen[p]++
	}
	for _, dir := range want {
		assert.Equal(t, 1, seen[dir], "README.md's Layout should list `%s` once", dir)
	}
	for p := range seen {
		assert.Contains(t, want, p, "README.md's Layout lists `%s`, which holds no Go files", p)
	}
}
