package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/render"
)

const (
	githubSecret = "ghsecret-Zq81-never-shown"
	ldapPassword = "ldap-bind-Pw77-never-shown"
)

func corpSources(t *testing.T) (*cli, string) {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-sources.yaml")
	require.NoError(t, err)
	c := newCLI(t)
	c.env["GITHUB_SECRET"] = githubSecret
	c.env["LDAP_BIND_PASSWORD"] = ldapPassword
	return c, writeManifest(t, string(data))
}

// Issue 22's proof: the sources example applies and a second plan is
// empty; on the wire the source carries its fields, its secret and its
// mapping, the LDAP source its bind password and mappings, and authentik's
// default identification stage lists the source with its user_fields
// unchanged; the binding sits on the source.
func TestCorpSourcesEndToEnd(t *testing.T) {
	c, path := corpSources(t)
	_, before, ok := c.emu.StageFields("default-authentication-identification")
	require.True(t, ok)

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	typ, gh, ok := c.emu.SourceFields("github")
	require.True(t, ok)
	assert.Equal(t, "oauth", typ)
	assert.Equal(t, "GitHub", gh["name"])
	assert.Equal(t, "github", gh["provider_type"])
	assert.Equal(t, "Iv1.corp123", gh["consumer_key"])
	assert.Equal(t, githubSecret, gh["consumer_secret"], "the secret is sent on create")
	assert.Equal(t, "email_link", gh["user_matching_mode"])
	assert.Equal(t, []string{"corp-github-username"}, gh["user_property_mappings"])

	typ, dir, ok := c.emu.SourceFields("corp-ldap")
	require.True(t, ok)
	assert.Equal(t, "ldap", typ)
	assert.Equal(t, ldapPassword, dir["bind_password"])
	assert.Equal(t, "dc=corp,dc=example", dir["base_dn"])
	assert.Equal(t, false, dir["sync_users_password"])
	assert.ElementsMatch(t, []string{"authentik default LDAP Mapping: Name", "authentik default LDAP Mapping: mail", "corp-ldap-department"},
		dir["user_property_mappings"])

	_, after, _ := c.emu.StageFields("default-authentication-identification")
	assert.Equal(t, []string{"github"}, after["sources"])
	assert.Equal(t, before["user_fields"], after["user_fields"], "only sources is managed")
	assert.NotEmpty(t, after["user_fields"])

	b := c.emu.PolicyBindingsOn("source", "github")
	require.Len(t, b, 1)
	assert.Equal(t, "group:Corp Engineers", b[0].Binds)
}

// The mappings' expressions are server code: plan -o markdown shows them
// whole, marked for review.
func TestSourceMappingExpressionShownWhole(t *testing.T) {
	c, path := corpSources(t)
	r := c.run("plan", "-f", path, "-o", "markdown")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "# expression: "+render.ServerCodeNote)
	assert.Contains(t, r.out, `+ return {"username": info.get("login")}`)
	assert.Contains(t, r.out, `+ return {"attributes": {"department": ldap.get("department")}}`)
}

// The secrets appear in no output (plans in every format, apply, a second
// plan, export, validate) and no export; a literal secret is refused at its
// line, before anything is read or written.
func TestSourceSecretsNeverShown(t *testing.T) {
	c, path := corpSources(t)
	var outs []string
	for _, args := range [][]string{
		{"validate", "-f", path},
		{"plan", "-f", path},
		{"plan", "-f", path, "-o", "json"},
		{"plan", "-f", path, "-o", "markdown"},
		{"apply", "-f", path, "--auto-approve"},
		{"plan", "-f", path, "-o", "json"},
		{"export", "--all"},
	} {
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, "%v: %s", args, r.err)
		outs = append(outs, r.out, r.err)
	}
	exported := strings.Join(outs, "\n")
	for _, secret := range []string{githubSecret, ldapPassword} {
		assert.NotContains(t, exported, secret)
	}
	assert.Contains(t, outs[2], "consumer_secret        = (sensitive)", "the plan says a secret is set")

	literal := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-sources.yaml")),
		"consumer_secret: ${GITHUB_SECRET}", "consumer_secret: plain-literal-secret", 1))
	fresh := newCLI(t)
	fresh.env["LDAP_BIND_PASSWORD"] = ldapPassword
	fresh.env["GITHUB_SECRET"] = githubSecret
	r := fresh.run("plan", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, ":37:22: consumer_secret is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "plain-literal-secret")
	assert.Zero(t, fresh.emu.Writes())
}

// export --all holds the sources and the mappings (authentik's own
// mappings and built-in source left out), and a plan of it is empty.
func TestSourcesExportRoundTrip(t *testing.T) {
	c, path := corpSources(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"sources:", "slug: github", "type: oauth", "provider_type: github", "slug: corp-ldap",
		"property_mappings:", "name: corp-github-username", "type: source_oauth", "corp-ldap-department"} {
		assert.Contains(t, r.out, want)
	}
	assert.NotContains(t, r.out, "authentik-built-in")
	assert.NotContains(t, r.err, "authentik default", "authentik's own mappings are not listed as left out")
	exported := writeManifest(t, r.out)
	r = c.run("plan", "-f", exported, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, "the export plans empty: %s%s", r.out, r.err)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// Mapping names are unique across every type (one PropertyMapping table):
// a source mapping named like a live scope mapping is refused at plan, at
// its line, with nothing written.
func TestSourceMappingNamedLikeAScopeMappingIsRefused(t *testing.T) {
	c := newCLI(t)
	r := c.run("apply", "-f", writeManifest(t, "version: 1\nscope_mappings:\n  - name: dup\n    scope_name: dupscope\n    expression: return {}\n"), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	writes := c.emu.Writes()
	r = c.run("plan", "-f", writeManifest(t, "version: 1\nproperty_mappings:\n  - name: dup\n    type: source_oauth\n    expression: return {}\n"))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `:3:5: source_oauth property mapping "dup": authentik already has a property mapping named "dup" that is of another type`)
	assert.Equal(t, writes, c.emu.Writes())
}
