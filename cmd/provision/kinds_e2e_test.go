package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// writeManifest writes body to a fresh temporary directory and returns its path.
func writeManifest(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// posts counts the POSTs per path in the request log.
func posts(c *cli) map[string]int {
	out := map[string]int{}
	for _, r := range c.emu.Requests() {
		if r.Method == "POST" {
			out[r.Path]++
		}
	}
	return out
}

// writeLog lists the log's writes as "METHOD path".
func writeLog(c *cli) []string {
	var out []string
	for _, r := range c.emu.Requests() {
		switch r.Method {
		case "POST", "PUT", "PATCH", "DELETE":
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// planChange is one change of `plan -o json`.
type planChange struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Action string `json:"action"`
	ID     string `json:"id"`
	Source string `json:"source"`
	Fields []struct {
		Field  string `json:"field"`
		Before any    `json:"before"`
		After  any    `json:"after"`
	} `json:"fields"`
}

func planJSON(t *testing.T, out string) []planChange {
	t.Helper()
	var p struct {
		Changes []planChange `json:"changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p), out)
	return p.Changes
}

func selfSignedPK(t *testing.T, c *cli) string {
	t.Helper()
	keys, _, err := c.api().CryptoApi.CryptoCertificatekeypairsList(context.Background()).Name("authentik Self-signed Certificate").Execute()
	require.NoError(t, err)
	require.Len(t, keys.Results, 1)
	return keys.Results[0].Pk
}

// managedSAMLMappingPKs are the pks of every SAML mapping authentik ships.
func managedSAMLMappingPKs(t *testing.T, c *cli) []string {
	t.Helper()
	list, _, err := c.api().PropertymappingsApi.PropertymappingsProviderSamlList(context.Background()).PageSize(100).Execute()
	require.NoError(t, err)
	var out []string
	for _, m := range list.Results {
		if m.Managed.Get() != nil && strings.HasPrefix(*m.Managed.Get(), "goauthentik.io/providers/saml") {
			out = append(out, m.Pk)
		}
	}
	require.Len(t, out, 7, "a fresh install ships 7 managed SAML mappings")
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

const samlManifest = `version: 1
groups:
  - name: Wiki Users
providers:
  - name: Wiki
    type: saml
    acs_url: https://wiki.example.com/saml2/acs
    audience: https://wiki.example.com/saml2/metadata
applications:
  - name: Wiki
    slug: wiki
    provider: Wiki
    access:
      groups: [Wiki Users]
`

func TestSAMLProviderLifecycle(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	path := writeManifest(t, samlManifest)

	// Create: exactly one group, one SAML provider, one application, one binding.
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, map[string]int{
		"/api/v3/core/groups/":       1,
		"/api/v3/providers/saml/":    1,
		"/api/v3/core/applications/": 1,
		"/api/v3/policies/bindings/": 1,
	}, posts(c))
	assert.Equal(t, 4, c.emu.Writes())

	pk := c.emu.SAMLProviderPK("Wiki")
	require.NotZero(t, pk)
	p, _, err := c.api().ProvidersApi.ProvidersSamlRetrieve(ctx, pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, "https://wiki.example.com/saml2/acs", p.AcsUrl)
	assert.Equal(t, "https://wiki.example.com/saml2/metadata", *p.Audience)
	assert.Equal(t, api.SAMLBINDINGSENUM_POST, *p.SpBinding, "the form's POST binding, not the model's redirect")
	require.NotNil(t, p.SigningKp.Get())
	assert.Equal(t, selfSignedPK(t, c), *p.SigningKp.Get())
	assert.True(t, *p.SignAssertion)
	assert.Equal(t, managedSAMLMappingPKs(t, c), sorted(p.PropertyMappings), "undeclared property_mappings: every managed SAML mapping")
	assert.Equal(t, c.emu.FlowPK("default-provider-authorization-implicit-consent"), p.AuthorizationFlow)
	assert.Equal(t, c.emu.FlowPK("default-provider-invalidation-flow"), p.InvalidationFlow)
	app, _, err := c.api().CoreApi.CoreApplicationsRetrieve(ctx, "wiki").Execute()
	require.NoError(t, err)
	require.NotNil(t, app.Provider.Get())
	assert.Equal(t, pk, *app.Provider.Get())
	bindings, _, err := c.api().PoliciesApi.PoliciesBindingsList(ctx).Target(app.Pk).Execute()
	require.NoError(t, err)
	require.Len(t, bindings.Results, 1)
	assert.Equal(t, c.emu.GroupPK("Wiki Users"), *bindings.Results[0].Group.Get())

	// Converged.
	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, 0, c.emu.Writes(), "a second apply must not write: %v", writeLog(c))
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.out+r.err)

	// Drift: an admin switches the binding to redirect.
	require.NoError(t, c.emu.SetField("samlprovider", "Wiki", "sp_binding", "redirect"))
	r = c.run("plan", "-f", path, "--detailed-exitcode", "-o", "json")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, "provider", changes[0].Kind)
	assert.Equal(t, "Wiki", changes[0].Key)
	assert.Equal(t, "update", changes[0].Action)
	require.Len(t, changes[0].Fields, 1, r.out)
	assert.Equal(t, "sp_binding", changes[0].Fields[0].Field)
	assert.Equal(t, "redirect", changes[0].Fields[0].Before)
	assert.Equal(t, "post", changes[0].Fields[0].After)

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, []string{"PATCH /api/v3/providers/saml/" + itoa(pk) + "/"}, writeLog(c))
	p, _, err = c.api().ProvidersApi.ProvidersSamlRetrieve(ctx, pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, api.SAMLBINDINGSENUM_POST, *p.SpBinding)
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

func itoa(pk int32) string { return strconv.Itoa(int(pk)) }

const ldapManifest = `version: 1
groups:
  - name: Directory Users
providers:
  - name: Directory
    type: ldap
    base_dn: DC=ldap,DC=example,DC=com
applications:
  - name: Directory
    slug: directory
    provider: Directory
    access:
      groups: [Directory Users]
outposts:
  - name: LDAP
    type: ldap
    providers: [Directory]
`

func TestLDAPProviderInAnLDAPOutpost(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	path := writeManifest(t, ldapManifest)

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, map[string]int{
		"/api/v3/core/groups/":        1,
		"/api/v3/providers/ldap/":     1,
		"/api/v3/core/applications/":  1,
		"/api/v3/policies/bindings/":  1,
		"/api/v3/outposts/instances/": 1,
	}, posts(c))
	assert.Equal(t, 5, c.emu.Writes(), "%v", writeLog(c))

	pk := c.emu.LDAPProviderPK("Directory")
	require.NotZero(t, pk)
	p, _, err := c.api().ProvidersApi.ProvidersLdapRetrieve(ctx, pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, c.emu.FlowPK("default-authentication-flow"), p.AuthorizationFlow, "bind flow: the wizard's default-authentication-flow")
	assert.Equal(t, c.emu.FlowPK("default-invalidation-flow"), p.InvalidationFlow)
	assert.Equal(t, "DC=ldap,DC=example,DC=com", *p.BaseDn)
	assert.Equal(t, api.LDAPAPIACCESSMODE_CACHED, *p.SearchMode, "the form's cached, not the model's direct")
	assert.Equal(t, api.LDAPAPIACCESSMODE_CACHED, *p.BindMode)
	app, _, err := c.api().CoreApi.CoreApplicationsRetrieve(ctx, "directory").Execute()
	require.NoError(t, err)
	assert.Equal(t, pk, *app.Provider.Get())

	outposts, _, err := c.api().OutpostsApi.OutpostsInstancesList(ctx).NameIexact("LDAP").Execute()
	require.NoError(t, err)
	require.Len(t, outposts.Results, 1)
	assert.Equal(t, api.OUTPOSTTYPEENUM_LDAP, outposts.Results[0].Type)
	assert.Equal(t, []int32{pk}, outposts.Results[0].Providers)

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, 0, c.emu.Writes(), "a second apply must not write: %v", writeLog(c))
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)

	// A field the manifest does not declare is the admin's.
	require.NoError(t, c.emu.SetField("ldapprovider", "Directory", "mfa_support", false))
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.out+r.err)
}

const scopeManifest = `version: 1
scope_mappings:
  - name: "roles: group names"
    scope_name: roles
    description: The names of the user's groups
    expression: |
      return {"roles": [group.name for group in request.user.groups.all()]}
providers:
  - name: Dashboards
    type: oauth2
    scopes: [openid, profile, email, roles]
    redirect_uris:
      - url: https://dashboards.example.com/login/generic_oauth
`

func TestScopeMappingUsedByAnOAuth2Provider(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	path := writeManifest(t, scopeManifest)

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, map[string]int{
		"/api/v3/propertymappings/provider/scope/": 1,
		"/api/v3/providers/oauth2/":                1,
	}, posts(c))
	assert.Equal(t, 2, c.emu.Writes(), "%v", writeLog(c))
	assert.Equal(t, []string{"POST /api/v3/propertymappings/provider/scope/", "POST /api/v3/providers/oauth2/"}, writeLog(c), "the mapping first: the provider refers to it")

	list, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeList(ctx).Name("roles: group names").Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	m := list.Results[0]
	assert.Equal(t, "roles", m.ScopeName)
	assert.Equal(t, "The names of the user's groups", *m.Description)
	assert.Equal(t, `return {"roles": [group.name for group in request.user.groups.all()]}`, m.Expression, "stored trimmed")
	assert.Nil(t, m.Managed.Get())

	// The provider's mappings: the three managed defaults and the custom one.
	want := []string{m.Pk}
	for _, scope := range []string{"openid", "profile", "email"} {
		managed, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeList(ctx).
			Managed([]string{"goauthentik.io/providers/oauth2/scope-" + scope}).Execute()
		require.NoError(t, err)
		require.Len(t, managed.Results, 1)
		want = append(want, managed.Results[0].Pk)
	}
	p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(ctx, c.emu.ProviderPK("Dashboards")).Execute()
	require.NoError(t, err)
	assert.Equal(t, sorted(want), sorted(p.PropertyMappings))

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, 0, c.emu.Writes(), "a second apply must not write: %v", writeLog(c))
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

// kindsManifest has one of each new kind: a SAML provider and an LDAP
// provider (in an LDAP outpost) with their applications, and a custom scope
// mapping an OAuth2 provider's scopes name.
const kindsManifest = `version: 1
groups:
  - name: Wiki Users
scope_mappings:
  - name: "roles: group names"
    scope_name: roles
    description: The names of the user's groups
    expression: |
      return {"roles": [group.name for group in request.user.groups.all()]}
providers:
  - name: Wiki
    type: saml
    acs_url: https://wiki.example.com/saml2/acs
    issuer: https://auth.example.com
  - name: Directory
    type: ldap
    base_dn: DC=ldap,DC=example,DC=com
  - name: Dashboards
    type: oauth2
    scopes: [openid, profile, email, roles]
    redirect_uris:
      - url: https://dashboards.example.com/login/generic_oauth
applications:
  - name: Wiki
    slug: wiki
    provider: Wiki
    access:
      groups: [Wiki Users]
  - name: Directory
    slug: directory
    provider: Directory
  - name: Dashboards
    slug: dashboards
    provider: Dashboards
outposts:
  - name: LDAP
    type: ldap
    providers: [Directory]
`

func scopeMappingPK(t *testing.T, c *cli, name string) string {
	t.Helper()
	list, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeList(context.Background()).Name(name).Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	return list.Results[0].Pk
}

func TestKindsDriftIsRepairedByOnePatch(t *testing.T) {
	skipLong(t, "drifts and repairs a field of every kind")
	t.Parallel()
	for _, tc := range []struct {
		name        string
		kind, key   string
		field       string
		value       func(c *cli) any
		wantField   string
		before      any
		after       any
		patchPrefix func(c *cli) string // the PATCHed object's path
	}{
		{
			name: "saml sp_binding", kind: "samlprovider", key: "Wiki", field: "sp_binding",
			value: func(*cli) any { return "redirect" }, wantField: "sp_binding", before: "redirect", after: "post",
			patchPrefix: func(c *cli) string { return "/api/v3/providers/saml/" + itoa(c.emu.SAMLProviderPK("Wiki")) + "/" },
		},
		{
			name: "saml issuer", kind: "samlprovider", key: "Wiki", field: "issuer",
			value: func(*cli) any { return "authentik" }, wantField: "issuer", before: "authentik", after: "https://auth.example.com",
			patchPrefix: func(c *cli) string { return "/api/v3/providers/saml/" + itoa(c.emu.SAMLProviderPK("Wiki")) + "/" },
		},
		{
			// The PATCH must carry sign_assertion too: authentik refuses a
			// signing key pair without a signing flag in the same body.
			name: "saml signing_kp cleared", kind: "samlprovider", key: "Wiki", field: "signing_kp",
			value: func(*cli) any { return nil }, wantField: "signing_kp", before: "(none: unsigned)", after: "authentik Self-signed Certificate",
			patchPrefix: func(c *cli) string { return "/api/v3/providers/saml/" + itoa(c.emu.SAMLProviderPK("Wiki")) + "/" },
		},
		{
			name: "ldap search_mode", kind: "ldapprovider", key: "Directory", field: "search_mode",
			value: func(*cli) any { return "direct" }, wantField: "search_mode", before: "direct", after: "cached",
			patchPrefix: func(c *cli) string { return "/api/v3/providers/ldap/" + itoa(c.emu.LDAPProviderPK("Directory")) + "/" },
		},
		{
			name: "ldap base_dn", kind: "ldapprovider", key: "Directory", field: "base_dn",
			value: func(*cli) any { return "DC=other,DC=io" }, wantField: "base_dn", before: "DC=other,DC=io", after: "DC=ldap,DC=example,DC=com",
			patchPrefix: func(c *cli) string { return "/api/v3/providers/ldap/" + itoa(c.emu.LDAPProviderPK("Directory")) + "/" },
		},
		{
			name: "scope mapping expression", kind: "scopemapping", key: "roles: group names", field: "expression",
			value: func(*cli) any { return "return {}" }, wantField: "expression",
			before: "return {}", after: `return {"roles": [group.name for group in request.user.groups.all()]}`,
			patchPrefix: func(c *cli) string {
				return "/api/v3/propertymappings/provider/scope/" + scopeMappingPK(t, c, "roles: group names") + "/"
			},
		},
		{
			name: "oauth2 scopes lose the custom mapping", kind: "oauth2provider", key: "Dashboards", field: "property_mappings",
			value: func(c *cli) any {
				p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("Dashboards")).Execute()
				require.NoError(t, err)
				custom := scopeMappingPK(t, c, "roles: group names")
				var keep []string
				for _, pk := range p.PropertyMappings {
					if pk != custom {
						keep = append(keep, pk)
					}
				}
				require.Len(t, keep, 3)
				return keep
			},
			wantField: "scopes",
			before:    []any{"email", "openid", "profile"},
			after:     []any{"email", "openid", "profile", "roles"},
			patchPrefix: func(c *cli) string {
				return "/api/v3/providers/oauth2/" + itoa(c.emu.ProviderPK("Dashboards")) + "/"
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			path := writeManifest(t, kindsManifest)
			r := c.run("apply", "-f", path, "--auto-approve")
			require.Equal(t, exitOK, r.code, r.out+r.err)

			require.NoError(t, c.emu.SetField(tc.kind, tc.key, tc.field, tc.value(c)))
			r = c.run("plan", "-f", path, "--detailed-exitcode", "-o", "json")
			require.Equal(t, exitChanges, r.code, r.out+r.err)
			changes := planJSON(t, r.out)
			require.Len(t, changes, 1, r.out)
			assert.Equal(t, "update", changes[0].Action)
			assert.Equal(t, tc.key, changes[0].Key)
			require.Len(t, changes[0].Fields, 1, r.out)
			assert.Equal(t, tc.wantField, changes[0].Fields[0].Field)
			assert.Equal(t, tc.before, changes[0].Fields[0].Before)
			assert.Equal(t, tc.after, changes[0].Fields[0].After)

			c.emu.ResetLog()
			r = c.run("apply", "-f", path, "--auto-approve")
			require.Equal(t, exitOK, r.code, r.out+r.err)
			assert.Equal(t, []string{"PATCH " + tc.patchPrefix(c)}, writeLog(c))
			assert.Equal(t, 1, c.emu.Writes())

			r = c.run("plan", "-f", path, "--detailed-exitcode")
			assert.Equal(t, exitOK, r.code, r.out+r.err)
			c.emu.ResetLog()
			require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
			assert.Equal(t, 0, c.emu.Writes(), "%v", writeLog(c))
		})
	}
}

const kindsAbsentManifest = `version: 1
groups:
  - {name: Wiki Users, state: absent}
scope_mappings:
  - {name: "roles: group names", state: absent}
providers:
  - {name: Wiki, type: saml, state: absent}
  - {name: Directory, type: ldap, state: absent}
  - {name: Dashboards, type: oauth2, state: absent}
applications:
  - {name: Wiki, slug: wiki, state: absent}
  - {name: Directory, slug: directory, state: absent}
  - {name: Dashboards, slug: dashboards, state: absent}
outposts:
  - {name: LDAP, type: ldap, state: absent}
`

func TestKindsAbsentDeletesInReverseOrder(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", writeManifest(t, kindsManifest), "--auto-approve").code)
	saml, ldap, oauth2 := c.emu.SAMLProviderPK("Wiki"), c.emu.LDAPProviderPK("Directory"), c.emu.ProviderPK("Dashboards")
	require.NotZero(t, saml)
	require.NotZero(t, ldap)
	require.NotZero(t, oauth2)
	mapping := scopeMappingPK(t, c, "roles: group names")
	outposts, _, err := c.api().OutpostsApi.OutpostsInstancesList(context.Background()).NameIexact("LDAP").Execute()
	require.NoError(t, err)
	require.Len(t, outposts.Results, 1)
	group := c.emu.GroupPK("Wiki Users")
	require.NotEmpty(t, group)
	before := c.emu.Counts()

	path := writeManifest(t, kindsAbsentManifest)
	c.emu.ResetLog()
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Plan: 0 to add, 0 to change, 9 to destroy.")
	deletes := writeLog(c)
	require.Len(t, deletes, 9, "%v", deletes)
	// Outpost, then applications, then providers through the type-agnostic
	// endpoint, then the scope mapping and the group.
	assert.Equal(t, "DELETE /api/v3/outposts/instances/"+outposts.Results[0].Pk+"/", deletes[0])
	assert.ElementsMatch(t, []string{
		"DELETE /api/v3/core/applications/wiki/",
		"DELETE /api/v3/core/applications/directory/",
		"DELETE /api/v3/core/applications/dashboards/",
	}, deletes[1:4])
	assert.ElementsMatch(t, []string{
		"DELETE /api/v3/providers/all/" + itoa(saml) + "/",
		"DELETE /api/v3/providers/all/" + itoa(ldap) + "/",
		"DELETE /api/v3/providers/all/" + itoa(oauth2) + "/",
	}, deletes[4:7])
	assert.ElementsMatch(t, []string{
		"DELETE /api/v3/propertymappings/provider/scope/" + mapping + "/",
		"DELETE /api/v3/core/groups/" + group + "/",
	}, deletes[7:], "scope mappings and groups last")

	after := c.emu.Counts()
	for kind, n := range map[string]int{"application": 3, "provider": 3, "outpost": 1, "scopemapping": 1, "group": 1} {
		assert.Equal(t, before[kind]-n, after[kind], kind)
	}
	assert.Zero(t, c.emu.SAMLProviderPK("Wiki"))
	assert.Zero(t, c.emu.LDAPProviderPK("Directory"))

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "No changes.")
	assert.Equal(t, 0, c.emu.Writes(), "%v", writeLog(c))
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

// createByHand makes a provider of typ through the raw API, as an admin
// clicking in the UI would.
func createByHand(t *testing.T, c *cli, typ, name string) int32 {
	t.Helper()
	ctx := context.Background()
	flow := c.emu.FlowPK("default-provider-authorization-implicit-consent")
	inval := c.emu.FlowPK("default-provider-invalidation-flow")
	switch typ {
	case "saml":
		p, _, err := c.api().ProvidersApi.ProvidersSamlCreate(ctx).
			SAMLProviderRequest(*api.NewSAMLProviderRequest(name, flow, inval, "https://sp.example.com/acs")).Execute()
		require.NoError(t, err)
		return p.Pk
	case "ldap":
		p, _, err := c.api().ProvidersApi.ProvidersLdapCreate(ctx).
			LDAPProviderRequest(*api.NewLDAPProviderRequest(name, flow, inval)).Execute()
		require.NoError(t, err)
		return p.Pk
	case "oauth2":
		req := api.NewOAuth2ProviderRequest(name, flow, inval, []api.RedirectURIRequest{{MatchingMode: api.MATCHINGMODEENUM_STRICT, Url: "https://x.example.com/cb"}})
		p, _, err := c.api().ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*req).Execute()
		require.NoError(t, err)
		return p.Pk
	}
	t.Fatalf("no provider type %q", typ)
	return 0
}

func TestKindsVersionSkew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ, kind, field, value string
		key, at                 string
	}{
		{"saml", "samlprovider", "sp_binding", "artifact", "Wiki", "m.yaml:11:5"},
		{"ldap", "ldapprovider", "search_mode", "future", "Directory", "m.yaml:15:5"},
		{"ldap", "ldapprovider", "bind_mode", "future", "Directory", "m.yaml:15:5"},
	} {
		t.Run(tc.kind+" "+tc.field, func(t *testing.T) {
			srv, emu := emulatortest.NewServerUnchecked(t, emulator.Options{})
			c := newCLIFor(t, srv.URL, emu)
			path := writeManifest(t, kindsManifest)
			require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

			// A provider of the same type the manifest does not touch,
			// from a newer server: the plan still works.
			createByHand(t, c, tc.typ, "someone else's")
			require.NoError(t, emu.OverrideField(tc.kind, "someone else's", tc.field, tc.value))
			r := c.run("plan", "-f", path, "--detailed-exitcode")
			assert.Equal(t, exitOK, r.code, r.out+r.err)

			// The one it touches: one sentence naming the line and the field.
			require.NoError(t, emu.OverrideField(tc.kind, tc.key, tc.field, tc.value))
			c.emu.ResetLog()
			r = c.run("plan", "-f", path)
			assert.Equal(t, exitError, r.code, r.out)
			assert.Contains(t, r.err, tc.at+`: provider "`+tc.key+`": authentik returned a value this version of provision cannot read in field "`+tc.field+`"`)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.err), "\n")+1, "one line: %s", r.err)
			r = c.run("apply", "-f", path, "--auto-approve")
			assert.Equal(t, exitError, r.code)
			assert.Equal(t, 0, c.emu.Writes())

			// A manifest without that provider plans fine.
			other := writeManifest(t, scopeManifest)
			r = c.run("plan", "-f", other)
			assert.Equal(t, exitOK, r.code, r.out+r.err)
		})
	}
}

func TestProviderNameTakenByAnotherType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		byHand, label string
		declared      string
		fields        string
	}{
		{"saml", "SAML Provider", "oauth2", "redirect_uris: [{url: 'https://x.example.com/cb'}]"},
		{"ldap", "LDAP Provider", "saml", "acs_url: https://sp.example.com/acs"},
		{"oauth2", "OAuth2/OpenID Provider", "ldap", "base_dn: DC=ldap,DC=example,DC=com"},
	} {
		t.Run(tc.byHand+" declared "+tc.declared, func(t *testing.T) {
			c := newCLI(t)
			createByHand(t, c, tc.byHand, "Shared")
			path := writeManifest(t, "version: 1\nproviders:\n  - name: Shared\n    type: "+tc.declared+"\n    "+tc.fields+"\n")
			c.emu.ResetLog()
			r := c.run("plan", "-f", path)
			assert.Equal(t, exitError, r.code, r.out)
			assert.Equal(t, "Error: "+path+`:4:5: provider "Shared" exists in authentik as a `+tc.label+`, not a `+tc.declared+
				` provider; provision does not change a provider's type (rename the entry, or delete the other provider first)`+"\n", r.err)
			r = c.run("apply", "-f", path, "--auto-approve")
			assert.Equal(t, exitError, r.code, r.out)
			assert.Equal(t, 0, c.emu.Writes(), "%v", writeLog(c))
		})
	}
}

func TestManagedScopeMappingsAreRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	list, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeList(ctx).
		Managed([]string{"goauthentik.io/providers/oauth2/scope-openid"}).Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	openid := list.Results[0]

	for _, state := range []string{"", "\n    state: absent"} {
		path := writeManifest(t, `version: 1
scope_mappings:
  - name: "`+openid.Name+`"`+state+`
    scope_name: openid_custom
    expression: return {}
`)
		c.emu.ResetLog()
		r := c.run("plan", "-f", path)
		assert.Equal(t, exitError, r.code, r.out)
		assert.Contains(t, r.err, path+`:3:5: scope mapping "`+openid.Name+`": names starting with "authentik default OAuth Mapping" are authentik's own managed mappings, which provision never modifies or deletes`)
		r = c.run("apply", "-f", path, "--auto-approve")
		assert.Equal(t, exitError, r.code, r.out)
		assert.Equal(t, 0, c.emu.Writes())
	}

	// A managed mapping an admin renamed is still authentik's: refused
	// once the plan sees it is managed.
	require.NoError(t, c.emu.SetField("scopemapping", openid.Name, "name", "openid claims"))
	for _, state := range []string{"", "\n    state: absent"} {
		path := writeManifest(t, `version: 1
scope_mappings:
  - name: openid claims`+state+`
    scope_name: openid_custom
    expression: return {}
`)
		c.emu.ResetLog()
		r := c.run("plan", "-f", path)
		assert.Equal(t, exitError, r.code, r.out)
		assert.Equal(t, "Error: "+path+`:3:5: scope mapping "openid claims" is managed by authentik (goauthentik.io/providers/oauth2/scope-openid); provision never modifies or deletes authentik's managed objects, so give yours another name`+"\n", r.err)
		r = c.run("apply", "-f", path, "--auto-approve")
		assert.Equal(t, exitError, r.code, r.out)
		assert.Equal(t, 0, c.emu.Writes(), "%v", writeLog(c))
	}
	after, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeRetrieve(ctx, openid.Pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, openid.Expression, after.Expression)
	assert.Equal(t, openid.ScopeName, after.ScopeName)
}

func TestValidateRefusesProvidersInTheWrongOutpost(t *testing.T) {
	t.Parallel()
	const providers = `version: 1
providers:
  - {name: Wiki, type: saml, acs_url: "https://wiki.example.com/acs"}
  - {name: Directory, type: ldap}
  - {name: Web, type: proxy, mode: forward_single, external_host: "https://web.example.com"}
outposts:
  - name: Outpost
`
	for _, tc := range []struct {
		name, outpost, want string
	}{
		{"ldap in proxy outpost", "type: proxy\n    providers: [Directory]",
			`:9:17: outpost "Outpost" of type proxy cannot serve LDAP provider "Directory": LDAP providers need an outpost of type ldap`},
		{"proxy in ldap outpost", "type: ldap\n    providers: [Web]",
			`:9:17: outpost "Outpost" of type ldap cannot serve proxy provider "Web": proxy providers need an outpost of type proxy`},
		{"saml in ldap outpost", "type: ldap\n    providers: [Wiki]",
			`:9:17: outpost "Outpost" lists SAML provider "Wiki": outposts serve only proxy, LDAP, RADIUS and RAC providers, while SAML is served by authentik itself`},
		{"saml in proxy outpost", "type: proxy\n    providers: [Wiki]",
			`:9:17: outpost "Outpost" lists SAML provider "Wiki": outposts serve only proxy, LDAP, RADIUS and RAC providers, while SAML is served by authentik itself`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			path := writeManifest(t, providers+"    "+tc.outpost+"\n")
			r := c.run("validate", "-f", path)
			assert.Equal(t, exitError, r.code, r.out)
			assert.Contains(t, r.err, path+tc.want)
			assert.Equal(t, 1, len(strings.Split(strings.TrimSpace(r.err), "\n")), r.err)
			assert.Empty(t, c.emu.Requests(), "validate is offline")
		})
	}
}

// copyManifest copies an example into a fresh directory, so that files it
// writes next to itself stay out of the repository.
func copyManifest(t *testing.T, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), filepath.Base(src))
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func TestKindsExamplesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		manifest  string
		env       map[string]string
		posts     map[string]int
		providers map[string]string // name: type
		// stack: the manifest names one, so apply also writes its record
		// and takes its lock (both blueprint instances).
		stack bool
	}{
		{
			manifest: "../../manifests/directory-and-saml.yaml",
			env:      map[string]string{"WIKI_URL": "https://wiki.example.com", "DASHBOARDS_URL": "https://dashboards.example.com"},
			posts: map[string]int{
				"/api/v3/core/groups/":                     3,
				"/api/v3/propertymappings/provider/scope/": 1,
				"/api/v3/providers/saml/":                  1,
				"/api/v3/providers/ldap/":                  1,
				"/api/v3/providers/oauth2/":                1,
				"/api/v3/core/applications/":               3,
				"/api/v3/policies/bindings/":               3,
				"/api/v3/outposts/instances/":              1,
				"/api/v3/managed/blueprints/":              2, // the stack's record and its lock
			},
			providers: map[string]string{"Wiki": "authentik_providers_saml.samlprovider", "Directory": "authentik_providers_ldap.ldapprovider", "Dashboards": "authentik_providers_oauth2.oauth2provider"},
			stack:     true,
		},
		{
			manifest: "../../manifests/librechat-roles.yaml",
			posts: map[string]int{
				"/api/v3/core/groups/":                     2,
				"/api/v3/propertymappings/provider/scope/": 1,
				"/api/v3/providers/oauth2/":                1,
				"/api/v3/core/applications/":               1,
				"/api/v3/policies/bindings/":               2,
			},
			providers: map[string]string{"LibreChat": "authentik_providers_oauth2.oauth2provider"},
		},
	} {
		t.Run(filepath.Base(tc.manifest), func(t *testing.T) {
			c := newCLI(t)
			for k, v := range tc.env {
				c.env[k] = v
			}
			path := copyManifest(t, tc.manifest)
			before := c.emu.Counts()
			r := c.run("apply", "-f", path, "--auto-approve")
			require.Equal(t, exitOK, r.code, r.out+r.err)
			assert.Equal(t, tc.posts, posts(c))
			total := 0
			for _, n := range tc.posts {
				total += n
			}
			if tc.stack {
				// The lock's DELETE, and the final PATCH of the record: the
				// record written ahead of the walk holds every object
				// created, and the final one adds the pk of each, so that
				// prune deletes only the object the stack created.
				total += 2
			}
			assert.Equal(t, total, c.emu.Writes(), "%v", writeLog(c))

			after := c.emu.Counts()
			assert.Equal(t, tc.posts["/api/v3/core/groups/"], after["group"]-before["group"])
			assert.Equal(t, 1, after["scopemapping"]-before["scopemapping"])
			assert.Equal(t, len(tc.providers), after["provider"]-before["provider"])
			assert.Equal(t, len(tc.providers), after["application"]-before["application"])
			assert.Equal(t, tc.posts["/api/v3/policies/bindings/"], after["binding"]-before["binding"])
			assert.Equal(t, tc.posts["/api/v3/outposts/instances/"], after["outpost"]-before["outpost"])
			all, _, err := c.api().ProvidersApi.ProvidersAllList(context.Background()).Execute()
			require.NoError(t, err)
			got := map[string]string{}
			for _, p := range all.Results {
				got[p.Name] = p.MetaModelName
			}
			assert.Equal(t, tc.providers, got)

			c.emu.ResetLog()
			r = c.run("apply", "-f", path, "--auto-approve")
			require.Equal(t, exitOK, r.code, r.out+r.err)
			var objectWrites, lockWrites []string
			for _, w := range writeLog(c) {
				if strings.Contains(w, "/api/v3/managed/blueprints/") {
					lockWrites = append(lockWrites, w)
				} else {
					objectWrites = append(objectWrites, w)
				}
			}
			assert.Empty(t, objectWrites)
			if tc.stack { // the lock is taken and released; the record is unchanged
				require.Len(t, lockWrites, 2, "%v", lockWrites)
				assert.True(t, strings.HasPrefix(lockWrites[0], "POST "), "%v", lockWrites)
				assert.True(t, strings.HasPrefix(lockWrites[1], "DELETE "), "%v", lockWrites)
			} else {
				assert.Empty(t, lockWrites)
			}
			r = c.run("plan", "-f", path, "--detailed-exitcode")
			assert.Equal(t, exitOK, r.code, r.out+r.err)
		})
	}
}

func TestLibreChatRolesWritesTheRolesEnv(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := copyManifest(t, "../../manifests/librechat-roles.yaml")
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(path), "librechat-roles.env"))
	require.NoError(t, err, r.out)
	lines := strings.Split(string(data), "\n")
	for _, want := range []string{
		"OPENID_SCOPE=openid profile email roles",
		"OPENID_REQUIRED_ROLE=LibreChat Users,LibreChat Admins",
		"OPENID_REQUIRED_ROLE_TOKEN_KIND=id",
		"OPENID_REQUIRED_ROLE_PARAMETER_PATH=roles",
		"OPENID_ADMIN_ROLE=LibreChat Admins",
		"OPENID_ADMIN_ROLE_TOKEN_KIND=id",
		"OPENID_ADMIN_ROLE_PARAMETER_PATH=roles",
		"DOMAIN_CLIENT=https://chat.example.com",
	} {
		assert.Contains(t, lines, want, string(data))
	}
	// The scope the .env asks for is served by the manifest's mapping.
	p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	assert.Contains(t, p.PropertyMappings, scopeMappingPK(t, c, "roles: group names"))
	assert.True(t, *p.IncludeClaimsInIdToken)
}

func TestKindsPlanRequestsDoNotGrowWithTheManifest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		mapping  string // a scope_mappings entry (%[1]d: index), or ""
		provider string // a providers entry (%[1]d: index)
		outpost  string // an outpost holding every provider, or ""
	}{
		{name: "saml", provider: "{name: p%[1]d, type: saml, acs_url: 'https://sp%[1]d.example.com/acs'}"},
		{name: "ldap in an outpost", provider: "{name: p%[1]d, type: ldap, base_dn: 'DC=d%[1]d,DC=example,DC=com'}", outpost: "ldap"},
		{
			name:     "scope mapping",
			mapping:  "{name: m%[1]d, scope_name: s%[1]d, expression: 'return {}'}",
			provider: "{name: p%[1]d, type: oauth2, scopes: [openid, s%[1]d], redirect_uris: [{url: 'https://app%[1]d.example.com/cb'}]}",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			count := func(n int) int {
				c := newCLI(t)
				var b strings.Builder
				b.WriteString("version: 1\ngroups:\n  - name: users\n")
				if tc.mapping != "" {
					b.WriteString("scope_mappings:\n")
					for i := 0; i < n; i++ {
						fmt.Fprintf(&b, "  - "+tc.mapping+"\n", i)
					}
				}
				b.WriteString("providers:\n")
				for i := 0; i < n; i++ {
					fmt.Fprintf(&b, "  - "+tc.provider+"\n", i)
				}
				b.WriteString("applications:\n")
				for i := 0; i < n; i++ {
					fmt.Fprintf(&b, "  - {name: App %d, slug: app%d, provider: p%d, access: {groups: [users]}}\n", i, i, i)
				}
				if tc.outpost != "" {
					b.WriteString("outposts:\n  - name: Outpost\n    type: " + tc.outpost + "\n    providers:\n")
					for i := 0; i < n; i++ {
						fmt.Fprintf(&b, "      - p%d\n", i)
					}
				}
				path := writeManifest(t, b.String())
				r := c.run("apply", "-f", path, "--auto-approve")
				require.Equal(t, exitOK, r.code, r.out+r.err)
				c.emu.ResetLog()
				r = c.run("plan", "-f", path, "--detailed-exitcode")
				require.Equal(t, exitOK, r.code, r.out+r.err)
				for _, req := range c.emu.Requests() {
					require.Equal(t, "GET", req.Method, req.Path)
				}
				return len(c.emu.Requests())
			}
			one, twenty := count(1), count(20)
			t.Logf("plan requests: 1 entry: %d, 20 entries: %d", one, twenty)
			assert.Equal(t, one, twenty, "plan GETs: 1 entry=%d, 20 entries=%d", one, twenty)
		})
	}
}

func TestAdoptsSAMLAndLDAPProvidersCreatedByHand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	// Created through the raw API: the model's defaults (redirect binding,
	// unsigned, no mappings; direct search and bind, the OAuth2 flows).
	saml := createByHand(t, c, "saml", "Wiki")
	ldap := createByHand(t, c, "ldap", "Directory")
	path := writeManifest(t, `version: 1
providers:
  - name: Wiki
    type: saml
    acs_url: https://sp.example.com/acs
  - name: Directory
    type: ldap
`)
	r := c.run("plan", "-f", path, "--detailed-exitcode", "-o", "json")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	fields := map[string][]string{}
	for _, ch := range planJSON(t, r.out) {
		assert.Equal(t, "update", ch.Action, ch.Key)
		for _, f := range ch.Fields {
			fields[ch.Key] = append(fields[ch.Key], f.Field)
		}
	}
	assert.Equal(t, map[string][]string{
		"Wiki":      {"sp_binding", "signing_kp", "property_mappings"},
		"Directory": {"authorization_flow", "invalidation_flow", "search_mode", "bind_mode"},
	}, fields)

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.ElementsMatch(t, []string{
		"PATCH /api/v3/providers/saml/" + itoa(saml) + "/",
		"PATCH /api/v3/providers/ldap/" + itoa(ldap) + "/",
	}, writeLog(c), "adopted, not recreated")
	p, _, err := c.api().ProvidersApi.ProvidersSamlRetrieve(ctx, saml).Execute()
	require.NoError(t, err)
	assert.Equal(t, selfSignedPK(t, c), *p.SigningKp.Get())
	assert.True(t, *p.SignAssertion)
	assert.Equal(t, managedSAMLMappingPKs(t, c), sorted(p.PropertyMappings))
	l, _, err := c.api().ProvidersApi.ProvidersLdapRetrieve(ctx, ldap).Execute()
	require.NoError(t, err)
	assert.Equal(t, c.emu.FlowPK("default-authentication-flow"), l.AuthorizationFlow)
	assert.Equal(t, api.LDAPAPIACCESSMODE_CACHED, *l.BindMode)
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}
