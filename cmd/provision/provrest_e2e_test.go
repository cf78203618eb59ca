package main

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// provRestManifest declares RAC property mappings used by a RAC provider
// and its endpoint, and a SCIM provider with every field an admin sets:
// its group filters by group name, the service-account exclusion, the
// compatibility mode, dry run and the sync pages.
const provRestManifest = `version: 1
stack: provrest
variables:
  SCIM_TOKEN: {sensitive: true}
groups:
  - name: Engineers
  - name: Ops
property_mappings:
  - name: rdp-high-fidelity
    type: provider_rac
    static_settings: {enable-wallpaper: "true", resize-method: display-update}
  - name: rdp-user-drive
    type: provider_rac
    static_settings: {}
    expression: 'return {"drive-name": request.user.username}'
providers:
  - name: desktops
    type: rac
    authorization_flow: default-provider-authorization-implicit-consent
    property_mappings: [rdp-high-fidelity]
    endpoints:
      - name: win-jump
        host: win.corp.example
        protocol: rdp
        auth_mode: prompt
        property_mappings: [rdp-user-drive]
  - name: crm-scim
    type: scim
    url: https://crm.example.com/scim/v2
    token: ${SCIM_TOKEN}
    group_filters: [Engineers, Ops]
    exclude_users_service_account: true
    compatibility_mode: slack
    dry_run: true
    sync_page_size: 50
    sync_page_timeout: minutes=10
applications:
  - name: Desktops
    slug: desktops
    provider: desktops
    backchannel_providers: [crm-scim]
`

// Issue 24's remainders: RAC property mappings by name from a RAC
// provider and endpoint, and a SCIM provider's filters and sync settings.
// It applies, a second plan is empty, the wire holds every field, a change
// of the group filters is one in-place update, and export plans empty.
func TestRACMappingsAndSCIMFiltersEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["SCIM_TOKEN"] = scimToken
	path := writeManifest(t, provRestManifest)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out+r.err, scimToken)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	hifi := wireOne(t, c, "propertymappings/provider/rac/", url.Values{"name": {"rdp-high-fidelity"}})
	assert.Equal(t, map[string]any{"enable-wallpaper": "true", "resize-method": "display-update"}, hifi["static_settings"])
	assert.Equal(t, "", hifi["expression"], "an omitted expression is empty")
	drive := wireOne(t, c, "propertymappings/provider/rac/", url.Values{"name": {"rdp-user-drive"}})
	assert.Equal(t, `return {"drive-name": request.user.username}`, drive["expression"])
	assert.Equal(t, map[string]any{}, drive["static_settings"])
	rac := wireOne(t, c, "providers/rac/", url.Values{"name": {"desktops"}})
	assert.Equal(t, []any{hifi["pk"]}, rac["property_mappings"])
	ep := wireOne(t, c, "rac/endpoints/", url.Values{"name": {"win-jump"}})
	assert.Equal(t, []any{drive["pk"]}, ep["property_mappings"])

	scim := wireOne(t, c, "providers/scim/", url.Values{"name": {"crm-scim"}})
	assert.ElementsMatch(t, []any{c.emu.GroupPK("Engineers"), c.emu.GroupPK("Ops")}, scim["group_filters"])
	assert.NotContains(t, scim, "filter_group", "authentik 2026.2.2 has group_filters only")
	assert.Equal(t, true, scim["exclude_users_service_account"])
	assert.Equal(t, "slack", scim["compatibility_mode"])
	assert.Equal(t, true, scim["dry_run"])
	assert.Equal(t, float64(50), scim["sync_page_size"])
	assert.Equal(t, "minutes=10", scim["sync_page_timeout"])
	assert.Len(t, wireList(t, c, "providers/scim/", url.Values{"group_filters": {c.emu.GroupPK("Ops")}}), 1, "the group_filters list filter")
	app := wireOne(t, c, "core/applications/", url.Values{"slug": {"desktops"}})
	assert.Equal(t, []any{scim["pk"]}, app["backchannel_providers"])

	// Narrowing the filters is one in-place update of the provider.
	narrowed := strings.Replace(provRestManifest, "group_filters: [Engineers, Ops]", "group_filters: [Engineers]", 1)
	require.NoError(t, os.WriteFile(path, []byte(narrowed), 0o600))
	r = c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ provider "crm-scim" {`)
	assert.Contains(t, r.out, "group_filters")
	assert.Contains(t, r.out, "1 to change, 0 to destroy")
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	scim = wireOne(t, c, "providers/scim/", url.Values{"name": {"crm-scim"}})
	assert.Equal(t, []any{c.emu.GroupPK("Engineers")}, scim["group_filters"])
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "empty after the update: %s%s", r.out, r.err)

	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, scimToken)
	for _, want := range []string{"type: provider_rac", "name: rdp-high-fidelity", "resize-method: display-update", "name: rdp-user-drive",
		"static_settings: {}", "- rdp-high-fidelity", "- rdp-user-drive", "group_filters:", "- Engineers", "exclude_users_service_account: true",
		"compatibility_mode: slack", "dry_run: true", "sync_page_size: 50", "sync_page_timeout: minutes=10"} {
		assert.Contains(t, r.out, want)
	}
	exported := writeManifest(t, r.out)
	c.env["CRM_SCIM_TOKEN"] = scimToken
	r = c.run("plan", "-f", exported, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// A group filter names a group the manifest or authentik has; an unknown
// name is refused offline, at its line, with nothing written.
func TestSCIMGroupFilterUnknownGroup(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["SCIM_TOKEN"] = scimToken
	path := writeManifest(t, strings.Replace(provRestManifest, "group_filters: [Engineers, Ops]", "group_filters: [Engineers, Opz]", 1))
	r := c.run("plan", "-f", path)
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `m.yaml:31:5: group "Opz": not declared in the manifest and not found in authentik; did you mean "Ops"?`)
	assert.Zero(t, c.emu.Writes())
}

const scimOAuthManifest = `version: 1
variables:
  GH_SECRET: {sensitive: true}
sources:
  - slug: github
    type: oauth
    name: GitHub
    provider_type: github
    consumer_key: Iv1.corp
    consumer_secret: ${GH_SECRET}
providers:
  - name: crm-scim
    type: scim
    url: https://crm.example.com/scim/v2
    auth_mode: oauth
    auth_oauth: github
    auth_oauth_params: {grant_type: client_credentials}
`

// A SCIM provider authenticating through an OAuth source names it by slug;
// authentik refuses the OAuth mode without an enterprise license
// (validate_auth_mode), and the plan's apply says so.
func TestSCIMProviderOAuthSource(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{Enterprise: true})
	c := newCLIFor(t, srv.URL, emu)
	c.env["GH_SECRET"] = ghSecret
	path := writeManifest(t, scimOAuthManifest)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	src := wireOne(t, c, "sources/oauth/", url.Values{"slug": {"github"}})
	scim := wireOne(t, c, "providers/scim/", url.Values{"name": {"crm-scim"}})
	assert.Equal(t, "oauth", scim["auth_mode"])
	assert.Equal(t, src["pk"], scim["auth_oauth"])
	assert.Equal(t, map[string]any{"grant_type": "client_credentials"}, scim["auth_oauth_params"])

	free := newCLI(t)
	free.env["GH_SECRET"] = ghSecret
	r = free.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, "Enterprise is required to use the OAuth mode.")
}

// A RAC mapping without static_settings is refused before any write:
// RACPropertyMappingSerializer requires it on create.
func TestRACMappingNeedsStaticSettings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, "version: 1\nproperty_mappings:\n  - name: m3\n    type: provider_rac\n    expression: \"return {}\"\n")
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `m.yaml:3:5: provider_rac property mapping "m3": static_settings is required to create it`)
	assert.Zero(t, c.emu.Writes())
}
