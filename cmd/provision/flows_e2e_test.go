package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/manifests"
)

// corpLogin is manifests/corp-login.yaml with its example variables.
func corpLogin(t *testing.T, c *cli) string {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-login.yaml")
	require.NoError(t, err)
	c.env["PORTAL_URL"] = manifests.ExampleEnv["PORTAL_URL"]
	return string(data)
}

// The kind engine's proof: prompts, stages and a flow with its bindings,
// the default flow's title, and a provider authenticating through the new
// flow, applied and then planned empty; on the wire, exactly what was
// declared.
func TestCorpLoginFlowEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	body := corpLogin(t, c)
	path := writeManifest(t, body)
	before := c.emu.FlowFields("default-authentication-flow")
	require.NotNil(t, before)

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "(state: present): the next time authentik applies it", "the default flow's title is re-applied by authentik's blueprint: the plan says so")
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	// Exactly three bindings, in order, each with its stage.
	b := c.emu.FlowBindings("corp-authentication")
	require.Len(t, b, 3)
	assert.Equal(t, []string{"corp-identification", "corp-password", "default-authentication-login"}, []string{b[0].Stage, b[1].Stage, b[2].Stage})
	assert.Equal(t, []int{10, 20, 100}, []int{b[0].Order, b[1].Order, b[2].Order})
	assert.Equal(t, []string{"identification", "password", "user_login"}, []string{b[0].StageType, b[1].StageType, b[2].StageType})

	typ, fields, ok := c.emu.StageFields("corp-identification")
	require.True(t, ok)
	assert.Equal(t, "identification", typ)
	assert.ElementsMatch(t, []string{"username", "email"}, fields["user_fields"])
	typ, fields, ok = c.emu.StageFields("corp-password")
	require.True(t, ok)
	assert.Equal(t, "password", typ)
	assert.Equal(t, []string{"authentik.core.auth.InbuiltBackend"}, fields["backends"])
	typ, fields, ok = c.emu.StageFields("corp-prompt")
	require.True(t, ok)
	assert.Equal(t, "prompt", typ)
	assert.Equal(t, []string{"corp-phone"}, fields["fields"], "the prompt stage names its prompt")
	typ, _, ok = c.emu.StageFields("corp-logout")
	require.True(t, ok)
	assert.Equal(t, "user_logout", typ)
	p := c.emu.PromptFields("corp-phone")
	assert.Equal(t, "phone", p["field_key"])
	assert.EqualValues(t, 10, p["order"])

	// The default flow: its title changed, nothing else.
	after := c.emu.FlowFields("default-authentication-flow")
	assert.Equal(t, "Sign in to Corp", after["title"])
	delete(before, "title")
	delete(after, "title")
	assert.Equal(t, before, after, "only the declared field of authentik's own flow changes")
	assert.Len(t, c.emu.FlowBindings("default-authentication-flow"), len(c.emu.FlowBindings("default-authentication-flow")))

	// The provider authenticates through the new flow.
	prov := c.emu.ProviderPK("Corp Portal")
	require.NotZero(t, prov)
	got, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(t.Context(), prov).Execute()
	require.NoError(t, err)
	assert.Equal(t, c.emu.FlowPK("corp-authentication"), got.GetAuthenticationFlow())

	// Removing one binding plans exactly that delete (the stack created
	// the flow, so its list is the whole truth).
	fewer := writeManifest(t, strings.Replace(body, "      - {stage: corp-password, order: 20}\n", "", 1))
	r = c.run("plan", "-f", fewer, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"delete", "flow stage binding", "corp-authentication/corp-password"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})

	// Removing the default flow's entry releases it; nothing is deleted.
	released := writeManifest(t, strings.Replace(body, "  - slug: default-authentication-flow\n    title: Sign in to Corp\n", "", 1))
	r = c.run("plan", "-f", released)
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, "destroyed")
	assert.Contains(t, r.out, `flow "default-authentication-flow"`)
	assert.Contains(t, r.out, "left in authentik")
	r = c.run("apply", "-f", released, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotNil(t, c.emu.FlowFields("default-authentication-flow"))

	// An apply of an empty plan writes nothing but the lock's own.
	c.emu.ResetLog()
	r = c.run("apply", "-f", released, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	for _, req := range c.emu.Requests() {
		if req.Method != "GET" {
			assert.Contains(t, req.Path, "/managed/blueprints/", "only the stack lock is written: %s %s", req.Method, req.Path)
		}
	}
	assert.Equal(t, 2, c.emu.Writes(), "take and release the lock")
}

// A flow the stack did not create keeps the bindings others added: the
// manifest's list adds and updates only.
func TestBindingsOnAFlowTheStackDidNotCreateAreAdditive(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	before := len(c.emu.FlowBindings("default-authentication-flow"))
	require.NotZero(t, before)
	path := writeManifest(t, `version: 1
stack: corp
stages:
  - {name: corp-deny, type: deny, deny_message: "Not today"}
flows:
  - slug: default-authentication-flow
    stages:
      - {stage: corp-deny, order: 500, invalid_response_action: restart}
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	b := c.emu.FlowBindings("default-authentication-flow")
	require.Len(t, b, before+1, "the default flow's own bindings stay")
	last := b[len(b)-1]
	assert.Equal(t, "corp-deny", last.Stage)
	assert.Equal(t, "restart", last.InvalidResponseAction)
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

// Mistakes in descriptor sections are found offline, at their line, with
// the names a manifest may use.
func TestDescriptorSectionErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
stages:
  - {name: a, type: pasword}
  - {name: b, type: prompt, feilds: [x]}
flows:
  - {slug: f, name: F, title: F, designation: authentication, stages: [{stage: a, order: ten}]}
flow: []
`)
	r := c.run("validate", "-f", path)
	require.Equal(t, exitError, r.code)
	for _, want := range []string{
		`:3:21: stages[0]: unknown stage type "pasword"; did you mean "password"?`,
		`:4:29: unknown field "feilds" for a prompt stage; did you mean "fields"?`,
		`order: expected a whole number, not "ten"`,
		`unknown field "flow"; did you mean "flows"?`,
	} {
		assert.Contains(t, r.err, want)
	}
	assert.Zero(t, c.emu.Writes())
}

// An export of a flow round-trips: planning it against the same authentik
// changes nothing, and it names authentik's own stages without exporting
// them.
func TestExportedFlowPlansEmpty(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, corpLogin(t, c))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	r := c.run("export", "--flow", "corp-authentication")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"slug: corp-authentication", "stage: corp-password", "order: 100", "type: identification", "stage: default-authentication-login"} {
		assert.Contains(t, r.out, want)
	}
	assert.NotContains(t, r.out, "name: default-authentication-login", "authentik's own stage is named, not exported")
	exported := writeManifest(t, r.out)
	r = c.run("plan", "-f", exported, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)

	r = c.run("export", "--flow", "corp-authentcation")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `did you mean "corp-authentication"?`)
}

// authentik's validate() reads some fields from the request body only: an
// update of an identification stage carries its user_fields, and a
// binding's two evaluation switches go together, whatever changed.
func TestUpdatesCarryWhatValidateReadsFromTheBody(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := func(extra, binding string) string {
		return `version: 1
stages:
  - {name: s-id, type: identification, user_fields: [username]` + extra + `}
flows:
  - slug: s-flow
    name: S
    title: S
    designation: authentication
    stages:
      - {stage: s-id, order: 10, evaluate_on_plan: true` + binding + `}
`
	}
	require.Equal(t, exitOK, c.run("apply", "-f", writeManifest(t, m("", "")), "--auto-approve").code)
	next := writeManifest(t, m(", pretend_user_exists: false", ", re_evaluate_policies: false"))
	r := c.run("apply", "-f", next, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	_, fields, _ := c.emu.StageFields("s-id")
	assert.Equal(t, false, fields["pretend_user_exists"])
	b := c.emu.FlowBindings("s-flow")
	require.Len(t, b, 1)
	assert.True(t, b[0].EvaluateOnPlan)
	assert.False(t, b[0].ReEvaluatePolicies)
	assert.Equal(t, exitOK, c.run("plan", "-f", next, "--detailed-exitcode").code)
}
