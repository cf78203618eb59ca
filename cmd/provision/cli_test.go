package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

func TestApplyAsksOnATerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer string
		code   int
		writes bool
	}{
		{"yes\n", exitOK, true},
		{"no\n", exitError, false},
		{"y\n", exitError, false},
	} {
		t.Run(strings.TrimSpace(tc.answer), func(t *testing.T) {
			c := newCLI(t)
			r := c.runWith(func(s *IOStreams) { s.StdinTTY, s.In = true, strings.NewReader(tc.answer) }, "apply", "-f", seedManifest)
			assert.Equal(t, tc.code, r.code, r.err)
			assert.Contains(t, r.out, "Only 'yes' will be accepted")
			assert.Equal(t, tc.writes, c.emu.Writes() > 0)
			assert.Equal(t, !tc.writes, strings.HasSuffix(r.out, "Apply cancelled.\n"), r.out)
		})
	}
}

func TestOutpostAttachKeepsProvidersOthersAttached(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	flow := c.emu.FlowPK("default-provider-authorization-implicit-consent")
	inval := c.emu.FlowPK("default-provider-invalidation-flow")
	// Someone else's proxy provider, already on the embedded outpost.
	req := api.NewProxyProviderRequest("someone-elses", flow, inval, "https://other.example.com")
	mode := api.PROXYMODE_FORWARD_SINGLE
	req.Mode = &mode
	other, _, err := c.api().ProvidersApi.ProvidersProxyCreate(ctx).ProxyProviderRequest(*req).Execute()
	require.NoError(t, err)
	outposts, _, err := c.api().OutpostsApi.OutpostsInstancesList(ctx).ManagedIexact("goauthentik.io/outposts/embedded").Execute()
	require.NoError(t, err)
	embedded := outposts.Results[0]
	typ := api.OUTPOSTTYPEENUM_PROXY
	_, _, err = c.api().OutpostsApi.OutpostsInstancesPartialUpdate(ctx, embedded.Pk).
		PatchedOutpostRequest(api.PatchedOutpostRequest{Type: &typ, Providers: []int32{other.Pk}}).Execute()
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "wiki.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
providers:
  - name: wiki
    type: proxy
    external_host: https://wiki.example.com
    mode: forward_single
applications:
  - {name: Wiki, slug: wiki, provider: wiki}
outposts:
  - name: authentik Embedded Outpost
    type: proxy
    providers: [wiki]
`), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	after, _, err := c.api().OutpostsApi.OutpostsInstancesRetrieve(ctx, embedded.Pk).Execute()
	require.NoError(t, err)
	assert.ElementsMatch(t, []int32{other.Pk, c.emu.ProviderPK("wiki")}, after.Providers)
	c.emu.ResetLog()
	assert.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	assert.Equal(t, 0, c.emu.Writes())
}

func TestUserErrorsAreOneSentence(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["AUTHENTIK_TOKEN"] = "definitely-wrong-token"
	r := c.run("plan", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: authentik refused the API token (AUTHENTIK_TOKEN, or the file given with --token-file): Token invalid/expired\n", r.err)
	assert.NotContains(t, r.err+r.out, "definitely-wrong-token")

	delete(c.env, "AUTHENTIK_URL")
	r = c.run("plan", "-f", seedManifest)
	assert.Equal(t, "Error: no authentik URL: set AUTHENTIK_URL or use --url\n", r.err)

	r = c.run("plan", "-f", seedManifest, "-o", "yaml")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `unknown output format "yaml"`)
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
providers:
  - name: chat
    type: oauth2
    sub_mode: email
    scope: [openid]
applications:
  - name: Chat
    slug: token
    provider: chat
outposts:
  - name: authentik Embedded Outpost
    type: proxy
    providers: [chat]
`), 0o644))
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	// Strict decoding fails first, so only the unknown key is reported;
	// fix it and the semantic problems all come at once.
	assert.Contains(t, r.err, path+`:6:5: unknown field "scope" in providers; did you mean "scopes"?`)

	data, _ := os.ReadFile(path)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), "scope:", "scopes:", 1)), 0o644))
	r = c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	lines := strings.Split(strings.TrimSpace(r.err), "\n")
	assert.Len(t, lines, 3, r.err)
	assert.Contains(t, r.err, path+`:5:5: sub_mode "email" is not one of`)
	assert.Contains(t, r.err, path+`:9:5: application slug "token" is reserved`)
	assert.Contains(t, r.err, path+`:14:17: outpost "authentik Embedded Outpost" lists OAuth2 provider "chat"`)
	assert.Equal(t, 0, len(c.emu.Requests()), "validate is offline")
}

func TestColourOnlyOnATerminalWithoutNoColor(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	tty := func(s *IOStreams) { s.StdoutTTY = true }
	assert.Contains(t, c.runWith(tty, "plan", "-f", seedManifest).out, "\x1b[32m+")
	c.env["NO_COLOR"] = "1"
	assert.NotContains(t, c.runWith(tty, "plan", "-f", seedManifest).out, "\x1b[")
	delete(c.env, "NO_COLOR")
	assert.NotContains(t, c.run("plan", "-f", seedManifest).out, "\x1b[")
}

func TestGroupUpdateKeepsMembers(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	alice := c.emu.AddUser("alice")
	req := api.NewGroupRequest("LibreChat Users")
	req.Users = []int32{alice}
	req.Attributes = map[string]any{"team": "chat", "kept": true}
	g, _, err := c.api().CoreApi.CoreGroupsCreate(ctx).GroupRequest(*req).Execute()
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "g.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\ngroups:\n  - name: LibreChat Users\n    attributes: {team: llm}\n"), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ attributes.team = "chat" -> "llm"`)
	assert.Equal(t, 0, c.emu.Count("PUT", "/api/v3/core/groups/"), "never PUT a group: it would drop its members")

	after, _, err := c.api().CoreApi.CoreGroupsRetrieve(ctx, g.Pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, []int32{alice}, after.Users)
	assert.Equal(t, map[string]any{"team": "llm", "kept": true}, after.Attributes, "undeclared attributes are kept")
}

func TestAbsentDeletesInReverseOrder(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	path := filepath.Join(t.TempDir(), "gone.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
groups:
  - {name: LibreChat Users, state: absent}
providers:
  - {name: LibreChat, type: oauth2, state: absent}
applications:
  - {name: LibreChat, slug: librechat, state: absent}
`), 0o644))
	c.emu.ResetLog()
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Plan: 0 to add, 0 to change, 3 to destroy.")
	var deletes []string
	for _, req := range c.emu.Requests() {
		if req.Method == "DELETE" {
			deletes = append(deletes, strings.Split(strings.TrimPrefix(req.Path, "/api/v3/"), "/")[1])
		}
	}
	assert.Equal(t, []string{"applications", "all", "groups"}, deletes, "applications before providers (through the type-agnostic endpoint) before groups")
	assert.Equal(t, "", c.emu.AppPK("librechat"))
	assert.Equal(t, int32(0), c.emu.ProviderPK("LibreChat"))

	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "No changes.")
	assert.Equal(t, 0, c.emu.Writes())
}

func TestProviderNullDetaches(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	path := filepath.Join(t.TempDir(), "detach.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\napplications:\n  - {name: LibreChat, slug: librechat, provider: null}\n"), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ provider = "LibreChat" -> null`)
	app, _, err := c.api().CoreApi.CoreApplicationsRetrieve(context.Background(), "librechat").Execute()
	require.NoError(t, err)
	assert.Nil(t, app.Provider.Get())
	assert.Equal(t, exitOK, c.run("plan", "-f", path, "--detailed-exitcode").code)
}

func TestConnectionFlagsOverrideTheEnvironment(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(c.emu.Token()+"\n"), 0o600))
	url := c.env["AUTHENTIK_URL"]
	c.env["AUTHENTIK_URL"] = "http://127.0.0.1:1"
	c.env["AUTHENTIK_TOKEN"] = "stale-token"
	r := c.run("plan", "-f", seedManifest, "--url", url+"/api/v3/", "--token-file", tokenFile)
	assert.Equal(t, exitOK, r.code, r.err)

	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	r = c.run("plan", "-f", seedManifest, "--url", url, "--token-file", empty)
	assert.Equal(t, "Error: token file "+empty+" is empty\n", r.err)
}

func TestExclusiveOutpostDetachesProvidersNotListed(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	write := func(providers string) string {
		path := filepath.Join(dir, "o.yaml")
		require.NoError(t, os.WriteFile(path, []byte(`version: 1
providers:
  - {name: wiki, type: proxy, external_host: "https://wiki.example.com", mode: forward_single}
  - {name: docs, type: proxy, external_host: "https://docs.example.com", mode: forward_single}
outposts:
  - name: dedicated
    type: proxy
    exclusive: true
    providers: `+providers+"\n"), 0o644))
		return path
	}
	require.Equal(t, exitOK, c.run("apply", "-f", write("[wiki, docs]"), "--auto-approve").code)
	r := c.run("apply", "-f", write("[wiki]"), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `~ providers = ["docs", "wiki"] -> ["wiki"]`)
	list, _, err := c.api().OutpostsApi.OutpostsInstancesList(context.Background()).NameIexact("dedicated").Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	assert.Equal(t, []int32{c.emu.ProviderPK("wiki")}, list.Results[0].Providers)
	assert.Equal(t, exitOK, c.run("plan", "-f", write("[wiki]"), "--detailed-exitcode").code)
}

func TestProxyProviderUpdateIsOnePatch(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "p.yaml")
	write := func(host string) {
		require.NoError(t, os.WriteFile(path, []byte("version: 1\nproviders:\n  - {name: wiki, type: proxy, mode: forward_single, external_host: '"+host+"'}\n"), 0o644))
	}
	write("https://wiki.example.com")
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	write("https://wiki2.example.com")
	c.emu.ResetLog()
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 1, c.emu.Writes())
	assert.Equal(t, 1, c.emu.Count("PATCH", "/api/v3/providers/proxy/"))
	assert.Equal(t, 0, c.emu.Count("GET", fmt.Sprintf("/api/v3/providers/proxy/%d/", c.emu.ProviderPK("wiki"))), "the plan's read is enough")
}

func TestDemoRunsTheWalkthroughAndMasksSecrets(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("demo", "--dir", t.TempDir())
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Plan: 4 to add, 0 to change, 0 to destroy.")
	assert.Contains(t, r.out, "No changes. authentik matches the manifest.")
	assert.Regexp(t, `OPENID_CLIENT_SECRET=\w{4}…\(sensitive, 128 chars\)`, r.out)
	assert.Regexp(t, `OPENID_SESSION_SECRET=\w{4}…\(sensitive, 64 chars\)`, r.out)
	assert.NotRegexp(t, `SECRET=\w{5}`, r.out, "no secret printed whole")
	assert.Contains(t, r.out, "OPENID_CLIENT_ID=", "non-secret values are shown")
	assert.NotContains(t, r.out, "✗")
	assert.Contains(t, r.out, "LibreChat stand-in at http://127.0.0.1:", "the client half is checked, and labelled as a stand-in")
	assert.Contains(t, r.out, "✓ LibreChat: client id sent")
}

func TestValidateCountsInWords(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "1 group", count(1, "group"))
	assert.Equal(t, "0 outposts", count(0, "outpost"))
	assert.Equal(t, "3 applications", count(3, "application"))
}
