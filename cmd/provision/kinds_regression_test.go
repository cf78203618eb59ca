package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// Regression tests for bugs found while testing the new kinds: each failed
// before its fix.

func TestScopeMappingNameTakenByASAMLMappingIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// An admin made a SAML mapping with the name the manifest's scope mapping uses.
	_, _, err := c.api().PropertymappingsApi.PropertymappingsProviderSamlCreate(context.Background()).
		SAMLPropertyMappingRequest(*api.NewSAMLPropertyMappingRequest("roles: group names", "return request.user.username", "roles")).Execute()
	require.NoError(t, err)
	path := writeManifest(t, scopeManifest)

	c.emu.ResetLog()
	r := c.run("plan", "-f", path)
	assert.Equal(t, exitError, r.code, "plan must refuse, not plan a create authentik will refuse:\n%s", r.out)
	assert.Contains(t, r.err, path+`:3:5: scope mapping "roles: group names"`)
	assert.Contains(t, r.err, "SAML")
	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, 0, c.emu.Writes(), "no write: %v", writeLog(c))
}

func TestOutpostListingAnAbsentProviderIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", writeManifest(t, ldapManifest), "--auto-approve").code)
	path := writeManifest(t, `version: 1
providers:
  - {name: Directory, type: ldap, state: absent}
outposts:
  - name: LDAP
    type: ldap
    providers: [Directory]
`)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, path+`:7:17: outpost "LDAP" lists provider "Directory", which the manifest marks state: absent`)

	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code, r.out+r.err)
	assert.NotEqual(t, int32(0), c.emu.LDAPProviderPK("Directory"), "nothing deleted")
}

func TestAbsentEntryNeverDeletesAProviderOfAnotherType(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pk := createByHand(t, c, "saml", "Wiki")
	path := writeManifest(t, "version: 1\nproviders:\n  - {name: Wiki, type: oauth2, state: absent}\n")
	c.emu.ResetLog()
	r := c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, path+":3:")
	assert.Contains(t, r.err, `provider "Wiki" exists in authentik as a SAML Provider, not a oauth2 provider`)
	assert.Equal(t, 0, c.emu.Writes(), "%v", writeLog(c))
	assert.Equal(t, pk, c.emu.SAMLProviderPK("Wiki"), "the SAML provider is kept")
}
