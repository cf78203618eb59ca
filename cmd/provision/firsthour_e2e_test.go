package main

// Issue 32, "the first hour": what a newcomer saw, each mistake made on
// purpose, and what provision says now.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Point 1: a shape mistake is the field, what it takes and the fix, at the
// value's line and column; it was "cannot unmarshal !!str … into
// manifest.RedirectURI" at column 1.
func TestFirstHourShapeErrorsSpeakManifest(t *testing.T) {
	c := newCLI(t)
	path := writeManifest(t, `version: 1
providers:
  - name: X
    type: oauth2
    redirect_uris: [https://x.example.com/cb]
`)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: "+path+`:5:21: redirect_uris: each item is {url: …, matching_mode: strict|regex}, not "https://x.example.com/cb"; write: - url: https://x.example.com/cb`+"\n", r.err)
	assert.NotRegexp(t, `manifest\.|unmarshal|!!|\[\]string`, r.err)
}

// Point 4: -o meant a format (plan, apply, show, check), an output's name
// (env --output) and a file (export -o). Now -o/--format is a format,
// --out a file and --output NAME an output, everywhere; the old spellings
// still work for one release, each with a warning naming the new one.
func TestFirstHourFlagsMeanOneThing(t *testing.T) {
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	dir := t.TempDir()

	// export --out FILE writes the file; -o is a format.
	out := filepath.Join(dir, "x.yaml")
	r := c.run("export", "--app", "librechat", "--out", out, "-o", "yaml")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Empty(t, r.err)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), "slug: librechat")
	old := filepath.Join(dir, "old.yaml")
	r = c.run("export", "--app", "librechat", "-o", old)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, "Warning: -o "+old+" as a file is the old spelling of --out "+old+", and goes away in the next release (-o now names a format).\n", r.err)
	assert.FileExists(t, old)

	// --format, and --output FORMAT as its old spelling.
	for _, cmd := range [][]string{{"plan", "-f", seedManifest}, {"show", "-f", seedManifest, "--app", "librechat"}} {
		r = c.run(append(cmd, "--format", "json")...)
		require.Equal(t, exitOK, r.code, r.err)
		assert.True(t, json.Valid([]byte(r.out)), cmd)
		r = c.run(append(cmd, "--output", "json")...)
		require.Equal(t, exitOK, r.code, r.err)
		assert.True(t, json.Valid([]byte(r.out)), cmd)
		assert.Contains(t, r.err, "Warning: --output json is the old spelling of -o/--format json, and goes away in the next release.\n")
	}
	r = c.run("apply", "-f", seedManifest, "--auto-approve", "--output", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, json.Valid([]byte(r.out)))

	// check: --output NAME names an output; --output-name is its old
	// spelling; --output json, the old format flag, still is a format.
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "librechat", "-o", "json")
	assert.NotContains(t, r.err, "Warning: --output")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output-name", "librechat", "-o", "json")
	assert.Contains(t, r.err, "Warning: --output-name librechat is the old spelling of --output librechat")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "json")
	assert.Contains(t, r.err, "Warning: --output json as a format is the old spelling of -o/--format json")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "nope")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `application "librechat" has no output "nope"`)
}
