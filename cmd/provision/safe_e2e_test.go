package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Safe changes (issue 31): renames in place, destroy warnings, protection
// kept in the stack record, --no-prune and --target, each against the
// emulator through the real CLI.

// writeManifest writes body as the manifest at path.
func writeSafe(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
}

const chatApp = `providers:
  - name: chat
    type: oauth2
    redirect_uris: [{matching_mode: strict, url: "https://chat.example.com/cb"}]
applications:
  - name: Chat
    slug: chat
    provider: chat
    access:
      groups: [%s]
`

func groupsManifest(groups string, access string) string {
	return "version: 1\nstack: safe\ngroups:\n" + groups + strings.ReplaceAll(chatApp, "%s", access)
}

// A moved: entry renames the group in place: same pk, its member and the
// application's binding kept; the plan shows a rename, and re-running it
// (the move left in the manifest) changes nothing.
func TestMovedRenamesAGroupInPlace(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n", `"Chat Users"`))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	pk := c.emu.GroupPK("Chat Users")
	require.NotEmpty(t, pk)
	alice := c.emu.AddUser("alice")
	require.NoError(t, c.emu.SetField("group", "Chat Users", "users", []int32{alice}))

	moved := groupsManifest("  - name: AI Users\n", `"AI Users"`) + "moved:\n  - {kind: group, from: \"Chat Users\", to: \"AI Users\"}\n"
	writeSafe(t, path, moved)
	r := c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ group "Chat Users" -> "AI Users" {`)
	assert.Contains(t, r.out, `# group "AI Users" will be renamed from "Chat Users", in place`)
	assert.NotContains(t, r.out, "destroyed")
	assert.Contains(t, r.out, "0 to add, 1 to change, 0 to destroy")

	r = c.run("plan", "-f", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `"moved_from": "Chat Users"`)

	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, pk, c.emu.GroupPK("AI Users"), "the same group, renamed")
	assert.Empty(t, c.emu.GroupPK("Chat Users"))
	assert.Equal(t, []string{"AI Users"}, c.emu.UserGroups("alice"), "the member stays")
	assert.Contains(t, record(t, c, "safe"), "group AI Users")
	assert.NotContains(t, record(t, c, "safe"), "group Chat Users")

	r = c.run("plan", "-f", path, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the move stays in the manifest as a no-op: %s", r.out)
}

// Dropping a group with a member warns with the member count, in text,
// JSON and markdown plans and just before apply's question.
func TestDestroyWarnsOfAGroupsMembers(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n  - name: AI Users\n", `"Chat Users"`))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	alice := c.emu.AddUser("alice")
	require.NoError(t, c.emu.SetField("group", "AI Users", "users", []int32{alice}))

	writeSafe(t, path, groupsManifest("  - name: Chat Users\n", `"Chat Users"`))
	want := `group \"AI Users\" has 1 member`
	for _, format := range []string{"text", "json", "markdown"} {
		r := c.run("plan", "-f", path, "-o", format)
		require.Equal(t, exitOK, r.code, r.err)
		out := r.out
		if format != "json" {
			out = strings.ReplaceAll(out, `"`, `\"`)
		}
		assert.Contains(t, out, want, format)
	}
	r := c.runWith(func(s *IOStreams) { s.StdinTTY = true; s.In = strings.NewReader("no\n") }, "apply", "-f", path)
	prompt := strings.Index(r.out, "Do you want to perform these actions?")
	require.Positive(t, prompt, r.out)
	warning := strings.LastIndex(r.out, `group "AI Users": group "AI Users" has 1 member`)
	assert.True(t, warning > strings.Index(r.out, "Plan:") && warning < prompt, "repeated just before the question:\n%s", r.out)
	assert.NotEmpty(t, c.emu.GroupPK("AI Users"), "not applied")
}

// Renaming a provider without moved: makes a new one with new client
// credentials: the plan names the output file apply rewrites and the
// application to restart.
func TestProviderRenameNamesTheOutputItRewrites(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.yaml")
	body := func(name string) string {
		return `version: 1
stack: safe
providers:
  - name: ` + name + `
    type: oauth2
    authorization_flow: default-provider-authorization-implicit-consent
    invalidation_flow: default-provider-invalidation-flow
applications:
  - name: LibreChat
    slug: librechat
    provider: ` + name + `
    outputs:
      librechat:
        file: librechat.env
        url: https://chat.example.com
`
	}
	writeSafe(t, path, body("chat-old"))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)

	writeSafe(t, path, body("chat-new"))
	r = c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `provider "chat-old" is destroyed with its client credentials`)
	assert.Contains(t, r.out, `application "librechat" moves to provider "chat-new", whose client credentials are new: apply rewrites "librechat.env"; restart "LibreChat" once it has`)

	// With moved:, the same provider is renamed: nothing is destroyed and
	// the client id stays.
	writeSafe(t, path, body("chat-new")+"moved:\n  - {kind: provider, from: chat-old, to: chat-new}\n")
	pk := c.emu.ProviderPK("chat-old")
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `provider "chat-new": updated`)
	assert.NotContains(t, r.out, "will be destroyed")
	assert.NotContains(t, r.out, "(known after apply)", "the client id stays")
	assert.Equal(t, pk, c.emu.ProviderPK("chat-new"))
}

// --no-prune keeps what the manifest dropped: no destroy, listed as not
// pruned, and still owned, so a later plan without it prunes it.
func TestNoPrunePlansNoDestroy(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n  - name: Other\n", `"Chat Users"`))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	writeSafe(t, path, groupsManifest("  - name: Chat Users\n", `"Chat Users"`))
	r := c.run("plan", "-f", path, "--no-prune", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct {
		Summary   struct{ Destroy int }
		Ownership struct {
			NotPruned []struct{ Kind, Key string } `json:"not_pruned"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	assert.Zero(t, p.Summary.Destroy)
	assert.Equal(t, []struct{ Kind, Key string }{{"group", "Other"}}, p.Ownership.NotPruned)

	r = c.run("apply", "-f", path, "--no-prune", "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `group "Other" is not pruned`)
	assert.NotEmpty(t, c.emu.GroupPK("Other"))
	assert.Contains(t, record(t, c, "safe"), "group Other", "still owned")

	r = c.run("plan", "-f", path)
	assert.Contains(t, r.out, `- group "Other"`, "pruned once --no-prune is dropped")
}

// protect: true is kept in the stack's record: dropping the protected
// entry is refused, naming it, with nothing written; applying protect:
// false first lets it go.
func TestDroppingAProtectedEntryIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n  - name: Admins\n    protect: true\n", `"Chat Users"`))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)

	writeSafe(t, path, groupsManifest("  - name: Chat Users\n", `"Chat Users"`))
	before := c.emu.Writes()
	r := c.run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `group "Admins" is protected (stack "safe"'s record keeps protect: true) and the manifest no longer declares it`)
	assert.Contains(t, r.err, "declare it again with protect: false and apply that first, then remove it")
	assert.Equal(t, before, c.emu.Writes())
	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `group "Admins" is protected`)
	assert.NotEmpty(t, c.emu.GroupPK("Admins"))
	assert.Contains(t, record(t, c, "safe"), "group Admins")

	// protect: false is applied (the record forgets it), then the drop is
	// a delete.
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n  - name: Admins\n    protect: false\n", `"Chat Users"`))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `group "Admins" will be unprotected (protect: false)`)
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n", `"Chat Users"`))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Empty(t, c.emu.GroupPK("Admins"))
}

// --target group/Other plans only that group, though the rest of the
// manifest would change too; a target the manifest does not declare is an
// error with the closest name.
func TestTargetPlansOnlyThatGroup(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, groupsManifest("  - name: Chat Users\n  - name: Other\n", `"Chat Users"`))
	r := c.run("plan", "-f", path, "--target", "group/Other", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct {
		Changes []struct{ Kind, Key, Action string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	assert.Equal(t, []struct{ Kind, Key, Action string }{{"group", "Other", "create"}}, p.Changes)

	r = c.run("apply", "-f", path, "--target", "group/Other", "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotEmpty(t, c.emu.GroupPK("Other"))
	assert.Empty(t, c.emu.GroupPK("Chat Users"), "not targeted")
	assert.Zero(t, c.emu.Counts()["application"])

	// An application target brings what it references along.
	r = c.run("plan", "-f", path, "--target", "application/chat", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	p.Changes = nil
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	var keys []string
	for _, ch := range p.Changes {
		keys = append(keys, ch.Kind+" "+ch.Key)
	}
	assert.ElementsMatch(t, []string{"group Chat Users", "provider chat", "application chat", "access chat"}, keys)

	r = c.run("plan", "-f", path, "--target", "group/Othr")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `--target group/Othr: the manifest declares no group "Othr"; did you mean "Other"?`)
	r = c.run("plan", "-f", path, "--target", "gruop/Other")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `unknown kind "gruop"; did you mean "group"?`)
}

// An application moves by slug and a flow by slug, in place: the same
// objects (pks kept), the application's binding kept, and the next plan
// is empty.
func TestMovedRenamesAnApplicationAndAFlowBySlug(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	body := func(app, flow string) string {
		return `version: 1
stack: safe
groups:
  - name: users
flows:
  - {slug: ` + flow + `, name: Login, title: Login, designation: authentication}
applications:
  - name: Wiki
    slug: ` + app + `
    access:
      groups: [users]
`
	}
	writeSafe(t, path, body("wiki", "corp-login"))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	appPK, flowPK := c.emu.AppPK("wiki"), c.emu.FlowPK("corp-login")

	writeSafe(t, path, body("docs", "staff-login")+`moved:
  - {kind: application, from: wiki, to: docs}
  - {kind: flow, from: corp-login, to: staff-login}
`)
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ application "wiki" -> "docs" {`)
	assert.Contains(t, r.out, `~ flow "corp-login" -> "staff-login" {`)
	assert.Contains(t, r.out, "0 added, 2 changed, 0 destroyed")
	assert.Equal(t, appPK, c.emu.AppPK("docs"))
	assert.Equal(t, flowPK, c.emu.FlowPK("staff-login"))
	assert.Len(t, c.emu.PolicyBindingsOn("application", "docs"), 1, "the binding stays")

	r = c.run("plan", "-f", path, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.out)
}

// A flow target brings its stage bindings, the policies bound on them
// and the stages they need, and nothing else the manifest declares.
func TestTargetAFlowBringsItsBindings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "m.yaml")
	writeSafe(t, path, `version: 1
groups:
  - name: staff
stages:
  - {name: corp-deny, type: deny, deny_message: "Not today"}
  - {name: other-deny, type: deny}
flows:
  - slug: corp-flow
    name: Corp
    title: Corp
    designation: authentication
    stages:
      - stage: corp-deny
        order: 10
        policies: [{group: staff}]
`)
	r := c.run("plan", "-f", path, "--target", "flow/corp-flow", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct{ Changes []struct{ Kind, Key string } }
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	var keys []string
	for _, ch := range p.Changes {
		keys = append(keys, ch.Kind+" "+ch.Key)
	}
	assert.Contains(t, keys, "flow corp-flow")
	assert.Contains(t, keys, "stage corp-deny")
	assert.Contains(t, keys, "group staff")
	assert.NotContains(t, keys, "stage other-deny")
	assert.Len(t, keys, 5, "the flow, its stage binding, the policy binding on it, the stage and the group: %v", keys)
}
