package main

import (
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/render"
)

const (
	githubSecret   = "ghsecret-Zq81-never-shown"
	ldapPassword   = "ldap-bind-Pw77-never-shown"
	plexToken      = "plex-Tok9-never-shown"
	kerberosPass   = "krb-sync-Pw31-never-shown"
	telegramSecret = "4242:tg-bot-never-shown"
)

// sourceSecrets are the example's sensitive variables, with the test's values.
var sourceSecrets = map[string]string{"GITHUB_SECRET": githubSecret, "LDAP_BIND_PASSWORD": ldapPassword,
	"PLEX_TOKEN": plexToken, "KERBEROS_SYNC_PASSWORD": kerberosPass, "TELEGRAM_BOT_TOKEN": telegramSecret}

func corpSources(t *testing.T) (*cli, string) {
	t.Helper()
	data, err := os.ReadFile("../../manifests/corp-sources.yaml")
	require.NoError(t, err)
	c := newCLI(t)
	maps.Copy(c.env, sourceSecrets)
	return c, writeManifest(t, string(data))
}

// Issue 22's proof: the sources example applies and a second plan is
// empty; on the wire the source carries its fields, its secret and its
// mapping, the LDAP source its bind password and mappings, and authentik's
// default identification stage lists the source with its user_fields
// unchanged; the binding sits on the source.
func TestCorpSourcesEndToEnd(t *testing.T) {
	t.Parallel()
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

// The other source types, on the wire: each source with its fields, its
// secret sent on create and its mapping of its own type; authentik made
// the SCIM source's service account and token.
func TestCorpSourcesOtherTypesEndToEnd(t *testing.T) {
	t.Parallel()
	c, path := corpSources(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	typ, plex, ok := c.emu.SourceFields("plex")
	require.True(t, ok)
	assert.Equal(t, "plex", typ)
	assert.Equal(t, plexToken, plex["plex_token"], "the token is sent on create")
	assert.Equal(t, []string{"corp-media-server"}, plex["allowed_servers"])
	assert.Equal(t, false, plex["allow_friends"])
	assert.Equal(t, []string{"corp-plex-username"}, plex["user_property_mappings"])

	typ, krb, ok := c.emu.SourceFields("corp-kerberos")
	require.True(t, ok)
	assert.Equal(t, "kerberos", typ)
	assert.Equal(t, "CORP.EXAMPLE", krb["realm"])
	assert.Equal(t, kerberosPass, krb["sync_password"])
	assert.Equal(t, true, krb["sync_users"])
	assert.Equal(t, "HTTP@auth.corp.example", krb["spnego_server_name"])
	assert.Equal(t, []string{"corp-kerberos-username"}, krb["user_property_mappings"])

	typ, tg, ok := c.emu.SourceFields("telegram")
	require.True(t, ok)
	assert.Equal(t, "telegram", typ)
	assert.Equal(t, telegramSecret, tg["bot_token"])
	assert.Equal(t, "default-source-pre-authentication", tg["pre_authentication_flow"])

	scim := wireOne(t, c, "sources/scim/", url.Values{"slug": {"hr-scim"}})
	assert.Equal(t, "HR system", scim["name"])
	tok := scim["token_obj"].(map[string]any)
	assert.Equal(t, "ak-source-scim-"+scim["pk"].(string), tok["identifier"], "authentik made the source's token")
	// The SCIM source's output: its URL and the key of authentik's token,
	// 0600, the key in no output of the command.
	key, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), tok["identifier"].(string)).Execute()
	require.NoError(t, err)
	file := filepath.Join(filepath.Dir(path), "hr-scim.env")
	env, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(env), "SCIM_TOKEN="+key.Key+"\n")
	assert.Contains(t, string(env), "SCIM_URL="+c.url+"/source/scim/hr-scim/v2\n")
	st, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.NotContains(t, r.out+r.err, key.Key)
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "hr-scim.env: unchanged (the SCIM URL and token of source \"hr-scim\", mode 0600)")
	assert.NotContains(t, r.out+r.err, key.Key)

	for typ, name := range map[string]string{"plex": "corp-plex-username", "kerberos": "corp-kerberos-username",
		"scim": "corp-scim-department", "telegram": "corp-telegram-username"} {
		wireOne(t, c, "propertymappings/source/"+typ+"/", url.Values{"name": {name}})
	}
}

// The mappings' expressions are server code: plan -o markdown shows them
// whole, marked for review.
func TestSourceMappingExpressionShownWhole(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	c, path := corpSources(t)
	outs := everyCommandsOutput(t, c, path)
	exported := strings.Join(outs, "\n")
	for _, secret := range sourceSecrets {
		assert.NotContains(t, exported, secret)
	}
	assert.Contains(t, outs[2], "consumer_secret        = (sensitive)", "the plan says a secret is set")

	literal := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-sources.yaml")),
		"consumer_secret: ${GITHUB_SECRET}", "consumer_secret: plain-literal-secret", 1))
	fresh := newCLI(t)
	maps.Copy(fresh.env, sourceSecrets)
	r := fresh.run("plan", "-f", literal)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, ":61:22: consumer_secret is a secret and comes only from a sensitive variable")
	assert.NotContains(t, r.err, "plain-literal-secret")
	assert.Zero(t, fresh.emu.Writes())

	// The same for the other types' secrets.
	for field, ref := range map[string]string{"plex_token": "${PLEX_TOKEN}", "sync_password": "${KERBEROS_SYNC_PASSWORD}", "bot_token": "${TELEGRAM_BOT_TOKEN}"} {
		literal := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-sources.yaml")),
			field+": "+ref, field+": plain-literal-secret", 1))
		r := fresh.run("plan", "-f", literal)
		require.Equal(t, exitError, r.code, field)
		assert.Contains(t, r.err, field+" is a secret and comes only from a sensitive variable")
		assert.NotContains(t, r.err, "plain-literal-secret")
	}
	assert.Zero(t, fresh.emu.Writes())
}

// export --all holds the sources and the mappings (authentik's own
// mappings and built-in source left out), and a plan of it is empty.
func TestSourcesExportRoundTrip(t *testing.T) {
	t.Parallel()
	c, path := corpSources(t)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	for _, want := range []string{"sources:", "slug: github", "type: oauth", "provider_type: github", "slug: corp-ldap",
		"property_mappings:", "name: corp-github-username", "type: source_oauth", "corp-ldap-department",
		"slug: plex", "type: plex", "slug: corp-kerberos", "realm: CORP.EXAMPLE", "slug: hr-scim", "type: scim",
		"slug: telegram", "bot_username: corp_login_bot", "pre_authentication_flow: default-source-pre-authentication",
		"type: source_plex", "type: source_kerberos", "type: source_scim", "type: source_telegram",
		// each secret left out, with a comment naming the variable to give it
		"plex_token is not exported", "sync_password is not exported", "bot_token is not exported"} {
		assert.Contains(t, r.out, want)
	}
	assert.NotContains(t, r.out, "authentik-built-in")
	assert.NotContains(t, r.out, "ak-source-scim-", "the SCIM source's service account and token are authentik's own")
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
	t.Parallel()
	c := newCLI(t)
	r := c.run("apply", "-f", writeManifest(t, "version: 1\nscope_mappings:\n  - name: dup\n    scope_name: dupscope\n    expression: return {}\n"), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	writes := c.emu.Writes()
	r = c.run("plan", "-f", writeManifest(t, "version: 1\nproperty_mappings:\n  - name: dup\n    type: source_oauth\n    expression: return {}\n"))
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `:3:5: source_oauth property mapping "dup": authentik already has a property mapping named "dup" that is of another type`)
	assert.Equal(t, writes, c.emu.Writes())
}

// kadmin_type "other" is still in the API module's schema.yml but not in
// authentik 2026.2.2: refused offline, at its line, before any request.
func TestKerberosKadminTypeOtherRefused(t *testing.T) {
	t.Parallel()
	c, _ := corpSources(t)
	path := writeManifest(t, strings.Replace(string(mustRead(t, "../../manifests/corp-sources.yaml")),
		"    realm: CORP.EXAMPLE\n", "    realm: CORP.EXAMPLE\n    kadmin_type: other\n", 1))
	r := c.run("plan", "-f", path)
	require.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `:92:5: kerberos source "corp-kerberos": kadmin_type other was removed before authentik 2026.2.2, which knows only MIT and Heimdal; use one of those`)
	assert.Zero(t, c.emu.Writes())
}
