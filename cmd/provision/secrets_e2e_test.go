package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// Secrets the hygiene test feeds in. None may appear in any output: not the
// token, not the URL's userinfo password, not a sensitive variable's value,
// not a client secret the run read. The .env file (and env's stdout, which
// is that file's content) is meant to hold its client's secrets and nothing
// else of these.
const (
	hygieneToken     = "tok-HYGIENE-0123456789abcdef"
	hygienePassword  = "hunter2-HYGIENE"
	hygieneSensitive = "grafana-SENSITIVE-value-42"
	// hygieneUserPassword is a user's password, from a sensitive variable.
	hygieneUserPassword = "alice-PASSWORD-HYGIENE-9"
	// hygieneTokenKey is a token's key, from a sensitive variable, and
	// hygieneDriftedKey the key set behind provision's back, which plans
	// read (view_key/) to compare.
	hygieneTokenKey   = "deploy-KEY-HYGIENE-0123456789"
	hygieneDriftedKey = "deploy-DRIFTED-KEY-HYGIENE-42"
	// hygieneSMSAuth is an SMS stage's auth token, from a sensitive
	// variable, and hygieneDriftedSMSAuth the one set behind provision's
	// back: authentik returns both, plans compare their digests.
	hygieneSMSAuth        = "sms-AUTH-HYGIENE-0123456789"
	hygieneDriftedSMSAuth = "sms-DRIFTED-AUTH-HYGIENE-42"
)

const hygieneManifest = `version: 1
variables:
  LIBRECHAT_URL: {}
  GRAFANA_SECRET: {sensitive: true}
  ALICE_PASSWORD: {sensitive: true}
  DEPLOY_KEY: {sensitive: true}
  SMS_AUTH: {sensitive: true}
stages:
  - name: hygiene-sms
    type: authenticator_sms
    provider: twilio
    from_number: "+15550100"
    account_sid: AC0123
    auth: ${SMS_AUTH}
users:
  - username: alice
    name: Alice
    password: ${ALICE_PASSWORD}
  - username: ci-bot
    name: CI bot
    type: service_account
tokens:
  - identifier: ci-bot-token
    user: ci-bot
    expiring: false
    outputs:
      token: {file: ci.env}
  - identifier: deploy-token
    user: ci-bot
    expiring: false
    key: ${DEPLOY_KEY}
    outputs:
      token: {file: deploy.env}
groups:
  - name: LibreChat Users
    attributes:
      webhook: "https://hooks.example.com/${GRAFANA_SECRET}"
      api_password: literal-password-value
      homepage: https://chat.example.com/home
scope_mappings:
  - name: "roles: group names"
    scope_name: roles
    expression: |
      groups = [g.name for g in request.user.groups.all()]
      return {"roles": groups}
providers:
  - name: LibreChat
    type: oauth2
    scopes: [openid, profile, email, roles]
    redirect_uris:
      - url: ${LIBRECHAT_URL}/oauth/openid/callback
  - name: Grafana
    type: oauth2
    client_secret: ${GRAFANA_SECRET}
    redirect_uris:
      - url: https://grafana.example.com/login/generic_oauth
applications:
  - name: LibreChat
    slug: librechat
    provider: LibreChat
    meta_launch_url: ${LIBRECHAT_URL}
    access:
      groups: [LibreChat Users]
    outputs:
      librechat:
        url: ${LIBRECHAT_URL}
        file: librechat.env
  - name: Grafana
    slug: grafana
    provider: Grafana
`

// leak is one secret found where it must not be.
type leak struct{ where, secret string }

// hygieneRun runs every command and output mode with the secrets above and
// returns every place one of them appeared. It asserts the exit codes, so
// a run that fails early cannot pass by printing nothing.
func hygieneRun(t *testing.T, d deps) []leak {
	srv, emu := emulatortest.NewServer(t, emulator.Options{Token: hygieneToken})
	dir := t.TempDir()
	mf := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mf, []byte(hygieneManifest), 0o644))
	withUserinfo := strings.Replace(srv.URL, "http://", "http://admin:"+hygienePassword+"@", 1)
	c := &cli{t: t, url: srv.URL, emu: emu, deps: d, env: map[string]string{
		"AUTHENTIK_URL":   withUserinfo,
		"AUTHENTIK_TOKEN": hygieneToken,
		"LIBRECHAT_URL":   "https://chat.example.com",
		"GRAFANA_SECRET":  hygieneSensitive,
		"ALICE_PASSWORD":  hygieneUserPassword,
		"DEPLOY_KEY":      hygieneTokenKey,
		"SMS_AUTH":        hygieneSMSAuth,
	}}

	var leaks []leak
	secrets := map[string]string{"token": hygieneToken, "URL password": hygienePassword, "sensitive variable": hygieneSensitive,
		"user password": hygieneUserPassword, "token key variable": hygieneTokenKey, "drifted token key": hygieneDriftedKey,
		"SMS auth variable": hygieneSMSAuth, "drifted SMS auth": hygieneDriftedSMSAuth}
	scan := func(where, text string, allowed ...string) {
		for name, s := range secrets {
			if strings.Contains(text, s) && !slices.Contains(allowed, name) {
				leaks = append(leaks, leak{where, name})
			}
		}
		if m := regexp.MustCompile(`://[^/\s"]*@`).FindString(text); m != "" && !strings.Contains(m, "(sensitive)") {
			leaks = append(leaks, leak{where, "URL userinfo " + m})
		}
	}
	step := func(want int, args ...string) result {
		t.Helper()
		r := c.run(args...)
		require.Equal(t, want, r.code, "%v\nstdout:\n%s\nstderr:\n%s", args, r.out, r.err)
		scan(strings.Join(args, " ")+" (stdout)", r.out)
		scan(strings.Join(args, " ")+" (stderr)", r.err)
		return r
	}

	step(exitOK, "validate", "-f", mf)
	plan := step(exitOK, "plan", "-f", mf)
	require.Contains(t, plan.out, "attributes.webhook")
	step(exitOK, "plan", "-f", mf, "-o", "json")
	// The first apply sets alice's password and writes ci-bot's token: its
	// debug log has every request.
	c.env["PROVISION_DEBUG"] = "1"
	first := step(exitOK, "apply", "-f", mf, "--auto-approve")
	delete(c.env, "PROVISION_DEBUG")
	require.Contains(t, first.err, "/set_password/")
	require.Contains(t, first.err, "/view_key/")
	if pw, _ := emu.UserPassword("alice"); pw != hygieneUserPassword {
		t.Fatalf("alice's password was not set")
	}
	key, _, err := c.api().CoreApi.CoreTokensViewKeyRetrieve(t.Context(), "ci-bot-token").Execute()
	require.NoError(t, err)
	secrets["token key"] = key.Key
	// The key only now joins the secrets: scan the first apply again.
	scan("apply (stdout)", first.out)
	scan("apply (stderr)", first.err)

	// From here the run reads client secrets from authentik: they too.
	lc, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(t.Context(), emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	secrets["client secret"] = lc.GetClientSecret()
	require.NotEmpty(t, secrets["client secret"])

	// Drift on every sensitive field, so the plans show before and after.
	_, err = c.api().CoreApi.CoreTokensSetKeyCreate(t.Context(), "deploy-token").
		TokenSetKeyRequest(*api.NewTokenSetKeyRequest(hygieneDriftedKey)).Execute()
	require.NoError(t, err)
	sms, _, err := c.api().StagesApi.StagesAuthenticatorSmsList(t.Context()).Name("hygiene-sms").Execute()
	require.NoError(t, err)
	require.Len(t, sms.Results, 1)
	_, _, err = c.api().StagesApi.StagesAuthenticatorSmsPartialUpdate(t.Context(), sms.Results[0].Pk).
		PatchedAuthenticatorSMSStageRequest(api.PatchedAuthenticatorSMSStageRequest{Auth: api.PtrString(hygieneDriftedSMSAuth)}).Execute()
	require.NoError(t, err)
	_, _, err = c.api().CoreApi.CoreGroupsPartialUpdate(t.Context(), emu.GroupPK("LibreChat Users")).
		PatchedGroupRequest(api.PatchedGroupRequest{Attributes: map[string]any{"webhook": "https://old.example.com/" + hygieneSensitive + "-old"}}).Execute()
	require.NoError(t, err)
	// A credential in a URL that authentik holds (an admin's), shown as the
	// value before the change.
	_, _, err = c.api().CoreApi.CoreGroupsPartialUpdate(t.Context(), emu.GroupPK("LibreChat Users")).
		PatchedGroupRequest(api.PatchedGroupRequest{Attributes: map[string]any{"webhook": "https://old.example.com/" + hygieneSensitive + "-old", "homepage": "https://viewer:" + hygienePassword + "@chat.example.com/home"}}).Execute()
	require.NoError(t, err)
	drifted := step(exitChanges, "plan", "-f", mf, "--detailed-exitcode")
	require.Contains(t, drifted.out, "~ auth = (sensitive) -> (sensitive)", "the drifted SMS auth is rotated back")
	step(exitChanges, "plan", "-f", mf, "--detailed-exitcode", "-o", "json")
	step(exitChanges, "plan", "-f", mf, "--detailed-exitcode", "-o", "markdown")
	savedPlan := filepath.Join(dir, "saved.plan")
	step(exitChanges, "plan", "-f", mf, "--detailed-exitcode", "--out", savedPlan)
	step(exitOK, "export", "--all", "--out", filepath.Join(dir, "export.yaml"))
	step(exitOK, "apply", savedPlan, "-o", "json")
	sms, _, err = c.api().StagesApi.StagesAuthenticatorSmsList(t.Context()).Name("hygiene-sms").Execute()
	require.NoError(t, err)
	require.Equal(t, hygieneSMSAuth, sms.Results[0].GetAuth(), "the saved plan rotated the SMS auth back")
	_, _, err = c.api().CoreApi.CoreGroupsPartialUpdate(t.Context(), emu.GroupPK("LibreChat Users")).
		PatchedGroupRequest(api.PatchedGroupRequest{Attributes: map[string]any{"webhook": "https://old.example.com/" + hygieneSensitive + "-old"}}).Execute()
	require.NoError(t, err)
	// The HTTP debug log, by flag and by environment: every request of an
	// apply that reads the client secrets and writes the sensitive value.
	c.env["PROVISION_DEBUG"] = "1"
	applied := step(exitOK, "apply", "-f", mf, "--auto-approve")
	delete(c.env, "PROVISION_DEBUG")
	require.Contains(t, applied.err, "debug: PATCH /api/v3/core/groups/")
	debugged := step(exitOK, "plan", "-f", mf, "--debug", "-o", "json")
	require.Contains(t, debugged.err, "debug: GET /api/v3/providers/oauth2/")
	step(exitOK, "plan", "-f", mf)

	// env prints the client's configuration: its client secret is the point.
	r := c.run("env", "-f", mf, "--app", "librechat")
	require.Equal(t, exitOK, r.code, r.err)
	require.Contains(t, r.out, "OPENID_CLIENT_SECRET="+secrets["client secret"])
	scan("env (stdout)", r.out, "client secret")
	scan("env (stderr)", r.err)
	step(exitOK, "env", "-f", mf, "--app", "librechat", "--out", filepath.Join(dir, "out.env"))
	step(exitOK, "show", "-f", mf, "--app", "librechat")
	step(exitOK, "show", "-f", mf, "--app", "grafana")
	step(exitOK, "check", "-f", mf, "--app", "librechat")

	// Errors: a sensitive value in a field whose error quotes it; the token
	// asked for by a manifest; an unreachable URL with userinfo.
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("version: 1\nvariables: {GRAFANA_SECRET: {sensitive: true}}\nproviders:\n  - name: x\n    type: oauth2\n    access_code_validity: \"${GRAFANA_SECRET}\"\n    redirect_uris:\n      - url: \"${GRAFANA_SECRET}\"\n"), 0o644))
	step(exitError, "validate", "-f", bad)
	step(exitError, "plan", "-f", bad)
	steal := filepath.Join(dir, "steal.yaml")
	require.NoError(t, os.WriteFile(steal, []byte("version: 1\napplications:\n  - name: x\n    slug: x\n    meta_launch_url: https://x.example.com/${AUTHENTIK_TOKEN}\n"), 0o644))
	for _, args := range [][]string{{"validate"}, {"plan"}, {"plan", "-o", "json"}, {"apply", "--auto-approve"}} {
		step(exitError, append(args, "-f", steal)...)
	}
	// Issue 25's forms. A sensitive value in server code is refused (the
	// plan could only hide the code or show the secret).
	code := filepath.Join(dir, "code.yaml")
	require.NoError(t, os.WriteFile(code, []byte("version: 1\nvariables: {GRAFANA_SECRET: {sensitive: true}}\nscope_mappings:\n  - name: m\n    scope_name: m\n    expression: \"return {'k': '${GRAFANA_SECRET}'}\"\n"), 0o644))
	step(exitError, "validate", "-f", code)
	step(exitError, "plan", "-f", code, "-o", "json")
	// did-you-mean as an oracle: groups one character off the secret, and
	// a reference holding it. No hint may be printed.
	near := hygieneSensitive[:len(hygieneSensitive)-1]
	oracle := filepath.Join(dir, "oracle.yaml")
	require.NoError(t, os.WriteFile(oracle, []byte("version: 1\nvariables: {GRAFANA_SECRET: {sensitive: true}}\ngroups:\n  - name: X"+near+"a\n  - name: X"+near+"b\napplications:\n  - name: o\n    slug: o\n    access: {groups: [\"X${GRAFANA_SECRET}\"]}\n"), 0o644))
	for _, args := range [][]string{{"validate"}, {"plan"}} {
		r := step(exitError, append(args, "-f", oracle)...)
		if strings.Contains(r.err+r.out, "did you mean") {
			leaks = append(leaks, leak{args[0] + " -f oracle.yaml", "did-you-mean near the sensitive variable"})
		}
	}
	// Outputs in plans, and file "-" in apply: the client secrets (one
	// read from authentik, one a sensitive variable) stay masked.
	stdout := strings.Replace(hygieneManifest, "file: librechat.env", "file: \"-\"", 1)
	stdout = strings.Replace(stdout, "    provider: Grafana\n", "    provider: Grafana\n    outputs:\n      grafana: {url: \"https://grafana.example.com\", file: grafana.env}\n", 1)
	outs := filepath.Join(dir, "stdout.yaml")
	require.NoError(t, os.WriteFile(outs, []byte(stdout), 0o644))
	for _, format := range []string{"text", "json", "markdown"} {
		r := step(exitChanges, "plan", "-f", outs, "--detailed-exitcode", "-o", format)
		require.Contains(t, r.out, "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "the plan shows the output's keys")
	}
	printed := step(exitOK, "apply", "-f", outs, "--auto-approve")
	require.Contains(t, printed.out, "OPENID_CLIENT_SECRET=", "file \"-\" is printed")

	c.env["AUTHENTIK_URL"] = "http://admin:" + hygienePassword + "@127.0.0.1:1"
	step(exitError, "plan", "-f", mf)
	c.env["AUTHENTIK_URL"] = "ftp://admin:" + hygienePassword + "@host"
	step(exitError, "plan", "-f", mf)
	c.env["AUTHENTIK_URL"] = "http://admin:" + hygienePassword + " x@host"
	step(exitError, "plan", "-f", mf)
	c.env["AUTHENTIK_URL"] = "http://admin:" + hygienePassword + "@@127.0.0.1:1"
	step(exitError, "plan", "-f", mf)
	c.env["AUTHENTIK_URL"] = withUserinfo
	c.env["AUTHENTIK_TOKEN"] = hygieneToken + "-wrong"
	step(exitError, "plan", "-f", mf)
	c.env["AUTHENTIK_TOKEN"] = hygieneToken

	// Files: the .env holds its client secret, and never the others.
	b, err := os.ReadFile(savedPlan)
	require.NoError(t, err)
	require.Contains(t, string(b), "attributes.homepage")
	scan("saved.plan", string(b))
	// export writes what authentik holds: a value that a manifest declared
	// sensitive is, to export, an attribute like any other.
	b, err = os.ReadFile(filepath.Join(dir, "export.yaml"))
	require.NoError(t, err)
	scan("export.yaml", string(b), "sensitive variable")
	for _, f := range []string{"librechat.env", "out.env"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		scan(f, string(b), "client secret")
	}
	b, err = os.ReadFile(filepath.Join(dir, "ci.env"))
	require.NoError(t, err)
	require.Contains(t, string(b), "AUTHENTIK_TOKEN="+secrets["token key"])
	scan("ci.env", string(b), "token key")
	b, err = os.ReadFile(filepath.Join(dir, "deploy.env"))
	require.NoError(t, err)
	require.Contains(t, string(b), "AUTHENTIK_TOKEN="+hygieneTokenKey)
	scan("deploy.env", string(b), "token key variable")

	// The sandbox's request log, with the token in a header and a query.
	leaks = append(leaks, sandboxLeaks(t, d)...)
	return leaks
}

// sandboxLeaks runs the sandbox with --log-requests and an explicit token,
// sends requests bearing it, and reports where it appeared.
func sandboxLeaks(t *testing.T, d deps) []leak {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	streams := IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: d}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--log-requests", "--token", hygieneToken}, streams)
	}()
	var url string
	re := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)`)
	require.Eventually(t, func() bool {
		m := re.FindStringSubmatch(out.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 10*time.Second, 10*time.Millisecond)
	for _, path := range []string{"/api/v3/core/users/me/", "/api/v3/core/users/me/?token=" + hygieneToken + "&page=1", "/application/o/token/?client_secret=" + hygieneToken, "/api/v3/core/groups/?search=" + hygieneToken} {
		req, _ := http.NewRequest(http.MethodGet, url+path, nil)
		req.Header.Set("Authorization", "Bearer "+hygieneToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	require.Eventually(t, func() bool { return strings.Count(errOut.String(), "\n") >= 4 }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.Equal(t, exitOK, <-done)
	require.Contains(t, errOut.String(), "GET /api/v3/core/users/me/ 200")
	var leaks []leak
	if strings.Contains(out.String(), hygieneToken) {
		leaks = append(leaks, leak{"sandbox (stdout)", "token"})
	}
	if strings.Contains(errOut.String(), hygieneToken) {
		leaks = append(leaks, leak{"sandbox --log-requests (stderr)", "token"})
	}
	return leaks
}

// TestSecretHygiene: no secret appears in any output of any command.
func TestSecretHygiene(t *testing.T) {
	skipLong(t, "runs every command over every kind's secrets")
	t.Parallel()
	leaks := hygieneRun(t, testDeps())
	for _, l := range leaks {
		t.Errorf("%s leaked in %s", l.secret, l.where)
	}
}

// The hygiene test can fail: with the redactor bypassed, it finds leaks
// (a validation error quoting a sensitive value, the sandbox's request log
// printing the token in a search query), so the redactor is what stops them.
func TestSecretHygieneDetectsABypassedRedactor(t *testing.T) {
	skipLong(t, "runs every command over every kind's secrets")
	t.Parallel()
	d := testDeps()
	d.noRedaction = true
	leaks := hygieneRun(t, d)
	require.NotEmpty(t, leaks)
	found := map[string]bool{}
	for _, l := range leaks {
		found[l.secret] = true
	}
	assert.True(t, found["sensitive variable"], "leaks: %v", leaks)
	assert.True(t, found["token"], "leaks: %v", leaks)
	t.Logf("with the redactor bypassed, %d leaks: %v", len(leaks), fmt.Sprint(leaks))
}

// everyCommandsOutput runs each command a secret could leak through:
// validate, plan in every format, apply, a second plan and export --all,
// then extra; each must exit 0. It returns what each printed: stdout,
// then stderr, command by command.
func everyCommandsOutput(t *testing.T, c *cli, path string, extra ...[]string) []string {
	t.Helper()
	var outs []string
	for _, args := range append([][]string{
		{"validate", "-f", path},
		{"plan", "-f", path},
		{"plan", "-f", path, "-o", "json"},
		{"plan", "-f", path, "-o", "markdown"},
		{"apply", "-f", path, "--auto-approve"},
		{"plan", "-f", path, "-o", "json"},
		{"export", "--all"},
	}, extra...) {
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, "%v: %s", args, r.err)
		outs = append(outs, r.out, r.err)
	}
	return outs
}
