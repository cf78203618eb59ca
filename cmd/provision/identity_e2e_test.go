package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
)

func corpIdentity(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-identity.yaml")
	require.NoError(t, err)
	return string(data)
}

const alicePassword = "Alice-Secret-Pw-7731"

// Issue 21's proof: a user in a group with a password from a sensitive
// variable, a service account with an API token written to ci.env, and a
// role with two permissions held by the group apply, and a second plan is
// empty; on the wire, exactly that.
func TestCorpIdentityEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["ALICE_PASSWORD"] = alicePassword
	path := writeManifest(t, corpIdentity(t))

	r := c.run("plan", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "password: set now, once; later runs never reset it")
	assert.NotContains(t, r.out+r.err, alicePassword)
	assert.Zero(t, c.emu.Writes(), "plan writes nothing")

	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out+r.err, alicePassword)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	// On the wire: alice in the group, her password set once.
	assert.Equal(t, []string{"Corp Staff"}, c.emu.UserGroups("alice"))
	pw, sets := c.emu.UserPassword("alice")
	assert.Equal(t, alicePassword, pw)
	assert.Equal(t, 1, sets)
	// The role holds exactly the two permissions; the group holds it.
	assert.Equal(t, []string{"authentik_core.reset_user_password", "authentik_core.view_user"}, c.emu.RolePermissions("corp-helpdesk"))
	assert.Equal(t, []string{"corp-helpdesk"}, c.emu.GroupRoles("Corp Staff"))
	// The token file's key is the key authentik reports for ci-bot's token.
	tok, _, err := c.api().CoreApi.CoreTokensRetrieve(t.Context(), "ci-bot-token").Execute()
	require.NoError(t, err)
	assert.Equal(t, "ci-bot", tok.UserObj.Username)
	key, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), "ci-bot-token").Execute()
	require.NoError(t, err)
	env, err := os.ReadFile(filepath.Join(filepath.Dir(path), "ci.env"))
	require.NoError(t, err)
	assert.Contains(t, string(env), "AUTHENTIK_TOKEN="+key.Key+"\n")
	assert.Contains(t, string(env), "AUTHENTIK_URL="+c.url+"\n")
	assert.NotContains(t, r.out+r.err, key.Key)
	st, err := os.Stat(filepath.Join(filepath.Dir(path), "ci.env"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// The token list never carries a key.
	list, _, err := c.api().CoreApi.CoreTokensList(t.Context()).Execute()
	require.NoError(t, err)
	listJSON, err := json.Marshal(list)
	require.NoError(t, err)
	assert.NotContains(t, string(listJSON), key.Key)

	// Alice changes her password through the API; re-applying writes nothing.
	users, _, err := c.api().CoreApi.CoreUsersList(t.Context()).Username("alice").Execute()
	require.NoError(t, err)
	require.Len(t, users.Results, 1)
	_, err = c.api().CoreApi.CoreUsersSetPasswordCreate(t.Context(), users.Results[0].Pk).
		UserPasswordSetRequest(*api.NewUserPasswordSetRequest("her-own-choice")).Execute()
	require.NoError(t, err)
	c.emu.ResetLog()
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	var writes []string
	for _, q := range c.emu.Requests() {
		if q.Method != http.MethodGet && !strings.HasPrefix(q.Path, "/api/v3/managed/blueprints/") {
			writes = append(writes, q.Method+" "+q.Path)
		}
	}
	assert.Empty(t, writes, "re-apply makes 0 writes (the stack lock's own aside)")
	assert.Equal(t, 2, c.emu.Writes(), "take and release the lock")
	pw, _ = c.emu.UserPassword("alice")
	assert.Equal(t, "her-own-choice", pw)

	// Dropping alice from the stack deletes her; the plan says what goes
	// with her.
	without := strings.Replace(corpIdentity(t), "  - username: alice\n    name: Alice Example\n    email: alice@corp.example\n    groups: [Corp Staff]\n    password: ${ALICE_PASSWORD}\n", "", 1)
	require.NotEqual(t, corpIdentity(t), without)
	r = c.run("plan", "-f", writeManifest(t, without), "-o", "json", "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	changes := planJSON(t, r.out)
	require.Len(t, changes, 1, r.out)
	assert.Equal(t, []string{"delete", "user", "alice"}, []string{changes[0].Action, changes[0].Kind, changes[0].Key})
	assert.Contains(t, r.out, "authentik deletes the user's sessions and tokens with it")
	assert.Contains(t, r.out, `user \"alice\" loses their sessions (signed out everywhere) and their API tokens and app passwords`, "a destroy warning (issue 31)")
}

// A literal password is refused at its line; an unknown permission gets a
// did-you-mean; nothing is written.
func TestIdentityManifestRefusals(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["ALICE_PASSWORD"] = alicePassword
	literal := strings.Replace(corpIdentity(t), "password: ${ALICE_PASSWORD}", "password: hunter2hunter2", 1)
	r := c.run("validate", "-f", writeManifest(t, literal))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, ":20:15: password is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "hunter2hunter2")

	typo := strings.Replace(corpIdentity(t), "authentik_core.view_user,", "authentik_core.view_usr,", 1)
	r = c.run("plan", "-f", writeManifest(t, typo))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `unknown permission "authentik_core.view_usr"`)
	assert.Contains(t, r.err, `did you mean "authentik_core.view_user"?`)
	t.Log(r.err)
	var done []string
	for _, q := range c.emu.Requests() {
		if q.Method != http.MethodGet && q.Status < 300 {
			done = append(done, q.Method+" "+q.Path)
		}
	}
	assert.Empty(t, done, "apply with the read-only token changes nothing")
}

// Export round-trips users, tokens and roles: the exported manifest plans
// empty; the password is left out with a comment naming the variable to
// declare, and no token key is exported.
func TestIdentityExportRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["ALICE_PASSWORD"] = alicePassword
	path := writeManifest(t, corpIdentity(t))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	key, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), "ci-bot-token").Execute()
	require.NoError(t, err)

	out := filepath.Join(t.TempDir(), "export.yaml")
	r = c.run("export", "--all", "--out", out)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	exported := string(b)
	assert.NotContains(t, exported, "akadmin", "authentik's own (system/bootstrap.yaml) is not exported")
	assert.Contains(t, exported, "username: alice")
	assert.Contains(t, exported, "identifier: ci-bot-token")
	assert.Contains(t, exported, "- authentik_core.reset_user_password")
	assert.Contains(t, exported, "variables: {ALICE_PASSWORD: {sensitive: true}}")
	assert.Equal(t, 1, strings.Count(exported, "variables: {ALICE_PASSWORD: {sensitive: true}}"), "alice's password is named once")
	assert.NotContains(t, exported, alicePassword)
	assert.NotContains(t, exported, key.Key)
	assert.NotContains(t, exported, "expires:", "an api token's expiry is authentik's")

	r = c.run("plan", "-f", out, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty:\n%s\n%s\n%s", exported, r.out, r.err)
}

// The pipeline identity example (issue 21, point 4): applied by an admin,
// its token plans with no write and cannot apply, the error naming the
// permission it lacks.
func TestPipelineIdentity(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	data, err := os.ReadFile("../../manifests/pipeline-identity.yaml")
	require.NoError(t, err)
	path := writeManifest(t, string(data))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	dir := filepath.Dir(path)
	env, err := os.ReadFile(filepath.Join(dir, "pipeline.env"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^AUTHENTIK_TOKEN=(\S+)$`).FindStringSubmatch(string(env))
	require.NotNil(t, m, string(env))
	token := m[1]
	secret, err := os.ReadFile(filepath.Join(dir, "pipeline-secret.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(secret), "kind: Secret")
	assert.Contains(t, string(secret), "name: provision-plan-token")

	pipeline := newCLIFor(t, c.url, c.emu)
	pipeline.env["AUTHENTIK_TOKEN"] = token
	pipeline.env["ALICE_PASSWORD"] = alicePassword
	corp := writeManifest(t, corpIdentity(t))
	c.emu.ResetLog()
	for _, mf := range []string{path, corp} {
		r = pipeline.run("plan", "-f", mf)
		assert.Equal(t, exitOK, r.code, "%s: %s%s", mf, r.out, r.err)
	}
	assert.Contains(t, r.out, `+ user "alice" {`)
	assert.Zero(t, c.emu.Writes(), "plan with the read-only token writes nothing")
	// Applications: authentik lists a non-superuser only those it may
	// access, so a plan managing applications is refused with that token.
	r = pipeline.run("plan", "-f", writeManifest(t, corpPolicies(t)))
	assert.Equal(t, exitError, r.code, r.out+r.err)
	assert.Contains(t, r.err, "the API token's user is not a superuser")
	assert.Zero(t, c.emu.Writes())

	r = pipeline.run("apply", "-f", corp, "--auto-approve")
	assert.Equal(t, exitError, r.code, r.out+r.err)
	assert.Contains(t, r.err, "lacks the permission authentik_blueprints.add_blueprintinstance")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.err), "\n")+1, "one sentence: %s", r.err)
	t.Log(r.err)
	var done []string
	for _, q := range c.emu.Requests() {
		if q.Method != http.MethodGet && q.Status < 300 {
			done = append(done, q.Method+" "+q.Path)
		}
	}
	assert.Empty(t, done, "apply with the read-only token changes nothing")
}

// The example's role holds exactly kinds.ReadPermissions(): the view
// permissions a plan of any manifest needs, derived from the kind registry.
func TestPipelineIdentityRoleIsReadPermissions(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../manifests/pipeline-identity.yaml")
	require.NoError(t, err)
	var m struct {
		Roles []struct {
			Name        string   `yaml:"name"`
			Permissions []string `yaml:"permissions"`
		} `yaml:"roles"`
	}
	if *update {
		data = withReadPermissions(t, data)
		require.NoError(t, os.WriteFile("../../manifests/pipeline-identity.yaml", data, 0o644))
	}
	require.NoError(t, yaml.Unmarshal(data, &m))
	require.Len(t, m.Roles, 1)
	assert.Equal(t, kinds.ReadPermissions(), m.Roles[0].Permissions, "a kind was added or removed: rewrite the list with go test ./cmd/provision -run TestPipelineIdentityRoleIsReadPermissions -update")
}

// withReadPermissions replaces the read-only role's permissions list in
// the pipeline identity manifest with kinds.ReadPermissions(), keeping
// every other line (and comment) as it is.
func withReadPermissions(t *testing.T, data []byte) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(data), "\n")
	start := slices.Index(lines, "    permissions:\n")
	require.GreaterOrEqual(t, start, 0, "the role's permissions: line")
	end := start + 1
	for end < len(lines) && strings.HasPrefix(lines[end], "      - ") {
		end++
	}
	var perms []string
	for _, p := range kinds.ReadPermissions() {
		perms = append(perms, "      - "+p+"\n")
	}
	return []byte(strings.Join(slices.Concat(lines[:start+1], perms, lines[end:]), ""))
}
