package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authentik's own policy bindings: what its default blueprints create on a
// fresh install (the emulator seeds them: 8 of the 13, events-default's
// five target notification rules it does not serve). A manifest that
// declares one of authentik's flows or stage bindings, with or without
// policies:, never deletes or changes them unless it lists them.

// liveBindings are every policy binding in authentik, by pk, each as its
// fields.
func liveBindings(t *testing.T, c *cli) map[string]string {
	t.Helper()
	list, _, err := c.api().PoliciesApi.PoliciesBindingsList(t.Context()).PageSize(100).Execute()
	require.NoError(t, err)
	out := map[string]string{}
	for _, b := range list.Results {
		out[b.Pk] = fmt.Sprintf("target %s policy %v order %d enabled %v negate %v timeout %d failure_result %v",
			b.Target, b.GetPolicy(), b.Order, b.GetEnabled(), b.GetNegate(), b.GetTimeout(), b.GetFailureResult())
	}
	return out
}

// planKept runs plan -o json and returns its changes and the keys of what
// it keeps.
func planKept(t *testing.T, c *cli, path string) ([]planChange, map[string]string) {
	t.Helper()
	r := c.run("plan", "-f", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct {
		Changes []planChange `json:"changes"`
		Kept    []struct {
			Kind, Key, Reason string
		} `json:"kept"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p), r.out)
	kept := map[string]string{}
	for _, k := range p.Kept {
		kept[k.Kind+" "+k.Key] = k.Reason
	}
	return p.Changes, kept
}

// noChangeTo fails on a change of a policy binding or flow stage binding
// the plan did not create: authentik's own are never deleted or updated.
func noChangeTo(t *testing.T, changes []planChange) {
	t.Helper()
	for _, ch := range changes {
		if (ch.Kind == "policy binding" || ch.Kind == "flow stage binding") && ch.Action != "create" {
			t.Errorf("the plan would %s %s %q", ch.Action, ch.Kind, ch.Key)
		}
	}
}

const defaultFlowTitle = `version: 1
stack: corp
flows:
  - slug: default-authentication-flow
    title: Sign in to Corp
`

// The stage bindings default-authentication-flow has on a fresh install,
// as manifests/corp-login.yaml would name them.
const defaultFlowStages = `    stages:
      - {stage: default-authentication-identification, order: 10}
      - {stage: default-authentication-password, order: 20}
      - {stage: default-authentication-mfa-validation, order: 30}
      - {stage: default-authentication-login, order: 100}
`

const corpPasswordPolicy = `policies:
  - {name: corp-password-strength, type: password, length_min: 12}
  - {name: corp-reputation, type: reputation, threshold: -5}
`

func TestDefaultFlowsKeepAuthentiksOwnBindings(t *testing.T) {
	t.Parallel()
	const (
		pwKept  = "policy binding default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage"
		mfaKept = "policy binding default-authentication-flow/default-authentication-mfa-validation/policy:default-authentication-flow-authenticator-validate-stage"
		ssoKept = "policy binding default-source-enrollment/policy:default-source-enrollment-if-sso"
		usrKept = "policy binding default-source-enrollment/default-source-enrollment-prompt/policy:default-source-enrollment-if-username"
	)
	for name, tc := range map[string]struct {
		manifest string
		// kept are the seeded bindings the plan shows as kept: those
		// under a policies: or stages: list the manifest declares.
		kept []string
		// added are the bindings the manifest adds, by the emulator's
		// "target key: binds".
		added int
	}{
		"the title only, as corp-login.yaml": {manifest: defaultFlowTitle},
		"its stage bindings listed":          {manifest: defaultFlowTitle + defaultFlowStages},
		"a policy on the password stage binding, none on the MFA one": {
			manifest: corpPasswordPolicy + strings.Replace(strings.Replace(defaultFlowTitle+defaultFlowStages,
				"{stage: default-authentication-password, order: 20}",
				"{stage: default-authentication-password, order: 20, policies: [{policy: corp-password-strength}]}", 1),
				"{stage: default-authentication-mfa-validation, order: 30}",
				"{stage: default-authentication-mfa-validation, order: 30, policies: []}", 1),
			kept: []string{pwKept, mfaKept}, added: 1,
		},
		"policies on default-source-enrollment and its prompt stage binding": {
			manifest: corpPasswordPolicy + `version: 1
stack: corp
flows:
  - slug: default-source-enrollment
    policies: [{policy: corp-reputation, order: 5}]
    stages:
      - {stage: default-source-enrollment-prompt, order: 0, policies: [{policy: corp-reputation, order: 5}]}
`,
			kept: []string{ssoKept, usrKept, // and the stage bindings stages: leaves out
				"flow stage binding default-source-enrollment/default-source-enrollment-login",
				"flow stage binding default-source-enrollment/default-source-enrollment-write"}, added: 2,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			own := liveBindings(t, c)
			require.Len(t, own, 13, "authentik's own, from its default blueprints")
			path := writeManifest(t, tc.manifest)

			changes, kept := planKept(t, c, path)
			noChangeTo(t, changes)
			assert.Equal(t, sortedKeys(stringSet(tc.kept)), sortedKeys(kept), "what the plan keeps")
			for _, reason := range kept {
				assert.Contains(t, reason, "is one of authentik's own, whose blueprints add to it, so left in authentik")
			}

			r := c.run("apply", "-f", path, "--auto-approve")
			require.Equal(t, exitOK, r.code, r.out+r.err)
			r = c.run("plan", "-f", path, "--detailed-exitcode")
			assert.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

			after := liveBindings(t, c)
			for pk, fields := range own {
				assert.Equal(t, fields, after[pk], "authentik's binding %s is untouched", pk)
			}
			assert.Len(t, after, len(own)+tc.added)
		})
	}
}

func stringSet(keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = ""
	}
	return out
}

// A stack can create one of authentik's own flows (an admin deleted
// default-authentication-flow, a manifest declares it whole). authentik
// applies its blueprint again (on every start, when the file changes):
// its stage and policy bindings come back. The stack's lists are not the
// whole truth on authentik's own flow, so the next plan keeps them, says
// so, and deletes nothing; before, it deleted the MFA and login stage
// bindings and the password binding's policy, and each blueprint run put
// them back.
func TestRecreatedDefaultFlowNeverDeletesAuthentiksBindings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	_, err := c.api().FlowsApi.FlowsInstancesDestroy(t.Context(), "default-authentication-flow").Execute()
	require.NoError(t, err)
	path := writeManifest(t, corpPasswordPolicy+`version: 1
stack: corp
flows:
  - slug: default-authentication-flow
    name: Welcome to authentik!
    designation: authentication
    title: Sign in to Corp
    stages:
      - {stage: default-authentication-identification, order: 10}
      - {stage: default-authentication-password, order: 20, policies: [{policy: corp-password-strength}]}
`)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	require.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)

	require.NoError(t, c.emu.ApplyBlueprint("default/flow-default-authentication-flow.yaml"))
	require.Len(t, c.emu.FlowBindings("default-authentication-flow"), 4, "the blueprint binds its four stages again")
	own := liveBindings(t, c)

	changes, kept := planKept(t, c, path)
	noChangeTo(t, changes)
	require.Len(t, changes, 1, "only the title the blueprint set back: %+v", changes)
	assert.Equal(t, []string{"update", "flow", "default-authentication-flow"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	assert.Equal(t, []string{
		"flow stage binding default-authentication-flow/default-authentication-login",
		"flow stage binding default-authentication-flow/default-authentication-mfa-validation",
		"policy binding default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage",
	}, sortedKeys(kept))
	for _, reason := range kept {
		assert.Contains(t, reason, `flow "default-authentication-flow" is one of authentik's own, whose blueprints add to it, so left in authentik`)
	}

	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Len(t, c.emu.FlowBindings("default-authentication-flow"), 4)
	assert.Equal(t, own, liveBindings(t, c), "authentik's bindings are untouched")
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

// Listing one of authentik's own bindings changes it (the manifest says
// so), and the plan warns what authentik's blueprint does next time it
// runs: failure_result is set back; a stage binding moved to another order
// is bound again at the blueprint's. Both are shown true by applying the
// blueprint again.
func TestEditingAuthentiksOwnBindingWarnsOfItsBlueprint(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
stack: corp
flows:
  - slug: default-authentication-flow
    stages:
      - stage: default-authentication-password
        order: 20
        policies: [{policy: default-authentication-flow-password-stage, order: 10, failure_result: false}]
      - {stage: default-authentication-mfa-validation, order: 35}
`)
	changes, kept := planKept(t, c, path)
	assert.Equal(t, []string{"flow stage binding default-authentication-flow/default-authentication-identification",
		"flow stage binding default-authentication-flow/default-authentication-login"}, sortedKeys(kept), "the stages not listed")
	r := c.run("plan", "-f", path, "-o", "json")
	var p struct {
		Changes []struct {
			Kind, Key, Action string
			Warnings          []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	require.Len(t, changes, 2, r.out)
	warned := map[string][]string{}
	for _, ch := range p.Changes {
		assert.Equal(t, "update", ch.Action, ch.Key)
		warned[ch.Kind+" "+ch.Key] = ch.Warnings
	}
	assert.Equal(t, map[string][]string{
		"policy binding default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage": {
			"authentik's blueprint default/flow-default-authentication-flow.yaml sets failure_result to true (state: present): the next time authentik applies it (an upgrade that changes the file, or an admin applying it) it is set back, and the next plan shows this change again"},
		"flow stage binding default-authentication-flow/default-authentication-mfa-validation": {
			"authentik's blueprint default/flow-default-authentication-flow.yaml finds this binding by order 30: the next time authentik applies it, it binds it again at order 30, beside this one"},
	}, warned)

	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	require.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)

	// What the warnings said.
	require.NoError(t, c.emu.ApplyBlueprint("default/flow-default-authentication-flow.yaml"))
	changes, kept = planKept(t, c, path)
	require.Len(t, changes, 1, "%+v", changes)
	assert.Equal(t, "default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage", changes[0].Key)
	assert.Contains(t, kept, "flow stage binding default-authentication-flow/default-authentication-mfa-validation",
		"the blueprint bound the MFA stage at 30 again; the plan keeps it")
}
