package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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

// cli runs provision in-process against an emulator.
type cli struct {
	t    testing.TB
	url  string
	emu  *emulator.Emulator
	env  map[string]string
	deps deps
	// outDir is where commands on the seed manifest write its outputs.
	outDir string
}

// testDeps are the deps of a test's run: fault campaigns retry a lot, so
// the first retry waits 1 ms (the production backoff is tested in
// internal/authentik).
func testDeps() deps { return deps{retryBackoff: time.Millisecond} }

func newCLI(t *testing.T) *cli {
	t.Helper()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	return newCLIFor(t, srv.URL, emu)
}

func newCLIFor(t testing.TB, url string, emu *emulator.Emulator) *cli {
	return &cli{t: t, url: url, emu: emu, deps: testDeps(), env: map[string]string{
		"AUTHENTIK_URL":   url,
		"AUTHENTIK_TOKEN": emu.Token(),
		"LIBRECHAT_URL":   "https://chat.example.com",
	}}
}

type result struct {
	out, err string
	code     int
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	return c.runWith(func(*IOStreams) {}, args...)
}

// runWith runs with streams adjusted by tweak (terminal flags, input).
func (c *cli) runWith(tweak func(*IOStreams), args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	streams := IOStreams{
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		LookupEnv: func(k string) (string, bool) { v, ok := c.env[k]; return v, ok },
		Random:    rand.Reader,
		deps:      c.deps,
	}
	tweak(&streams)
	code := run(context.Background(), c.ownOutputs(args), streams)
	return result{out: out.String(), err: errOut.String(), code: code}
}

// ownOutputs gives a command on the shared seed manifest an output
// directory of this test's own: tests run in parallel, and each writes
// the manifest's librechat.env from its own emulator.
func (c *cli) ownOutputs(args []string) []string {
	if len(args) == 0 || !slices.Contains(args, seedManifest) || slices.Contains(args, "--output-dir") {
		return args
	}
	switch args[0] {
	case "plan", "apply", "check", "env", "validate":
	default:
		return args
	}
	if c.outDir == "" {
		c.outDir = c.t.TempDir()
	}
	return append(slices.Clone(args), "--output-dir", c.outDir)
}

// api returns the generated client, to play the admin clicking in the UI.
func (c *cli) api() *api.APIClient { return apiFor(c.url, c.emu.Token()) }

const seedManifest = "../../manifests/librechat.yaml"

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenFile compares got with testdata/name (-update rewrites it).
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "go test ./cmd/provision -update creates %s", path)
	assert.Equal(t, string(want), got, "golden file %s (-update to rewrite)", path)
}

func TestSeedWalkthroughEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()

	// Fresh authentik: everything to create, exit 2 with --detailed-exitcode.
	r := c.run("plan", "-f", seedManifest, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.err)
	assert.Contains(t, r.out, "Plan: 4 to add, 0 to change, 0 to destroy.")

	r = c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Apply complete: 4 added")

	// Exactly the seed's objects.
	apps, _, err := c.api().CoreApi.CoreApplicationsList(ctx).Slug("librechat").SuperuserFullList(true).Execute()
	require.NoError(t, err)
	require.Len(t, apps.Results, 1)
	app := apps.Results[0]
	assert.Equal(t, "LibreChat", app.Name)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(ctx, *app.Provider.Get()).Execute()
	require.NoError(t, err)
	assert.Equal(t, "LibreChat", prov.Name)
	assert.Equal(t, api.SUBMODEENUM_USER_EMAIL, *prov.SubMode)
	assert.Equal(t, api.CLIENTTYPEENUM_CONFIDENTIAL, *prov.ClientType)
	require.Len(t, prov.RedirectUris, 1)
	assert.Equal(t, "https://chat.example.com/oauth/openid/callback", prov.RedirectUris[0].Url)
	assert.Equal(t, api.MATCHINGMODEENUM_STRICT, prov.RedirectUris[0].MatchingMode)
	assert.Equal(t, c.emu.FlowPK("default-provider-authorization-implicit-consent"), prov.AuthorizationFlow)
	assert.Equal(t, c.emu.FlowPK("default-provider-invalidation-flow"), prov.InvalidationFlow)
	keys, _, err := c.api().CryptoApi.CryptoCertificatekeypairsList(ctx).Name("authentik Self-signed Certificate").Execute()
	require.NoError(t, err)
	assert.Equal(t, keys.Results[0].Pk, *prov.SigningKey.Get())
	var scopes []string
	for _, pk := range prov.PropertyMappings {
		m, _, err := c.api().PropertymappingsApi.PropertymappingsProviderScopeRetrieve(ctx, pk).Execute()
		require.NoError(t, err)
		scopes = append(scopes, m.ScopeName)
	}
	assert.ElementsMatch(t, []string{"openid", "profile", "email"}, scopes)
	bindings, _, err := c.api().PoliciesApi.PoliciesBindingsList(ctx).Target(app.Pk).Execute()
	require.NoError(t, err)
	require.Len(t, bindings.Results, 1)
	assert.Equal(t, c.emu.GroupPK("LibreChat Users"), *bindings.Results[0].Group.Get())

	// Converged: empty plan, exit 0; a second apply writes nothing.
	r = c.run("plan", "-f", seedManifest, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "No changes.")
	c.emu.ResetLog()
	r = c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 0, c.emu.Writes(), "a second apply must not write")
}

func TestDriftIsExactlyTheChangedField(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)

	// An admin changes the subject mode by hand.
	pk := c.emu.ProviderPK("LibreChat")
	mode := api.SUBMODEENUM_HASHED_USER_ID
	_, _, err := c.api().ProvidersApi.ProvidersOauth2PartialUpdate(context.Background(), pk).
		PatchedOAuth2ProviderRequest(api.PatchedOAuth2ProviderRequest{SubMode: &mode}).Execute()
	require.NoError(t, err)

	r := c.run("plan", "-f", seedManifest, "--detailed-exitcode", "-o", "json")
	require.Equal(t, exitChanges, r.code, r.err)
	assert.JSONEq(t, `{"format_version":"1.0","changes":[{"kind":"provider","key":"LibreChat","action":"update","id":"`+fmt.Sprint(pk)+`",
		"source":"`+seedManifest+`:15:5","fields":[{"field":"sub_mode","before":"hashed_user_id","after":"user_email"}],
		"warnings":["sub_mode changes from hashed_user_id to user_email: the subject (sub) of every user changes, so client applications that key accounts on it will see existing users as new users"]}],
		"summary":{"add":0,"change":1,"destroy":0}}`, r.out)

	c.emu.ResetLog()
	r = c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 1, c.emu.Writes(), "drift repair is one PATCH")
	assert.Equal(t, 1, c.emu.Count("PATCH", "/api/v3/providers/oauth2/"))
	assert.Equal(t, exitOK, c.run("plan", "-f", seedManifest, "--detailed-exitcode").code)
}

func TestAdoptsObjectsCreatedByHandWithServerDefaults(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ctx := context.Background()
	// Created through the raw API with its defaults: no scopes, no signing
	// key, hashed_user_id, a generated client id and secret.
	req := api.OAuth2ProviderRequest{
		Name:              "LibreChat",
		AuthorizationFlow: c.emu.FlowPK("default-provider-authorization-implicit-consent"),
		InvalidationFlow:  c.emu.FlowPK("default-provider-invalidation-flow"),
		RedirectUris:      []api.RedirectURIRequest{{MatchingMode: api.MATCHINGMODEENUM_STRICT, Url: "https://chat.example.com/oauth/openid/callback"}},
	}
	p, _, err := c.api().ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(req).Execute()
	require.NoError(t, err)

	r := c.run("plan", "-f", seedManifest, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `"key": "LibreChat",
      "action": "update"`)
	for _, f := range []string{`"field": "scopes"`, `"field": "signing_key"`, `"field": "sub_mode"`} {
		assert.Contains(t, r.out, f)
	}
	assert.NotContains(t, r.out, `"field": "client_id"`, "server-generated values the manifest does not declare are not diffed")

	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	after, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(ctx, p.Pk).Execute()
	require.NoError(t, err)
	assert.Equal(t, *p.ClientSecret, *after.ClientSecret, "adoption never rotates the secret")
	all, _, err := c.api().ProvidersApi.ProvidersAllList(ctx).Execute()
	require.NoError(t, err)
	assert.Len(t, all.Results, 1, "adopted, not duplicated")
	assert.Equal(t, exitOK, c.run("plan", "-f", seedManifest, "--detailed-exitcode").code)
}

func TestPartialFailureThenRerunConverges(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// Five 503s in a row exhaust a write's attempts.
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/providers/", Kind: emulator.FaultStatus, Status: 503, Every: 1, Times: 5})
	r := c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "Apply failed: 1 done, 1 failed, 2 not attempted.")
	assert.Contains(t, r.err, `failed:        create provider "LibreChat": create provider "LibreChat": authentik answered HTTP 503`)
	assert.Contains(t, r.err, `not attempted: create application "librechat"`)

	r = c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Plan: 3 to add", "the group made by the failed run is adopted")
	groups, _, err := c.api().CoreApi.CoreGroupsList(context.Background()).Name("LibreChat Users").Execute()
	require.NoError(t, err)
	assert.Len(t, groups.Results, 1)
	assert.Equal(t, exitOK, c.run("plan", "-f", seedManifest, "--detailed-exitcode").code)
}

func TestDroppedConnectionMidApplyIsRetried(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/core/applications/", Kind: emulator.FaultDrop, Nth: 1, Times: 1})
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/policies/bindings/", Kind: emulator.FaultTruncate, Nth: 1, Times: 1})
	r := c.run("apply", "-f", seedManifest, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Retries: 0 reads and 1 writes sent again; 2 writes with an unknown outcome re-read by key (1 found already done).")
	assert.Equal(t, 1, c.emu.Counts()["application"])
	assert.Equal(t, 1, c.emu.Count("POST", "/api/v3/policies/bindings/"), "the binding whose answer was cut is found, not posted again")
	assert.Equal(t, exitOK, c.run("plan", "-f", seedManifest, "--detailed-exitcode").code)
}

func TestApplyWithoutTerminalNeedsAutoApprove(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("apply", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "refusing to apply without confirmation")
	assert.Equal(t, 0, c.emu.Writes())
}

func TestPlanRequestsDoNotGrowWithTheManifest(t *testing.T) {
	t.Parallel()
	count := func(apps int) int {
		c := newCLI(t)
		dir := t.TempDir()
		var b strings.Builder
		b.WriteString("version: 1\ngroups:\n  - name: users\nproviders:\n")
		for i := 0; i < apps; i++ {
			fmt.Fprintf(&b, "  - {name: p%d, type: oauth2, redirect_uris: [{url: 'https://app%d.example.com/cb'}]}\n", i, i)
		}
		b.WriteString("applications:\n")
		for i := 0; i < apps; i++ {
			fmt.Fprintf(&b, "  - {name: App %d, slug: app%d, provider: p%d, access: {groups: [users]}}\n", i, i, i)
		}
		path := filepath.Join(dir, "m.yaml")
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
		c.emu.ResetLog()
		r := c.run("plan", "-f", path, "--detailed-exitcode")
		require.Equal(t, exitOK, r.code, r.out+r.err)
		return len(c.emu.Requests())
	}
	one, fifty := count(1), count(50)
	t.Logf("plan requests: 1 app: %d, 50 apps: %d", one, fifty)
	assert.Equal(t, one, fifty, "plan requests: 1 app=%d, 50 apps=%d", one, fifty)
}

func TestVersionSkew(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServerUnchecked(t, emulator.Options{})
	c := newCLIFor(t, srv.URL, emu)
	require.Equal(t, exitOK, c.run("apply", "-f", seedManifest, "--auto-approve").code)
	emu.SeedSynthetic(2)

	// An object the manifest does not touch: the plan still works.
	require.NoError(t, emu.OverrideField("oauth2provider", "provider-0001", "sub_mode", "user_future_mode"))
	require.NoError(t, emu.OverrideField("application", "librechat", "brand_new_field", "x"))
	r := c.run("plan", "-f", seedManifest, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.out+r.err)

	// The object it does touch: one clear error naming object and field.
	require.NoError(t, emu.OverrideField("oauth2provider", "LibreChat", "issuer_mode", "per_tenant"))
	r = c.run("plan", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `librechat.yaml:15:5: provider "LibreChat": authentik returned a value this version of provision cannot read in field "issuer_mode"`)
}
