package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

func TestAReferenceTypoGetsDidYouMean(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nproviders:\n  - name: chat\n    type: oauth2\n    authorization_flow: default-provider-authorization-implict-consent\n"), 0o644))
	r := c.run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, path+`:5:5: flow "default-provider-authorization-implict-consent": not found in authentik; did you mean "default-provider-authorization-implicit-consent"?`)
	assert.Equal(t, 0, c.emu.Writes())
}

// Whatever command, and whichever of its parallel reads fails first, a
// refused token is one sentence naming where the token came from, once.
func TestARefusedTokenIsNamedOnceByEveryCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["AUTHENTIK_TOKEN"] = "wrong"
	for _, args := range [][]string{
		{"plan", "-f", seedManifest},
		{"apply", "-f", seedManifest, "--auto-approve"},
		{"env", "-f", seedManifest, "--app", "librechat"},
		{"show", "-f", seedManifest, "--app", "librechat"},
		{"check", "-f", seedManifest, "--app", "librechat"},
	} {
		for range 3 {
			r := c.run(args...)
			assert.Equal(t, exitError, r.code, args)
			assert.Equal(t, "Error: authentik refused the API token (AUTHENTIK_TOKEN, or the file given with --token-file): Token invalid/expired\n", r.err, args)
			assert.Equal(t, 1, strings.Count(r.err, "AUTHENTIK_TOKEN"))
		}
	}
}

func TestHTTPSToAPlainServerSaysUseHTTP(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	plain := c.env["AUTHENTIK_URL"]
	c.env["AUTHENTIK_URL"] = "https://" + strings.TrimPrefix(plain, "http://")
	r := c.run("plan", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: cannot talk to authentik at "+c.env["AUTHENTIK_URL"]+": the server speaks http; use "+plain+"\n", r.err)
}

// plan and apply read authentik to complete "not declared" problems: a
// group that exists only there is adopted by declaring it, and a typo may
// be closest to a live name. validate, offline, says what it can.
func TestUndeclaredReferencesAreCheckedAgainstAuthentik(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	_, _, err := c.api().CoreApi.CoreGroupsCreate(ctx).GroupRequest(api.GroupRequest{Name: "Engineering"}).Execute()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\napplications:\n  - name: A\n    slug: a\n    access:\n      groups: [Engineering, Enginering, Marketing]\n"), 0o644))

	for _, cmd := range []string{"plan", "apply"} {
		c.emu.ResetLog()
		args := []string{cmd, "-f", path}
		if cmd == "apply" {
			args = append(args, "--auto-approve")
		}
		r := c.run(args...)
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.err, path+`:6:16: application "a" allows group "Engineering", which exists in authentik but is not declared in the manifest; declare it under groups to adopt it (its members untouched)`, cmd)
		assert.Contains(t, r.err, `application "a" allows group "Enginering", which is not declared in the manifest; did you mean "Engineering"? It exists in authentik: declare it under groups to adopt it (its members untouched)`, cmd)
		assert.Contains(t, r.err, `application "a" allows group "Marketing", which is not declared in the manifest; declare it under groups (if it already exists in authentik, declaring it adopts it, its members untouched)`, cmd)
		assert.Equal(t, 0, c.emu.Writes())
	}
	r := c.run("validate", "-f", path)
	assert.Contains(t, r.err, `application "a" allows group "Engineering", which is not declared in the manifest; declare it under groups (if it already exists in authentik, declaring it adopts it, its members untouched)`)
}

// A scope mapping named like one of a fresh install's LDAP-source mappings
// is refused at plan time, naming that mapping and its type: names are
// unique across every mapping type, and authentik would answer the create
// with a 400. Nothing is written.
func TestScopeMappingNamedLikeAnLDAPSourceMappingIsRefusedAtPlan(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nscope_mappings:\n  - name: 'authentik default LDAP Mapping: Name'\n    scope_name: ldapname\n    expression: return {}\n"), 0o644))
	for _, cmd := range []string{"plan", "apply"} {
		c.emu.ResetLog()
		args := []string{cmd, "-f", path}
		if cmd == "apply" {
			args = append(args, "--auto-approve")
		}
		r := c.run(args...)
		assert.Equal(t, exitError, r.code, cmd)
		assert.Contains(t, r.err, path+`:3:5: scope mapping "authentik default LDAP Mapping: Name": authentik already has a LDAP Source Property Mapping named "authentik default LDAP Mapping: Name", managed by authentik as goauthentik.io/sources/ldap/default-name, and property mapping names are unique across every mapping type; rename the entry`, cmd)
		assert.Equal(t, 0, c.emu.Writes(), cmd)
		assert.Equal(t, 1, c.emu.Count("GET", "/api/v3/propertymappings/all/"), "one read of every mapping's name")
	}
}
