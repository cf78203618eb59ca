package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runNoEnv runs the CLI with an environment that fails the test when read.
func runNoEnv(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) (string, bool) {
		t.Errorf("validate --offline read the environment variable %s", k)
		return "", false
	}
	if args[0] != "validate" || args[1] != "--offline" {
		env = func(string) (string, bool) { return "", false } // an empty environment
	}
	streams := IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, deps: testDeps(), LookupEnv: env}
	code := run(context.Background(), args, streams)
	return result{out: out.String(), err: errOut.String(), code: code}
}

// validate --offline passes every example manifest with no variable set,
// reading nothing from the environment.
func TestValidateOfflinePassesEveryExample(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../manifests/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			r := runNoEnv(t, "validate", "--offline", "-f", f)
			assert.Equal(t, exitOK, r.code, r.err)
			assert.Contains(t, r.out, f+" is valid")
		})
	}
}

// Offline, a whole ${NAME} is a value of its field's type, given later;
// text around one where a bool goes never is, and a real mistake is still
// reported at its line.
func TestValidateOfflineTypeChecksPlaceholders(t *testing.T) {
	t.Parallel()
	const head = "version: 1\nvariables: {NEW_TAB: {}, URL: {}}\n"
	for name, tc := range map[string]struct {
		body string
		want string // "" for valid
	}{
		"bool placeholder": {body: "applications:\n  - slug: chat\n    name: Chat\n    open_in_new_tab: ${NEW_TAB}\n    meta_launch_url: ${URL}\n"},
		"text around a bool placeholder": {body: "applications:\n  - slug: chat\n    name: Chat\n    open_in_new_tab: x${NEW_TAB}\n",
			want: ":6:22: "},
		"a misspelt field": {body: "applications:\n  - slug: chat\n    nmae: Chat\n    meta_launch_url: ${URL}\n",
			want: `:5:5: unknown field "nmae"`},
		"an undeclared variable": {body: "applications:\n  - slug: chat\n    name: ${NAME}\n",
			want: ":5:11: variable NAME is not declared"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "m.yaml")
			require.NoError(t, os.WriteFile(path, []byte(head+tc.body), 0o644))
			r := runNoEnv(t, "validate", "--offline", "-f", path)
			if tc.want == "" {
				assert.Equal(t, exitOK, r.code, r.err)
				return
			}
			assert.Equal(t, exitError, r.code)
			assert.Contains(t, r.err, path+tc.want)
		})
	}
}

// -o github: one workflow-command annotation per problem, at its line.
func TestValidateGitHubAnnotatesEachProblem(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\ngroups:\n  - name: a\nproviders:\n  - nmae: chat\n    type: oauth2\n"), 0o644))
	for _, args := range [][]string{
		{"validate", "-o", "github", "-f", path},
		{"validate", "--offline", "-o", "github", "-f", path},
		{"plan", "-o", "github", "-f", path},
	} {
		r := runNoEnv(t, args...)
		assert.Equal(t, exitError, r.code, args)
		assert.Empty(t, r.err, args)
		lines := strings.Split(strings.TrimSpace(r.out), "\n")
		require.Len(t, lines, 2, r.out)
		assert.Equal(t, "::error file="+path+`,line=5,col=5::unknown field "nmae" in providers; did you mean "name"?`, lines[0])
		assert.Equal(t, "::error file="+path+",line=5,col=5::provider: name is required", lines[1])
	}
}
