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
