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

// docSection returns a document's text under the heading (a line
// "## NAME" or "### NAME") up to the next heading of the same or a
// higher level.
func docSection(t *testing.T, doc, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, doc))
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
	require.GreaterOrEqual(t, start, 0, "%s has no heading %q", doc, heading)
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

// architecture is where the package layout and dependencies are described.
const architecture = "docs/architecture.md"

// The dependency table names every direct requirement of go.mod, and
// nothing else.
func TestDependenciesMatchGoMod(t *testing.T) {
	want := goModDirect(t)
	require.NotEmpty(t, want)
	got := firstCells(docSection(t, architecture, "Dependencies"))
	sort.Strings(got)
	assert.Equal(t, want, got, "docs/architecture.md's Dependencies table and go.mod's direct requirements differ")
}

// The README is a quickstart (issue 32): under 250 lines, with the two
// set-up commands first, and every document it links exists. That each of
// its commands runs as written is TestReadmeQuickstartRuns in
// cmd/provision, which can run the CLI.
func TestReadmeIsAQuickstart(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	text := string(b)
	lines := strings.Count(text, "\n")
	assert.Less(t, lines, 250, "README.md is a quickstart; reference goes to docs/")
	quick := docSection(t, "README.md", "Quickstart")
	assert.Contains(t, quick, "go run ./cmd/provision demo")
	assert.Contains(t, quick, ".ci/run")
	assert.Contains(t, quick, "first build takes minutes")
	for _, h := range []string{"Why provision, and when not", "The sandbox: try manifests without an authentik", "Connect to your authentik", "Your own manifest", "In a pipeline"} {
		assert.NotEmpty(t, docSection(t, "README.md", h))
	}
	// .ci/run is the test command the README gives: it must run every test.
	ci, err := os.ReadFile(filepath.Join(repoRoot, ".ci/run"))
	require.NoError(t, err)
	assert.Contains(t, string(ci), "go test -race -count=1 ./...")
	for _, doc := range []string{"README.md", "docs/reference.md", "docs/architecture.md", "docs/security.md", "docs/performance.md", "docs/testing.md"} {
		checkLinks(t, doc)
	}
}

// checkLinks checks that every relative link of a Markdown document names
// a file that exists, and an #anchor a heading of it.
func checkLinks(t *testing.T, doc string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, doc))
	require.NoError(t, err)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, m := range link.FindAllStringSubmatch(string(b), -1) {
		target := m[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		path, anchor, _ := strings.Cut(target, "#")
		file := filepath.Join(repoRoot, filepath.Dir(doc), path)
		if path == "" {
			file = filepath.Join(repoRoot, doc)
		}
		_, err := os.Stat(file)
		if !assert.NoError(t, err, "%s links %s, which does not exist", doc, target) || anchor == "" {
			continue
		}
		body, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Contains(t, anchors(string(body)), anchor, "%s links %s, which names no heading there", doc, target)
	}
}

// anchors lists the GitHub anchors of a Markdown document's headings.
func anchors(md string) []string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(l, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// The Layout lists every directory holding Go files exactly once,
// as `dir/`, and nothing that is not one.
func TestLayoutListsEveryPackage(t *testing.T) {
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

	got := firstCells(docSection(t, architecture, "Layout"))
	seen := map[string]int{}
	for _, p := range got {
		seen[p]++
	}
	for _, dir := range want {
		assert.Equal(t, 1, seen[dir], "docs/architecture.md's Layout should list `%s` once", dir)
	}
	for p := range seen {
		assert.Contains(t, want, p, "docs/architecture.md's Layout lists `%s`, which holds no Go files", p)
	}
}
