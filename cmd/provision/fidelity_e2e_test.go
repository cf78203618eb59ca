package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// Where authentik's real behaviour changes what provision must do (issue
// 15), through the CLI.

// authentik deletes an application's backchannel providers with it
// (authentik/core/models.py, Provider.backchannel_application, CASCADE):
// the plan says so before the apply does it.
func TestPlanShowsBackchannelProvidersDeletedWithTheirApplication(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	require.Equal(t, exitOK, c.run("apply", "-f", writeManifest(t, `version: 1
providers:
  - {name: Chat, type: oauth2, redirect_uris: [{url: 'https://chat.example.com/cb'}]}
  - {name: Directory, type: ldap}
applications:
  - {name: Chat, slug: chat, provider: Chat}
`), "--auto-approve").code)
	// An admin makes the LDAP provider the application's backchannel provider.
	_, _, err := c.api().CoreApi.CoreApplicationsPartialUpdate(ctx, "chat").
		PatchedApplicationRequest(api.PatchedApplicationRequest{BackchannelProviders: []int32{c.emu.LDAPProviderPK("Directory")}}).Execute()
	require.NoError(t, err)

	absent := writeManifest(t, "version: 1\napplications:\n  - {name: Chat, slug: chat, state: absent}\n")
	r := c.run("plan", "-f", absent)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "  # (authentik also deletes its backchannel provider \"Directory\")\n  - application \"chat\"\n")

	r = c.run("plan", "-f", absent, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var doc struct {
		Changes []struct{ Notes []string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &doc))
	require.Len(t, doc.Changes, 1)
	assert.Equal(t, []string{`authentik also deletes its backchannel provider "Directory"`}, doc.Changes[0].Notes)

	// A manifest that keeps the provider cannot also delete the application.
	keep := writeManifest(t, "version: 1\nproviders:\n  - {name: Directory, type: ldap}\napplications:\n  - {name: Chat, slug: chat, state: absent}\n")
	c.emu.ResetLog()
	r = c.run("apply", "-f", keep, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `deleting application "chat" also deletes its backchannel provider "Directory"`)
	assert.Equal(t, 0, c.emu.Writes())

	require.Equal(t, exitOK, c.run("apply", "-f", absent, "--auto-approve").code)
	assert.Equal(t, int32(0), c.emu.LDAPProviderPK("Directory"), "authentik deleted it with the application")
}

// authentik compiles expressions and validates outpost config on save
// (authentik/lib/expression/evaluator.py, authentik/outposts/api/outposts.py):
// validate refuses the same mistakes offline, before any request.
func TestValidateRefusesWhatAuthentikWouldOnSave(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
scope_mappings:
  - name: roles
    scope_name: roles
    expression: |
      return {"roles": [g.name for g in request.user.groups.all()]
providers:
  - {name: Directory, type: ldap}
outposts:
  - name: LDAP
    type: ldap
    providers: [Directory]
    config:
      refresh_interval: every minute
`)
	c.emu.ResetLog()
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, path+`:5:5: scope mapping "roles": expression does not compile, so authentik would refuse it: '{' was never closed (line 1 of the expression)`)
	assert.Contains(t, r.err, path+`:14:7: outpost "LDAP": config refresh_interval must be a duration such as "minutes=5", got "every minute"`)
	assert.Empty(t, c.emu.Requests(), "validate is offline")
	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, 0, c.emu.Writes())
}
