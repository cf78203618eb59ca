package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Renaming an application's slug in a stack deletes the old application and
// creates the new one with the same provider, which authentik lets only one
// application hold: one apply does it (the create waits for the delete).
func TestRenamedApplicationSlugTakesItsProviderInOneApply(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	manifest := func(slug string) string {
		return `version: 1
stack: rename
groups:
  - name: users
providers:
  - name: P
    type: oauth2
    authorization_flow: default-provider-authorization-implicit-consent
    invalidation_flow: default-provider-invalidation-flow
    redirect_uris: [{matching_mode: strict, url: "https://x.example.com/cb"}]
applications:
  - name: App
    slug: ` + slug + `
    provider: P
    access:
      groups: [users]
`
	}
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(manifest("old")), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)

	require.NoError(t, os.WriteFile(path, []byte(manifest("new")), 0o644))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, strings.Index(r.out, `application "old": destroyed`) < strings.Index(r.out, `application "new": created`), r.out)
	assert.Equal(t, 1, c.emu.Counts()["application"])
}

// A provider kept by an application outside the manifest is a plan error,
// with nothing written; once the manifest moves that application off it,
// one apply does both, the move first.
func TestProviderKeptByAnotherApplication(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	base := `version: 1
providers:
  - name: P
    type: oauth2
    redirect_uris: [{matching_mode: strict, url: "https://x.example.com/cb"}]
applications:
  - name: Old
    slug: old
    provider: P
`
	require.NoError(t, os.WriteFile(path, []byte(base), 0o644))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	// "new" takes P while "old" (no longer declared) keeps it.
	taken := strings.Replace(base, "  - name: Old\n    slug: old\n", "  - name: New\n    slug: new\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(taken), 0o644))
	before := c.emu.Writes()
	r := c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `provider "P" is already used by application "old"`)
	assert.Equal(t, before, c.emu.Writes(), "refused at plan time")

	// Declared and moved off, it gives P up first, in the same apply.
	require.NoError(t, os.WriteFile(path, []byte(taken+"  - {name: Old, slug: old, provider: null}\n"), 0o644))
	r = c.run("apply", "-f", path, "--auto-approve", "--parallelism", "1")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Less(t, strings.Index(r.out, `application "old": updated`), strings.Index(r.out, `application "new": created`), r.out)
}
