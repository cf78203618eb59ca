package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
)

// Issue 32, "every hint printed is a command that works, and a test runs
// each one": the lock's state unlock hints and check's provision env hints.
// Each test provokes the hint, takes the command from what was printed,
// runs it through the CLI against the emulator and shows it did its job.
// (TestFirstHourEveryHintRuns and TestFirstHourHintsAreCommandsThatWork run
// the saved plan's apply, apply -f, state list, show and state release.)

// printedCommand returns the words after "provision" of the command the
// first group of pattern captures in text.
func printedCommand(t *testing.T, text, pattern string) []string {
	t.Helper()
	got := regexp.MustCompile(pattern).FindStringSubmatch(text)
	require.NotNil(t, got, "no hint matching %s in %q", pattern, text)
	words := shellWords(t, got[1])
	require.Equal(t, "provision", words[0], got[1])
	return words[1:]
}

// holdLock makes another apply hold stack's lock for an hour.
func holdLock(t *testing.T, c *cli, stack string) {
	t.Helper()
	req := api.NewBlueprintInstanceRequest("provision-lock-" + stack)
	off, content := false, "version: 1\nentries: []\n"
	req.Enabled, req.Content = &off, &content
	req.Context = map[string]any{"holder": "h", "host": "ci-runner-7", "pid": 4242, "since": "2026-11-29T10:00:00Z",
		"expires": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
	_, _, err := c.api().ManagedApi.ManagedBlueprintsCreate(context.Background()).BlueprintInstanceRequest(*req).Execute()
	require.NoError(t, err)
}

func lockInstances(t *testing.T, c *cli, stack string) []api.BlueprintInstance {
	t.Helper()
	list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-lock-" + stack).Execute()
	require.NoError(t, err)
	return list.Results
}

// A held lock: apply fails naming "provision state unlock --stack S if that
// apply is dead"; that command breaks the lock, and apply then runs.
func TestHintLockedStackUnlockRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x"))
	holdLock(t, c, "prod")

	r := c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitError, r.code)
	unlock := printedCommand(t, r.err, `or run (provision state unlock --stack \S+) if that apply is dead`)
	assert.Equal(t, []string{"state", "unlock", "--stack", "prod"}, unlock)

	u := c.run(unlock...)
	require.Equal(t, exitOK, u.code, "the hint %q: %s", unlock, u.err)
	assert.Contains(t, u.out, `Broke the lock of stack "prod" held by host ci-runner-7, pid 4242`)
	assert.Empty(t, lockInstances(t, c, "prod"))
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
}

// A lock apply could not release: the warning names "provision state
// unlock --stack S", as does the lock instance itself (its managed_by, what
// an admin sees in authentik); both are the same command, and it removes
// the lock the apply left.
func TestHintLockLeftBehindUnlockRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x"))
	// The only DELETE of a blueprint instance in this apply is the lock's
	// release; authentik refuses it once.
	c.emu.InjectFault(emulator.Fault{Method: "DELETE", PathPrefix: "/api/v3/managed/blueprints/", Kind: emulator.FaultStatus, Status: 403, Nth: 1, Times: 1})

	r := c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	unlock := printedCommand(t, r.err, `its lease expires on its own, or run (provision state unlock --stack \S+)\.\n`)
	assert.Equal(t, []string{"state", "unlock", "--stack", "prod"}, unlock)

	locks := lockInstances(t, c, "prod")
	require.Len(t, locks, 1, "the release failed, so the lock is still there")
	managedBy, _ := locks[0].Context["managed_by"].(string)
	assert.Equal(t, unlock, printedCommand(t, managedBy, `\(or run (provision state unlock --stack \S+)\)`), "the lock's own hint")

	u := c.run(unlock...)
	require.Equal(t, exitOK, u.code, "the hint %q: %s", unlock, u.err)
	assert.Empty(t, lockInstances(t, c, "prod"))
	// The next apply takes the lock at once: nothing to break.
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.err, "broke the lock")
}

// check of an output whose file differs from authentik names "provision
// env ... --out FILE" to rewrite it, for the output's file and for --env
// FILE; the command rewrites that file, and check then passes.
func TestHintCheckSettingsRewriteRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["OPENWEBUI_URL"] = "https://webui.example.com"
	c.env["GRAFANA_URL"] = "https://grafana.example.com"
	c.env["AUTH_PUBLIC_URL"] = c.url
	dir, path := writeOutputsManifest(t, string(readExample(t, "three-apps.yaml")))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	file := filepath.Join(dir, "open-webui.env")
	good := readEnv(t, file)
	stale := func(f string) {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(f, regexp.MustCompile(`(?m)^OAUTH_CLIENT_ID=.*$`).ReplaceAll(data, []byte("OAUTH_CLIENT_ID=stale")), 0o600))
	}
	rewrite := `rewrite them with (provision env .+?), or run apply`

	for name, args := range map[string][]string{"OutputFile": nil, "EnvFlag": {"--env", filepath.Join(dir, "other.env")}} {
		target := file
		if args != nil {
			target = args[1]
		}
		stale(target)
		checkArgs := append([]string{"check", "-f", path, "--app", "open-webui", "--client-url", closedAddr(t)}, args...)
		r := c.run(checkArgs...)
		require.Equal(t, exitError, r.code, name)
		assert.Contains(t, r.out, "settings do not match authentik: OAUTH_CLIENT_ID;", name)
		env := printedCommand(t, r.out, rewrite)
		assert.Equal(t, []string{"env", "-f", path, "--app", "open-webui", "--output", "open-webui", "--out", target}, env, name)

		e := c.run(env...)
		require.Equal(t, exitOK, e.code, "%s: the hint %q: %s", name, env, e.err)
		assert.Equal(t, good["OAUTH_CLIENT_ID"], readEnv(t, target)["OAUTH_CLIENT_ID"], name)
		r = c.run(checkArgs...)
		assert.Equal(t, exitOK, r.code, "%s: %s", name, r.out)
	}
}

// check's LibreChat probe, when LibreChat sends a client id that is not
// authentik's: with a .env that is stale too it names "provision env ...
// --out FILE" to rewrite it; with no .env at all, the same command creates
// it. Run, the file holds authentik's client id, and a LibreChat started
// from it passes.
func TestHintCheckLibreChatEnvRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, envPath := seedInDir(t)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	authentikID := readEnv(t, envPath)["OPENID_CLIENT_ID"]
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	staleData := regexp.MustCompile(`(?m)^OPENID_CLIENT_ID=.*$`).ReplaceAll(data, []byte("OPENID_CLIENT_ID=the-client-id-before-apply"))

	cases := map[string]struct {
		prepare func()
		hint    string
	}{
		"StaleFile": {
			prepare: func() { require.NoError(t, os.WriteFile(envPath, staleData, 0o600)) },
			hint:    `OPENID_CLIENT_ID is not authentik's either: rewrite it with (provision env .+?), or run apply, then restart LibreChat`,
		},
		"NoFile": {
			prepare: func() { require.NoError(t, os.Remove(envPath)) },
			hint:    `the \.env is out of date \(rewrite it with (provision env .+?), or run apply\)`,
		},
	}
	for _, name := range []string{"StaleFile", "NoFile"} { // in order: both use the one file
		tc := cases[name]
		// LibreChat started from the stale settings, which it still runs with.
		staleEnv := filepath.Join(t.TempDir(), "stale.env")
		require.NoError(t, os.WriteFile(staleEnv, staleData, 0o600))
		url := libreChatDouble(t, staleEnv, nil)
		tc.prepare()

		r := c.run("check", "-f", path, "--app", "librechat", "--client-url", url)
		require.Equal(t, exitError, r.code, name)
		assert.Contains(t, r.out, "✗ LibreChat: client id sent", name)
		env := printedCommand(t, r.out, tc.hint)
		assert.Equal(t, []string{"env", "-f", path, "--app", "librechat", "--output", "librechat", "--out", envPath}, env, name)

		e := c.run(env...)
		require.Equal(t, exitOK, e.code, "%s: the hint %q: %s", name, env, e.err)
		assert.Equal(t, authentikID, readEnv(t, envPath)["OPENID_CLIENT_ID"], name)
		// LibreChat restarted: it reads the rewritten file.
		r = c.run("check", "-f", path, "--app", "librechat", "--client-url", libreChatDouble(t, envPath, nil))
		assert.Equal(t, exitOK, r.code, "%s: %s", name, r.out)
		assert.Contains(t, r.out, "✓ LibreChat: client id sent", name)
	}
}

// A saved plan says how to apply it (how_to_apply, for whoever finds the
// file in a pipeline's artifacts); the command it names applies it.
func TestHintSavedPlanHowToApplyRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("team-p", "p1"))
	saved := filepath.Join(t.TempDir(), "plan.json")
	r := c.run("plan", "-f", m, "--out", saved)
	require.Equal(t, exitOK, r.code, r.err)
	data, err := os.ReadFile(saved)
	require.NoError(t, err)
	var f struct {
		HowToApply string `json:"how_to_apply"`
	}
	require.NoError(t, json.Unmarshal(data, &f))
	apply := printedCommand(t, f.HowToApply, `^(provision apply \S+)  \(from the directory plan ran in`)

	a := c.run(apply...)
	require.Equal(t, exitOK, a.code, "the hint %q: %s", apply, a.err)
	assert.Equal(t, []string{"p1"}, appSlugs(t, c))
}

// check of a SAML application, configured by hand, names "provision show
// -f M --app S" in its header; that command lists what the client needs.
func TestHintCheckProviderShowRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const m = "../../manifests/directory-and-saml.yaml"
	c.env["WIKI_URL"] = "https://wiki.example.com"
	c.env["DASHBOARDS_URL"] = "https://dashboards.example.com"
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	r := c.run("check", "-f", m, "--app", "wiki")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	show := printedCommand(t, r.out, `its client is configured by hand: (provision show -f \S+ --app \S+) lists what it needs`)

	s := c.run(show...)
	require.Equal(t, exitOK, s.code, "the hint %q: %s", show, s.err)
	assert.Contains(t, s.out, "https://wiki.example.com/saml2/acs")
}
