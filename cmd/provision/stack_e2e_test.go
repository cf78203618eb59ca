package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
)

// stackManifest is a manifest of stack with one OAuth2 application per
// slug, each with its provider and a group binding.
func stackManifest(stack string, slugs ...string) string {
	var b strings.Builder
	b.WriteString("version: 1\n")
	if stack != "" {
		fmt.Fprintf(&b, "stack: %s\n", stack)
	}
	b.WriteString("groups:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s users\n", s)
	}
	b.WriteString("providers:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s\n    type: oauth2\n    redirect_uris:\n      - url: https://%s.example.com/cb\n", s, s)
	}
	b.WriteString("applications:\n")
	for _, s := range slugs {
		fmt.Fprintf(&b, "  - name: %s\n    slug: %s\n    provider: %s\n    access:\n      groups: [%s users]\n", s, s, s, s)
	}
	return b.String()
}

// record reads a stack's ownership record through the API, as an admin
// would, returning "kind key[/group|provider]" lines.
func record(t *testing.T, c *cli, stack string) []string {
	t.Helper()
	list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-stack-" + stack).Execute()
	require.NoError(t, err)
	if len(list.Results) == 0 {
		return nil
	}
	require.Len(t, list.Results, 1)
	b := list.Results[0]
	assert.False(t, *b.Enabled, "the record is a disabled blueprint instance")
	raw, _ := json.Marshal(b.Context["objects"])
	var objs []struct{ Kind, Key, Group, Provider string }
	require.NoError(t, json.Unmarshal(raw, &objs))
	var out []string
	for _, o := range objs {
		s := o.Kind + " " + o.Key
		if o.Group != "" {
			s += "/" + o.Group
		}
		if o.Provider != "" {
			s += "/" + o.Provider
		}
		out = append(out, s)
	}
	return out
}

func appSlugs(t *testing.T, c *cli) []string {
	t.Helper()
	list, _, err := c.api().CoreApi.CoreApplicationsList(context.Background()).SuperuserFullList(true).PageSize(100).Execute()
	require.NoError(t, err)
	var out []string
	for _, a := range list.Results {
		out = append(out, a.Slug)
	}
	return out
}

func TestStackPrunesWhatTheManifestDropped(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// An application made by hand survives every step.
	hand := api.NewApplicationRequest("Hand", "hand")
	_, _, err := c.api().CoreApi.CoreApplicationsCreate(context.Background()).ApplicationRequest(*hand).Execute()
	require.NoError(t, err)

	three := writeManifest(t, stackManifest("prod", "alpha", "beta", "gamma"))
	r := c.run("apply", "-f", three, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.err, "nothing will be pruned")
	assert.Contains(t, record(t, c, "prod"), "application beta")
	assert.Contains(t, record(t, c, "prod"), "access beta/beta users")
	assert.Equal(t, exitOK, c.run("plan", "-f", three, "--detailed-exitcode").code)

	two := writeManifest(t, stackManifest("prod", "alpha", "gamma"))
	r = c.run("plan", "-f", two, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	for _, want := range []string{`application "beta" will be destroyed`, `provider "beta" will be destroyed`, `access "beta" will be destroyed`, `group "beta users" will be destroyed`, "(no longer in the manifest)"} {
		assert.Contains(t, r.out, want)
	}
	assert.NotContains(t, r.out, `"hand"`)
	r = c.run("apply", "-f", two, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.ElementsMatch(t, []string{"alpha", "gamma", "hand"}, appSlugs(t, c))
	assert.NotContains(t, strings.Join(record(t, c, "prod"), "\n"), "beta")
	assert.Equal(t, exitOK, c.run("plan", "-f", two, "--detailed-exitcode").code)
}

func TestTwoStacksOnOneAuthentik(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	a := writeManifest(t, stackManifest("team-a", "a1", "a2"))
	b := writeManifest(t, stackManifest("team-b", "b1"))
	require.Equal(t, exitOK, c.run("apply", "-f", a, "--auto-approve").code)
	require.Equal(t, exitOK, c.run("apply", "-f", b, "--auto-approve").code)

	// Stack A drops a2: only a2 goes; B's objects are not A's to prune.
	a = writeManifest(t, stackManifest("team-a", "a1"))
	r := c.run("plan", "-f", a, "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	var deleted []string
	for _, ch := range planJSON(t, r.out) {
		assert.Equal(t, "delete", ch.Action)
		deleted = append(deleted, ch.Kind+" "+ch.Key)
	}
	assert.ElementsMatch(t, []string{"access a2", "application a2", "provider a2", "group a2 users"}, deleted)
	require.Equal(t, exitOK, c.run("apply", "-f", a, "--auto-approve").code)
	assert.ElementsMatch(t, []string{"a1", "b1"}, appSlugs(t, c))
	assert.Equal(t, exitOK, c.run("plan", "-f", b, "--detailed-exitcode").code)

	// B declaring A's application is refused, naming both stacks.
	both := writeManifest(t, stackManifest("team-b", "b1", "a1"))
	r = c.run("plan", "-f", both)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `application "a1" is owned by stack "team-a", and this manifest's stack "team-b" declares it too`)
	assert.Contains(t, r.err, "provision state release --stack team-a")

	// Released from A (and dropped from A's manifest), B adopts it.
	for _, o := range [][]string{{"application", "a1"}, {"provider", "a1"}, {"group", "a1 users"}} {
		r = c.run("state", "release", "--stack", "team-a", "--kind", o[0], "--key", o[1])
		require.Equal(t, exitOK, r.code, r.err)
	}
	r = c.run("state", "release", "--stack", "team-a", "--kind", "access", "--key", "a1", "--group", "a1 users")
	require.Equal(t, exitOK, r.code, r.err)
	r = c.run("plan", "-f", both, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	assert.Contains(t, r.out, `application "a1" will be adopted by stack "team-b"`)
	require.Equal(t, exitOK, c.run("apply", "-f", both, "--auto-approve").code)
	assert.Contains(t, record(t, c, "team-b"), "application a1")
	assert.NotContains(t, record(t, c, "team-a"), "application a1")
}

func TestAdoptionIsShownThenOwned(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	three := writeManifest(t, stackManifest("", "x", "y"))
	require.Equal(t, exitOK, c.run("apply", "-f", three, "--auto-approve").code)

	m := writeManifest(t, stackManifest("prod", "x", "y"))
	r := c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	for _, want := range []string{`application "x" will be adopted by stack "prod"`, `provider "y" will be adopted`, `group "x users" will be adopted`, `access binding of group "y users" to application "y" will be adopted`, "Stack \"prod\": 8 to adopt, 0 to release."} {
		assert.Contains(t, r.out, want)
	}
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	assert.Len(t, record(t, c, "prod"), 8)
	assert.Equal(t, exitOK, c.run("plan", "-f", m, "--detailed-exitcode").code)

	// Adopted, not created: y's group is released, not deleted, when y goes.
	m = writeManifest(t, stackManifest("prod", "x"))
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `group "y users" will be released from stack "prod"'s record (no longer in the manifest; adopted, not created by this stack, so left in authentik)`)
	groups, _, err := c.api().CoreApi.CoreGroupsList(context.Background()).Name("y users").Execute()
	require.NoError(t, err)
	assert.Len(t, groups.Results, 1)
	assert.ElementsMatch(t, []string{"x"}, appSlugs(t, c))
}

func TestWithoutStackNothingIsPrunedAndStderrSaysSo(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	two := writeManifest(t, stackManifest("", "x", "y"))
	r := c.run("apply", "-f", two, "--auto-approve")
	require.Equal(t, exitOK, r.code)
	assert.Equal(t, 1, strings.Count(r.err, "nothing will be pruned"), r.err)
	one := writeManifest(t, stackManifest("", "x"))
	r = c.run("plan", "-f", one, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code)
	assert.Equal(t, 1, strings.Count(r.err, "nothing will be pruned"))
	assert.NotContains(t, posts(c), "/api/v3/managed/blueprints/", "no record without a stack")
}

func TestObjectsDeletedByHandAreDroppedFromTheRecord(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x", "y"))
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	_, err := c.api().CoreApi.CoreApplicationsDestroy(context.Background(), "y").Execute()
	require.NoError(t, err)
	m = writeManifest(t, stackManifest("prod", "x"))
	r := c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code)
	assert.Contains(t, r.out, `application "y" will be released from stack "prod"'s record (deleted outside provision)`)
	assert.Contains(t, r.out, `provider "y" will be destroyed`)
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	assert.NotContains(t, strings.Join(record(t, c, "prod"), "\n"), " y")
	assert.Equal(t, exitOK, c.run("plan", "-f", m, "--detailed-exitcode").code)
}

// A crash between a create and the record: the create's answer is lost
// (the request was handled), then the record itself is lost. Each rerun
// converges on exactly one of each object.
func TestCrashBetweenCreateAndRecordConverges(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x", "y"))
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/core/applications/", Kind: emulator.FaultTruncate, Nth: 1, Times: 1})
	r := c.run("apply", "-f", m, "--auto-approve")
	// The lost answer is settled by re-reading the application by slug.
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "1 writes with an unknown outcome re-read by key (1 found already done)")
	assert.Contains(t, record(t, c, "prod"), "application x", "written ahead of the walk")
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.ElementsMatch(t, []string{"x", "y"}, appSlugs(t, c))

	// The record is lost (deleted by hand): the next apply adopts by key.
	list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-stack-prod").Execute()
	require.NoError(t, err)
	_, err = c.api().ManagedApi.ManagedBlueprintsDestroy(context.Background(), list.Results[0].Pk).Execute()
	require.NoError(t, err)
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `application "x" will be adopted`)
	assert.ElementsMatch(t, []string{"x", "y"}, appSlugs(t, c))
	assert.Len(t, record(t, c, "prod"), 8)
	assert.Equal(t, exitOK, c.run("plan", "-f", m, "--detailed-exitcode").code)
}

// Outpost attachments a stack made are detached when the manifest drops
// them; providers others attached to the shared embedded outpost stay.
func TestStackDetachesOnlyItsOwnOutpostAttachments(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	manifestWith := func(outposts string, providers ...string) string {
		var b strings.Builder
		b.WriteString("version: 1\nstack: edge\nproviders:\n")
		for _, p := range providers {
			fmt.Fprintf(&b, "  - name: %s\n    type: proxy\n    mode: forward_single\n    external_host: https://%s.example.com\n", p, p)
		}
		b.WriteString(outposts)
		return writeManifest(t, b.String())
	}
	// Another team's provider, attached to the embedded outpost by hand.
	other := writeManifest(t, "version: 1\nproviders:\n  - name: theirs\n    type: proxy\n    mode: forward_single\n    external_host: https://theirs.example.com\noutposts:\n  - name: authentik Embedded Outpost\n    type: proxy\n    providers: [theirs]\n")
	require.Equal(t, exitOK, c.run("apply", "-f", other, "--auto-approve").code)

	both := manifestWith("outposts:\n  - name: authentik Embedded Outpost\n    type: proxy\n    providers: [one, two]\n", "one", "two")
	r := c.run("apply", "-f", both, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, record(t, c, "edge"), "outpost attachment authentik Embedded Outpost/two")
	assert.NotContains(t, strings.Join(record(t, c, "edge"), "\n"), "outpost authentik Embedded Outpost\n", "a managed outpost is never owned")

	// two stays a provider but leaves the outpost: detached.
	one := manifestWith("outposts:\n  - name: authentik Embedded Outpost\n    type: proxy\n    providers: [one]\n", "one", "two")
	r = c.run("apply", "-f", one, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ providers = ["one", "theirs", "two"] -> ["one", "theirs"]`)

	// The outpost entry goes: one is detached too, theirs stays.
	none := manifestWith("", "one", "two")
	r = c.run("apply", "-f", none, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "providers this stack attached are no longer in the manifest")
	outposts, _, err := c.api().OutpostsApi.OutpostsInstancesList(context.Background()).NameIexact("authentik Embedded Outpost").Execute()
	require.NoError(t, err)
	require.Len(t, outposts.Results, 1)
	assert.Len(t, outposts.Results[0].Providers, 1, "only theirs")
	assert.Equal(t, exitOK, c.run("plan", "-f", none, "--detailed-exitcode").code)
	assert.Equal(t, exitOK, c.run("plan", "-f", other, "--detailed-exitcode").code)
}

// A record an admin broke by hand stops the plan with how to repair it.
func TestUnreadableRecordIsAPlanError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x"))
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-stack-prod").Execute()
	require.NoError(t, err)
	content := "version: 1\nentries: []\n"
	req := api.PatchedBlueprintInstanceRequest{Context: map[string]any{"format": 1, "objects": []any{map[string]any{"kind": "widget", "key": "x"}}}, Content: &content}
	_, _, err = c.api().ManagedApi.ManagedBlueprintsPartialUpdate(context.Background(), list.Results[0].Pk).PatchedBlueprintInstanceRequest(req).Execute()
	require.NoError(t, err)
	r := c.run("plan", "-f", m)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `the ownership record of stack "prod" (blueprint instance "provision-stack-prod" in authentik) cannot be read: unknown entry widget "x"; repair its context`)
}
