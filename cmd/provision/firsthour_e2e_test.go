package main

// Issue 32, "the first hour": what a newcomer saw, each mistake made on
// purpose, and what provision says now.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// Point 1: a shape mistake is the field, what it takes and the fix, at the
// value's line and column; it was "cannot unmarshal !!str … into
// manifest.RedirectURI" at column 1.
func TestFirstHourShapeErrorsSpeakManifest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
providers:
  - name: X
    type: oauth2
    redirect_uris: [https://x.example.com/cb]
`)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: "+path+`:5:21: redirect_uris: each item is {url: …, matching_mode: strict|regex}, not "https://x.example.com/cb"; write: - url: https://x.example.com/cb`+"\n", r.err)
	assert.NotRegexp(t, `manifest\.|unmarshal|!!|\[\]string`, r.err)
}

// Point 4: -o meant a format (plan, apply, show, check), an output's name
// (env --output) and a file (export -o). Now -o/--format is a format,
// --out a file and --output NAME an output, everywhere; the old spellings
// still work for one release, each with a warning naming the new one.
func TestFirstHourFlagsMeanOneThing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	dir := t.TempDir()

	// export --out FILE writes the file; -o is a format.
	out := filepath.Join(dir, "x.yaml")
	r := c.run("export", "--app", "librechat", "--out", out, "-o", "yaml")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Empty(t, r.err)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), "slug: librechat")
	old := filepath.Join(dir, "old.yaml")
	r = c.run("export", "--app", "librechat", "-o", old)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, "Warning: -o "+old+" as a file is the old spelling of --out "+old+", and goes away in the next release (-o now names a format).\n", r.err)
	assert.FileExists(t, old)

	// --format, and --output FORMAT as its old spelling.
	for _, cmd := range [][]string{{"plan", "-f", seedManifest}, {"show", "-f", seedManifest, "--app", "librechat"}} {
		r = c.run(append(cmd, "--format", "json")...)
		require.Equal(t, exitOK, r.code, r.err)
		assert.True(t, json.Valid([]byte(r.out)), cmd)
		r = c.run(append(cmd, "--output", "json")...)
		require.Equal(t, exitOK, r.code, r.err)
		assert.True(t, json.Valid([]byte(r.out)), cmd)
		assert.Contains(t, r.err, "Warning: --output json is the old spelling of -o/--format json, and goes away in the next release.\n")
	}
	r = c.run("apply", "-f", seedManifest, "--auto-approve", "--output", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, json.Valid([]byte(r.out)))

	// check: --output NAME names an output; --output-name is its old
	// spelling; --output json, the old format flag, still is a format.
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "librechat", "-o", "json")
	assert.NotContains(t, r.err, "Warning: --output")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output-name", "librechat", "-o", "json")
	assert.Contains(t, r.err, "Warning: --output-name librechat is the old spelling of --output librechat")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "json")
	assert.Contains(t, r.err, "Warning: --output json as a format is the old spelling of -o/--format json")
	assert.True(t, json.Valid([]byte(r.out)), r.out+r.err)
	r = c.run("check", "-f", seedManifest, "--app", "librechat", "--output", "nope")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `application "librechat" has no output "nope"`)
}

// Point 3: one mistake, one error. Each case was the root cause followed
// by errors derived from it, or the blame put on a manifest line.
func TestFirstHourOneMistakeOneError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	wiki := writeManifest(t, `version: 1
variables:
  WIKI_URL: {}
providers:
  - name: Wiki
    type: saml
    acs_url: ${WIKI_URL}/saml/acs
`)
	// An unset variable: not also "acs_url ... is not an absolute URL".
	r := c.run("validate", "-f", wiki)
	assert.Equal(t, "Error: "+wiki+":7:14: environment variable WIKI_URL is not set\n", r.err)

	// A variable PROVISION_ALLOW_VARS leaves out: not also "not declared".
	c.env["WIKI_URL"] = "https://wiki.example.com"
	c.env["PROVISION_ALLOW_VARS"] = "OTHER"
	r = c.run("validate", "-f", wiki)
	assert.Equal(t, "Error: "+wiki+":3:3: variable WIKI_URL is not allowed here: PROVISION_ALLOW_VARS lets a manifest read only OTHER; if the manifest should read it, add it there (in the pipeline, not in the manifest)\n", r.err)
	delete(c.env, "PROVISION_ALLOW_VARS")

	// AUTHENTIK_URL without a scheme: the connection's fault, not line 42's.
	c.env["AUTHENTIK_URL"] = "127.0.0.1:9000"
	r = c.run("plan", "-f", seedManifest)
	assert.Equal(t, "Error: authentik URL \"127.0.0.1:9000\" (AUTHENTIK_URL or --url) has no scheme: use https://127.0.0.1:9000, or http://127.0.0.1:9000 for a local test instance\n", r.err)

	// A web server that is not authentik: one sentence, not its HTML page.
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE HTML>\n<html><body><h1>Not Found</h1>\n<p>nginx</p></body></html>\n"))
	}))
	defer html.Close()
	c.env["AUTHENTIK_URL"] = html.URL
	r = c.run("plan", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	// The reads run in parallel: whichever fails first (a list's first
	// page, or the token's user) names the answer.
	assert.Regexp(t, `^Error: [A-Za-z0-9'/ ]+( \(page 1\))?: the server answered HTTP 404 with text/html, not authentik's JSON API: check that AUTHENTIK_URL is authentik's address\n$`, r.err)
}

// Point 3: every hint printed is a command that works. The stack-conflict
// hint named state release without the --group an access binding needs.
func TestFirstHourHintsAreCommandsThatWork(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	a := writeManifest(t, stackManifest("team-a", "a1"))
	require.Equal(t, exitOK, c.run("apply", "-f", a, "--auto-approve").code)
	b := writeManifest(t, stackManifest("team-b", "a1"))
	r := c.run("plan", "-f", b)
	require.Equal(t, exitError, r.code)
	hints := regexp.MustCompile(`\((provision state release [^)]*)\)`).FindAllStringSubmatch(r.err, -1)
	require.Len(t, hints, 4, r.err) // the application, its provider, its group, its access binding
	for _, h := range hints {
		words := shellWords(t, h[1])
		rr := c.run(words[1:]...)
		require.Equal(t, exitOK, rr.code, "the hint %q: %s", h[1], rr.err)
	}
	r = c.run("plan", "-f", b, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	assert.Contains(t, r.out, `application "a1" will be adopted by stack "team-b"`)
	assert.Contains(t, r.out, `access binding of group "a1 users" to application "a1" will be adopted`)
}

// Point 2: silent mistakes. admin_group naming a group that does not exist
// passed validate, plan, apply and check; an application without access
// was open to every user without a word.
func TestFirstHourCrossReferencesAreChecked(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	grafana := func(admin string) string {
		return `version: 1
groups:
  - name: Grafana Admins
  - name: Grafana Users
providers:
  - name: Grafana
    type: oauth2
applications:
  - name: Grafana
    slug: grafana
    provider: Grafana
    access:
      groups: [Grafana Users]
    outputs:
      grafana:
        url: https://grafana.example.com
        file: grafana.env
        admin_group: ` + admin + "\n"
	}
	path := writeManifest(t, grafana("Grafana Admin"))
	want := path + `:18:9: application "grafana", output grafana: admin_group names group "Grafana Admin", which is not declared in the manifest; did you mean "Grafana Admins"?`
	for _, cmd := range []string{"validate", "plan", "apply"} {
		r := c.run(cmd, "-f", path, "--auto-approve")
		if cmd != "apply" {
			r = c.run(cmd, "-f", path)
		}
		assert.Equal(t, exitError, r.code, cmd)
		assert.Equal(t, "Error: "+want+"\n", r.err, cmd)
	}
	assert.Zero(t, c.emu.Writes(), "nothing written for an invalid manifest")
	assert.NoFileExists(t, filepath.Join(filepath.Dir(path), "grafana.env"))

	// A group that exists only in authentik: plan says so, and how to adopt it.
	g := writeManifest(t, "version: 1\ngroups:\n  - name: Ops Admins\n")
	require.Equal(t, exitOK, c.run("apply", "-f", g, "--auto-approve").code)
	path = writeManifest(t, grafana("Ops Admins"))
	r := c.run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `admin_group names group "Ops Admins", which exists in authentik but is not declared in the manifest; declare it under groups to adopt it (its members untouched)`)

	// An application without access: a warning, once, with the fix.
	open := writeManifest(t, "version: 1\napplications:\n  - name: Open\n    slug: open\n")
	for _, cmd := range [][]string{{"validate"}, {"plan"}, {"apply", "--auto-approve"}} {
		r := c.run(append(cmd, "-f", open)...)
		require.Equal(t, exitOK, r.code, r.err)
		assert.Contains(t, r.err, open+`:3:5: application "open" declares no access, so it is open to every user; add "access: {groups: [...]}" to say who may use it.`, cmd)
	}
	// A policy binding made by hand restricts it: no warning then.
	ctx := t.Context()
	apps, _, err := c.api().CoreApi.CoreApplicationsList(ctx).Slug("open").Execute()
	require.NoError(t, err)
	require.Len(t, apps.Results, 1)
	me, _, err := c.api().CoreApi.CoreUsersMeRetrieve(ctx).Execute()
	require.NoError(t, err)
	b := api.NewPolicyBindingRequest(apps.Results[0].Pk, 0)
	b.User.Set(&me.User.Pk)
	_, _, err = c.api().PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*b).Execute()
	require.NoError(t, err)
	r = c.run("plan", "-f", open)
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.err, "open to every user")
}

// Point 7: the small things.
func TestFirstHourSmallThings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// Two objects made by hand, then adopted: the summary counted nothing.
	plain := writeManifest(t, stackManifest("", "x"))
	require.Equal(t, exitOK, c.run("apply", "-f", plain, "--auto-approve").code)
	one := writeManifest(t, "version: 1\nstack: s\ngroups:\n  - name: x users\n")
	r := c.run("apply", "-f", one, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Apply complete: 0 added, 0 changed, 0 destroyed, 1 adopted.")

	// Output directories are created (they were "directory ... does not exist").
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(m, []byte(`version: 1
providers:
  - name: Chat
    type: oauth2
applications:
  - name: Chat
    slug: chat
    provider: Chat
    access: {groups: [x users]}
    outputs:
      oidc:
        url: https://chat.example.com
        file: deploy/chat/oidc.env
        vars: {CLIENT_ID: client_id}
groups:
  - name: x users
`), 0o644))
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.FileExists(t, filepath.Join(dir, "deploy", "chat", "oidc.env"))

	// plan --out records the version the binary reports, not "dev".
	saved := filepath.Join(dir, "plan.json")
	require.Equal(t, exitOK, c.run("plan", "-f", m, "--out", saved).code)
	var pf struct {
		CreatedBy string `json:"created_by"`
	}
	b, err := os.ReadFile(saved)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &pf))
	assert.Equal(t, "provision/"+buildVersion(), pf.CreatedBy)

	// The demo says the "names no stack" note once, not once per step.
	r = c.run("demo")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 1, strings.Count(r.out+r.err, "names no stack"), r.err)
}

// Point 6: check --app wiki on a SAML application was an error with no
// pointer to show; an LDAP application could not be checked either.
func TestFirstHourCheckSAMLAndLDAP(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["WIKI_URL"] = "https://wiki.example.com"
	c.env["DASHBOARDS_URL"] = "https://dashboards.example.com"
	const m = "../../manifests/directory-and-saml.yaml"
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)

	r := c.run("check", "-f", m, "--app", "wiki")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	for _, item := range []string{"application and provider exist", "metadata", "IdP entity ID (issuer)", "ACS URL", "signing certificate", "access group bound"} {
		assert.Regexp(t, `(?m)^\s*✓ `+regexp.QuoteMeta(item)+` `, r.out, item)
	}
	assert.Contains(t, r.out, "provision show -f "+m+" --app wiki lists what it needs")
	r = c.run("check", "-f", m, "--app", "wiki", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, json.Valid([]byte(r.out)))

	// Drift on the ACS URL fails the check, naming both values.
	pk := c.emu.ProviderPK("Wiki")
	acs := "https://elsewhere.example.com/acs"
	_, _, err := c.api().ProvidersApi.ProvidersSamlPartialUpdate(t.Context(), pk).PatchedSAMLProviderRequest(api.PatchedSAMLProviderRequest{AcsUrl: &acs}).Execute()
	require.NoError(t, err)
	r = c.run("check", "-f", m, "--app", "wiki")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.out, `authentik has "https://elsewhere.example.com/acs", the manifest "https://wiki.example.com/saml2/acs"; run apply`)

	// LDAP: the outpost was never deployed, then it connects.
	r = c.run("check", "-f", m, "--app", "directory")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.out, `outpost "LDAP" has never connected to authentik: deploy it with its token (an outpost's outputs: {token: {file: …}} writes it)`)
	assert.Contains(t, r.out, "DC=ldap,DC=example,DC=com")
	c.emu.ConnectOutpost("LDAP", "ldap-0")
	r = c.run("check", "-f", m, "--app", "directory")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "LDAP: ldap-0 2026.2.2")

	// An OAuth2 application without outputs points at show.
	r = c.run("check", "-f", m, "--app", "dashboards")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "declares no outputs, so check has no client settings to test; provision show -f "+m+" --app dashboards lists what its client needs")
}

// Point 6: an outpost deleted by hand was recreated, with a new token,
// without a word. The plan now calls it out (text and JSON).
func TestFirstHourRecreatedOutpostIsCalledOut(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["WIKI_URL"] = "https://wiki.example.com"
	c.env["DASHBOARDS_URL"] = "https://dashboards.example.com"
	const m = "../../manifests/directory-and-saml.yaml"
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	r := c.run("plan", "-f", m)
	assert.NotContains(t, r.out, "created again")

	list, _, err := c.api().OutpostsApi.OutpostsInstancesList(t.Context()).NameIexact("LDAP").Execute()
	require.NoError(t, err)
	require.Len(t, list.Results, 1)
	_, err = c.api().OutpostsApi.OutpostsInstancesDestroy(t.Context(), list.Results[0].Pk).Execute()
	require.NoError(t, err)

	want := `outpost "LDAP" is in stack "directory-and-saml"'s record but no longer in authentik (deleted by hand?): it is created again, with a new token, so a deployed outpost stops working until it is redeployed with the new token`
	r = c.run("plan", "-f", m)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, want)
	r = c.run("plan", "-f", m, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, strings.ReplaceAll(want, `"`, `\"`))
}

// Point 6: there was no way to get an outpost's deployment token, so a
// declared LDAP outpost still needed the UI. Its token output writes it,
// as a .env or a Kubernetes Secret, and the token appears nowhere else.
func TestFirstHourOutpostTokenOutput(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(m, []byte(`version: 1
providers:
  - name: Directory
    type: ldap
    base_dn: DC=ldap,DC=example,DC=com
applications:
  - name: Directory
    slug: directory
    provider: Directory
    access: {groups: [Directory Users]}
groups:
  - name: Directory Users
outposts:
  - name: LDAP
    type: ldap
    providers: [Directory]
    outputs:
      token: {file: deploy/ldap.env}
  - name: LDAP k8s
    type: ldap
    providers: [Directory]
    outputs:
      token: {format: kubernetes-secret, file: ldap-secret.yaml, namespace: auth}
`), 0o644))
	r := c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	env, err := os.ReadFile(filepath.Join(dir, "deploy", "ldap.env"))
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, "deploy", "ldap.env"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	list, _, err := c.api().OutpostsApi.OutpostsInstancesList(t.Context()).NameIexact("LDAP").Execute()
	require.NoError(t, err)
	key, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), list.Results[0].TokenIdentifier).Execute()
	require.NoError(t, err)
	assert.Contains(t, string(env), "AUTHENTIK_HOST="+c.url+"\n")
	assert.Contains(t, string(env), "AUTHENTIK_TOKEN="+key.Key+"\n")
	assert.Contains(t, string(env), "AUTHENTIK_INSECURE=false\n")
	assert.NotContains(t, r.out+r.err, key.Key, "the token is in the file only")
	// The token is the outpost's own, of its internal service account
	// (authentik/outposts/models.py Outpost.token, Outpost.user).
	tokens, _, err := c.api().CoreApi.CoreTokensList(t.Context()).Identifier(list.Results[0].TokenIdentifier).Execute()
	require.NoError(t, err)
	require.Len(t, tokens.Results, 1)
	assert.Equal(t, "ak-outpost-"+strings.ReplaceAll(list.Results[0].Pk, "-", ""), tokens.Results[0].UserObj.Username)
	assert.Equal(t, api.USERTYPEENUM_INTERNAL_SERVICE_ACCOUNT, tokens.Results[0].UserObj.GetType())

	secret, err := os.ReadFile(filepath.Join(dir, "ldap-secret.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(secret), "kind: Secret")
	assert.Contains(t, string(secret), "name: authentik-outpost-ldap-k8s")
	assert.Contains(t, string(secret), "namespace: auth")
	assert.Contains(t, string(secret), "AUTHENTIK_TOKEN:")

	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "ldap.env: unchanged")

	// Offline checks: one output, token; not the embedded outpost.
	bad := writeManifest(t, `version: 1
outposts:
  - name: authentik Embedded Outpost
    type: proxy
    outputs:
      token: {file: x.env}
  - name: LDAP
    type: ldap
    providers: [Directory]
    outputs:
      tokn: {file: y.env}
providers:
  - name: Directory
    type: ldap
`)
	r = c.run("validate", "-f", bad)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `outpost "authentik Embedded Outpost" runs inside authentik and is never deployed: it has no token to write`)
	assert.Contains(t, r.err, `outpost "LDAP": unknown output "tokn"; an outpost has one output, token (its deployment token)`)
}

// The other hints: each command the CLI suggests is run as printed and
// works (the saved plan's apply, the manifest's apply, what a stack owns,
// what an application's client needs).
func TestFirstHourEveryHintRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	m := writeManifest(t, stackManifest("team-h", "h1"))
	hint := func(text, pattern string) []string {
		t.Helper()
		got := regexp.MustCompile(pattern).FindStringSubmatch(text)
		require.NotNil(t, got, "no hint matching %s in %q", pattern, text)
		return shellWords(t, got[1])[1:]
	}
	runHint := func(args []string) result {
		t.Helper()
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, "the hint %q: %s", args, r.err)
		return r
	}

	// plan --out: "Apply exactly this plan with: provision apply FILE".
	saved := filepath.Join(dir, "plan.json")
	r := c.run("plan", "-f", m, "--out", saved)
	require.Equal(t, exitOK, r.code, r.err)
	runHint(hint(r.err, `Apply exactly this plan with:\n  (provision apply \S+)`))

	// A manifest given where a saved plan goes: "to apply a manifest use:
	// provision apply -f PATH" (here with --auto-approve, as no terminal asks).
	r = c.run("apply", m)
	require.Equal(t, exitError, r.code)
	runHint(append(hint(r.err, `to apply a manifest use: (provision apply -f \S+)`), "--auto-approve"))

	// A key the stack does not own: "provision state list --stack S shows
	// what it owns".
	r = c.run("state", "release", "--stack", "team-h", "--kind", "group", "--key", "nobody")
	require.Equal(t, exitError, r.code)
	runHint(hint(r.err, `(provision state list --stack \S+)`))

	// check on an application without outputs names show.
	r = c.run("check", "-f", m, "--app", "h1")
	require.NotEqual(t, exitOK, r.code)
	runHint(hint(r.err+r.out, `(provision show -f \S+ --app \S+)`))
}
