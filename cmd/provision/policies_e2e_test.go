package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/render"
)

func corpPolicies(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-policies.yaml")
	require.NoError(t, err)
	return string(data)
}

// Issue 20's proof: policies of three types, bindings on an application, a
// flow and one of authentik's own stage bindings (named by flow and stage),
// applied and planned empty; on the wire, exactly what was declared.
func TestCorpPoliciesEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	body := corpPolicies(t)
	path := writeManifest(t, body)

	// The plan shows the expression whole, marked as server code.
	r := c.run("plan", "-f", path, "-o", "markdown")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "# expression: "+render.ServerCodeNote)
	assert.Contains(t, r.out, `+ return request.context["pending_user"].email.endswith("@corp.example")`)
	r = c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `request.context["pending_user"].email.endswith("@corp.example")`)

	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	// The application: the group binding, the policy binding and the
	// negated user binding, each at its order.
	app := c.emu.PolicyBindingsOn("application", "corp-app")
	require.Len(t, app, 3, "%+v", app)
	byBinds := map[string]emulator.PolicyBinding{}
	for _, b := range app {
		byBinds[b.Binds] = b
	}
	assert.Equal(t, 0, byBinds["policy:corp-email-domain"].Order)
	assert.False(t, byBinds["policy:corp-email-domain"].Negate)
	assert.Equal(t, 20, byBinds["user:akadmin"].Order)
	assert.True(t, byBinds["user:akadmin"].Negate)
	assert.Contains(t, byBinds, "group:Corp Staff")
	assert.True(t, byBinds["group:Corp Staff"].Enabled)

	// authentik's default flow and its password stage binding.
	flow := c.emu.PolicyBindingsOn("flow", "default-authentication-flow")
	require.Len(t, flow, 1)
	assert.Equal(t, "policy:corp-reputation", flow[0].Binds)
	// Beside authentik's own binding there (its blueprint's, left alone).
	pw := c.emu.PolicyBindingsOn("flow stage binding", "default-authentication-flow/default-authentication-password")
	assert.Equal(t, []emulator.PolicyBinding{
		{Binds: "policy:corp-password-strength", Order: 0, Enabled: true, Timeout: 30},
		{Binds: "policy:default-authentication-flow-password-stage", Order: 10, Enabled: true, Timeout: 30, FailureResult: true},
	}, pw)

	typ, fields := c.emu.PolicyFields("corp-password-strength")
	assert.Equal(t, "password", typ)
	assert.Equal(t, 12, fields["length_min"])
	assert.Equal(t, 1, fields["amount_digits"])
	typ, fields = c.emu.PolicyFields("corp-reputation")
	assert.Equal(t, "reputation", typ)
	assert.Equal(t, -5, fields["threshold"])

	// Removing the user binding plans exactly one delete (the stack
	// created the application: its list is the whole truth).
	fewer := writeManifest(t, strings.Replace(body, "      - {user: akadmin, order: 20, negate: true}\n", "", 1))
	r = c.run("plan", "-f", fewer, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"delete", "policy binding", "corp-app/user:akadmin"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})

	// A binding made by hand on the application shows in the plan.
	bob := c.emu.AddUser("bob")
	req := api.NewPolicyBindingRequest(c.emu.AppPK("corp-app"), 30)
	req.User.Set(&bob)
	_, _, err := c.api().PoliciesApi.PoliciesBindingsCreate(t.Context()).PolicyBindingRequest(*req).Execute()
	require.NoError(t, err)
	r = c.run("plan", "-f", path, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes = planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"delete", "policy binding", "corp-app/user:bob"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
}

// A group bound both by access.groups and by policies: is refused at the
// policies: item, before anything is read or written.
func TestGroupInAccessAndPoliciesIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	body := strings.Replace(corpPolicies(t), "      - {policy: corp-email-domain, order: 0}\n",
		"      - {policy: corp-email-domain, order: 0}\n      - {group: Corp Staff, order: 5}\n", 1)
	r := c.run("validate", "-f", writeManifest(t, body))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `:42:10: application "corp-app": group "Corp Staff" is bound both by access.groups`)
	assert.Zero(t, c.emu.Writes())

	both := strings.Replace(corpPolicies(t), "      - {policy: corp-email-domain, order: 0}\n",
		"      - {policy: corp-email-domain, user: akadmin}\n", 1)
	r = c.run("validate", "-f", writeManifest(t, both))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "binds both policy and user")

	bad := strings.Replace(corpPolicies(t), `endswith("@corp.example")`, `endswith("@corp.example"`, 1)
	r = c.run("validate", "-f", writeManifest(t, bad))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "expression does not compile")
}

// An export of the application and the default flow round-trips: its
// policies: come back in the same shape (a policy binding and a negated
// user binding on the application, the reputation policy on the flow and
// the password policy on its password stage binding), and planning the
// export against the same authentik changes nothing.
func TestPoliciesExportRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, corpPolicies(t))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	r := c.run("export", "--app", "corp-app", "--flow", "default-authentication-flow")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"policy: corp-email-domain", "user: akadmin", "negate: true", "policy: corp-reputation", "policy: corp-password-strength", "name: corp-email-domain"} {
		assert.Contains(t, r.out, want)
	}
	r = c.run("plan", "-f", writeManifest(t, r.out), "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

// policy_engine_mode is declared on a flow and on one of its stage
// bindings like any other field, and lands on the wire.
func TestPolicyEngineModeOnFlowsAndStageBindings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
stages:
  - {name: pem-deny, type: deny}
flows:
  - slug: pem-flow
    name: PEM
    title: PEM
    designation: authentication
    policy_engine_mode: all
    stages:
      - {stage: pem-deny, order: 10, policy_engine_mode: all}
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, "all", c.emu.FlowFields("pem-flow")["policy_engine_mode"])
	b := c.emu.FlowBindings("pem-flow")
	require.Len(t, b, 1)
	assert.Equal(t, "all", b[0].PolicyEngineMode)
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}
