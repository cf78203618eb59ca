package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testRoot() *cobra.Command {
	return newRootCmd(IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{},
		LookupEnv: func(string) (string, bool) { return "", false }})
}

func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	root := testRoot()
	for _, cmd := range append(root.Commands(), root) {
		assert.NotEmpty(t, cmd.Example, "command %q has no Example: add one to examples in help.go", cmd.Name())
		if f := cmd.Flags().Lookup("output"); f != nil && f.Shorthand == "o" {
			assert.NotEmpty(t, outputFormats[cmd.Name()], "command %q has -o: list its formats in outputFormats in help.go, for completion", cmd.Name())
		}
	}
}

// Subcommands (state list, release, unlock) are commands too; cobra's own
// completion subcommands are left out.
func TestEverySubcommandHasAnExample(t *testing.T) {
	t.Parallel()
	for _, cmd := range testRoot().Commands() {
		if cmd.Name() == "completion" {
			continue
		}
		for _, sub := range cmd.Commands() {
			assert.NotEmpty(t, sub.Example, "command %q has no Example: add one to examples in help.go", sub.CommandPath())
		}
	}
}

func TestRootHelpListsExitCodes(t *testing.T) {
	t.Parallel()
	r := offlineCLI(t).run("--help")
	require.Equal(t, exitOK, r.code)
	for _, want := range []string{"Exit codes:", "0  success", "1  error", "2  plan --detailed-exitcode only"} {
		assert.Contains(t, r.out, want)
	}
}

func TestPositionalManifestSuggestsFile(t *testing.T) {
	t.Parallel()
	c := offlineCLI(t)
	for _, cmd := range []string{"validate", "plan", "env", "show", "check"} {
		r := c.run(cmd, "my.yaml")
		assert.Equal(t, exitError, r.code)
		assert.Equal(t, "Error: "+cmd+" takes the manifest with -f: provision "+cmd+" -f my.yaml\n", r.err, cmd)
	}
	r := c.run("my.yaml")
	assert.Equal(t, "Error: \"my.yaml\" is not a command; to see what a manifest would change: provision plan -f my.yaml\n", r.err)
	r = c.run("plan", "extra")
	assert.Equal(t, "Error: unexpected argument \"extra\" (see provision plan --help)\n", r.err)
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	c := offlineCLI(t)
	lines := func(out string) []string {
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, ":") && !strings.HasPrefix(l, "Completion ended") {
				got = append(got, l)
			}
		}
		sort.Strings(got)
		return got
	}
	r := c.run("__complete", "plan", "-o", "")
	assert.Equal(t, []string{"json", "markdown", "text"}, lines(r.out))
	for _, cmd := range []string{"apply", "show", "check"} {
		r = c.run("__complete", cmd, "-o", "")
		assert.Equal(t, []string{"json", "text"}, lines(r.out), cmd)
	}
	r = c.run("__complete", "export", "--format", "")
	assert.Equal(t, []string{"yaml"}, lines(r.out))
	// state release --kind had no completion (issue 32, point 7).
	r = c.run("__complete", "state", "release", "--kind", "")
	assert.Equal(t, []string{"access", "application", "brand", "certificate", "flow", "group", "initial permissions", "notification rule", "notification transport", "outpost", "outpost attachment", "policy", "prompt", "property mapping", "provider", "role", "scope mapping", "service connection", "source", "stage", "token", "user"}, lines(r.out))

	// --app: the slugs of the manifest given with -f, even with its
	// variables unset (c.env has none of the example's).
	r = c.run("__complete", "show", "-f", "../../manifests/directory-and-saml.yaml", "--app", "")
	assert.Equal(t, []string{"dashboards\tDashboards", "directory\tDirectory", "wiki\tWiki"}, lines(r.out))
	r = c.run("__complete", "env", "-f", "../../manifests/directory-and-saml.yaml", "--app", "d")
	assert.Equal(t, []string{"dashboards\tDashboards", "directory\tDirectory"}, lines(r.out))
	r = c.run("__complete", "env", "--app", "")
	assert.Empty(t, lines(r.out), "no manifest given, nothing to offer")
}

// TestCLIReferenceIsCurrent keeps docs/cli/ (generated with cobra's doc
// package) in step with the commands; -update rewrites it.
func TestCLIReferenceIsCurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := testRoot()
	root.DisableAutoGenTag = true
	require.NoError(t, doc.GenMarkdownTree(root, dir))
	const ref = "../../docs/cli"
	if *update {
		require.NoError(t, os.RemoveAll(ref))
		require.NoError(t, os.CopyFS(ref, os.DirFS(dir)))
	}
	want, err := filepath.Glob(filepath.Join(dir, "*.md"))
	require.NoError(t, err)
	got, err := filepath.Glob(filepath.Join(ref, "*.md"))
	require.NoError(t, err)
	base := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			out[i] = filepath.Base(p)
		}
		return out
	}
	require.Equal(t, base(want), base(got), "docs/cli is stale: go test ./cmd/provision -run CLIReference -update")
	for _, w := range want {
		wb, err := os.ReadFile(w)
		require.NoError(t, err)
		gb, err := os.ReadFile(filepath.Join(ref, filepath.Base(w)))
		require.NoError(t, err)
		assert.Equal(t, string(wb), string(gb), "docs/cli/%s is stale: go test ./cmd/provision -run CLIReference -update", filepath.Base(w))
	}
}

// offlineCLI runs commands that never reach authentik.
func offlineCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{}}
}
