package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/planfile"
	"github.com/provision/provision/internal/render"
)

// savedPlanCLI has the LibreChat manifest applied, then a new LIBRECHAT_URL,
// so the next plan updates the provider and the application.
func savedPlanCLI(t *testing.T) (*cli, string, string) {
	c := newCLI(t)
	m := copyManifest(t, seedManifest)
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	c.env["LIBRECHAT_URL"] = "https://chat2.example.com"
	out := filepath.Join(t.TempDir(), "plan.json")
	r := c.run("plan", "-f", m, "--out", out)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.err, "provision apply "+out)
	return c, m, out
}

func TestSavedPlanAppliesExactlyAndHoldsNoSecret(t *testing.T) {
	t.Parallel()
	c, m, out := savedPlanCLI(t)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	require.NotNil(t, prov.ClientSecret)
	require.NotEmpty(t, *prov.ClientSecret)
	assert.NotContains(t, string(data), *prov.ClientSecret, "the live client secret is not in the saved plan")
	assert.NotContains(t, string(data), c.emu.Token())
	assert.Contains(t, string(data), `"how_to_apply": "provision apply `+out)

	var f planfile.File
	require.NoError(t, json.Unmarshal(data, &f))
	assert.Equal(t, planfile.FormatVersion, f.FormatVersion)
	assert.Equal(t, 2, f.Summary.Change, "provider and application")
	assert.NotEmpty(t, f.Live)

	// Applied without a prompt (no terminal, no --auto-approve): the
	// review happened on the saved plan.
	c.emu.ResetLog()
	r := c.run("apply", out)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Apply complete: 0 added, 2 changed, 0 destroyed.")
	assert.Equal(t, 2, c.emu.Writes())
	r = c.run("plan", "-f", m, "--detailed-exitcode") // the manifest's own .env, written by that apply

	assert.Equal(t, exitOK, r.code, r.out)
}

func TestSavedPlanIsStaleAfterAHandEditOfATouchedObject(t *testing.T) {
	t.Parallel()
	c, _, out := savedPlanCLI(t)
	// An admin edits a field provision does not even manage, on an object
	// the plan updates: the plan no longer describes what it would do to it.
	desc := "edited by hand"
	_, _, err := c.api().CoreApi.CoreApplicationsPartialUpdate(context.Background(), "librechat").
		PatchedApplicationRequest(api.PatchedApplicationRequest{MetaDescription: &desc}).Execute()
	require.NoError(t, err)
	c.emu.ResetLog()
	r := c.run("apply", out)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: the plan is stale: application \"librechat\" changed in authentik since the plan was made; run plan again\n", r.err)
	assert.Equal(t, 0, c.emu.Writes())
}

func TestSavedPlanIgnoresEditsOfObjectsItDoesNotTouch(t *testing.T) {
	t.Parallel()
	c, _, out := savedPlanCLI(t)
	// The group is read but not changed by the plan.
	_, _, err := c.api().CoreApi.CoreGroupsPartialUpdate(context.Background(), c.emu.GroupPK("LibreChat Users")).
		PatchedGroupRequest(api.PatchedGroupRequest{Attributes: map[string]any{"note": "by hand"}}).Execute()
	require.NoError(t, err)
	r := c.run("apply", out)
	assert.Equal(t, exitOK, r.code, r.err)
}

func TestSavedPlanIsStaleWhenTheManifestOrItsVariablesChange(t *testing.T) {
	t.Parallel()
	t.Run("manifest file", func(t *testing.T) {
		c, m, out := savedPlanCLI(t)
		data, err := os.ReadFile(m)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(m, append(data, []byte("# edited\n")...), 0o644))
		c.emu.ResetLog()
		r := c.run("apply", out)
		assert.Equal(t, exitError, r.code)
		assert.Equal(t, "Error: the plan is stale: the manifest "+m+" changed since the plan was made; run plan again\n", r.err)
		assert.Equal(t, 0, c.emu.Writes())
	})
	t.Run("variable", func(t *testing.T) {
		c, _, out := savedPlanCLI(t)
		c.env["LIBRECHAT_URL"] = "https://chat3.example.com"
		c.emu.ResetLog()
		r := c.run("apply", out)
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.err, "Error: the plan is stale: computed now, the plan differs (the update of provider \"LibreChat\" has other values now); run plan again")
		assert.Equal(t, 0, c.emu.Writes())
	})
	t.Run("object created by hand", func(t *testing.T) {
		c := newCLI(t)
		m := copyManifest(t, seedManifest)
		out := filepath.Join(t.TempDir(), "plan.json")
		require.Equal(t, exitOK, c.run("plan", "-f", m, "--out", out).code)
		_, _, err := c.api().CoreApi.CoreGroupsCreate(context.Background()).GroupRequest(*api.NewGroupRequest("LibreChat Users")).Execute()
		require.NoError(t, err)
		r := c.run("apply", out)
		assert.Equal(t, exitError, r.code)
		assert.Equal(t, "Error: the plan is stale: computed now, the plan differs (the create of group \"LibreChat Users\" is no longer needed); run plan again\n", r.err)
	})
}

func TestApplyRefusesWhatIsNotASavedPlan(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("apply", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "is not a saved plan; to apply a manifest use: provision apply -f "+seedManifest)
	r = c.run("apply")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "apply needs a manifest (-f PATH) or a saved plan")
}

func TestSavedPlanFromAnotherDirectoryNeedsTheManifest(t *testing.T) {
	t.Parallel()
	c, m, out := savedPlanCLI(t)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	moved := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(moved, []byte(strings.Replace(string(data), filepath.ToSlash(m), "elsewhere/librechat.yaml", 1)), 0o644))
	r := c.run("apply", moved)
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: the plan's manifest "+filepath.FromSlash("elsewhere/librechat.yaml")+" is not here: run apply from the directory plan ran in, or give the manifest with -f\n", r.err)
	// With -f the same files are found, digest-checked and applied.
	r = c.run("apply", moved, "-f", m)
	assert.Equal(t, exitOK, r.code, r.err)
}

func TestSavedPlanAgainstAnotherServerIsRefused(t *testing.T) {
	t.Parallel()
	c, _, out := savedPlanCLI(t)
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	other := newCLIFor(t, srv.URL, emu)
	other.env["LIBRECHAT_URL"] = c.env["LIBRECHAT_URL"]
	r := other.run("apply", out)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "the plan was made against "+c.url+", not "+srv.URL)
	assert.Equal(t, 0, emu.Writes())
}

func TestApplyJSONReportsEveryChange(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := copyManifest(t, seedManifest)
	r := c.run("apply", "-f", m, "--auto-approve", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var rep render.ApplyReport
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
	assert.Equal(t, "applied", rep.Status)
	require.Len(t, rep.Changes, 4)
	total := 0
	for _, ch := range rep.Changes {
		assert.Equal(t, render.ResultDone, ch.Result, ch)
		assert.GreaterOrEqual(t, ch.Writes, 1, ch)
		assert.Equal(t, 0, ch.Retries)
		total += ch.Writes
	}
	assert.Equal(t, c.emu.Writes(), total, "every write is counted against its change")
	assert.Equal(t, render.ReportSummary{Done: 4}, rep.Summary)
	require.Len(t, rep.Outputs, 1)
	assert.Equal(t, outputs.Written{Application: "librechat", File: filepath.Join(filepath.Dir(m), "librechat.env"), State: "created", Settings: rep.Outputs[0].Settings}, rep.Outputs[0])

	// Converged: no changes, the output file unchanged.
	r = c.run("apply", "-f", m, "--auto-approve", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep))
	assert.Equal(t, "no changes", rep.Status)
	assert.Empty(t, rep.Changes)
	assert.Equal(t, "unchanged", rep.Outputs[0].State)
}

func TestApplyJSONReportsFailuresAndErrorsOnStdout(t *testing.T) {
	t.Parallel()
	t.Run("a failed change", func(t *testing.T) {
		c := newCLI(t)
		m := copyManifest(t, seedManifest)
		// The provider create fails: the application and access after it
		// are not attempted.
		// (five 500s in a row: a write gets five attempts.)
		c.emu.InjectFault(emulator.Fault{Kind: emulator.FaultStatus, Status: 500, Method: "POST", PathPrefix: "/api/v3/providers/oauth2/", Every: 1, Times: 5})
		r := c.run("apply", "-f", m, "--auto-approve", "-o", "json")
		assert.Equal(t, exitError, r.code)
		assert.Empty(t, r.err)
		var rep render.ApplyReport
		require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
		assert.Equal(t, "failed", rep.Status)
		results := map[string]string{}
		for _, ch := range rep.Changes {
			results[ch.Kind+" "+ch.Key] = ch.Result
			if ch.Result == render.ResultFailed {
				assert.Contains(t, ch.Error, "500")
				assert.Equal(t, 1, ch.Writes)
				assert.Equal(t, 4, ch.Retries, "a 500 may have been processed: re-read, then sent again")
			}
		}
		assert.Equal(t, map[string]string{
			"group LibreChat Users": render.ResultDone, "provider LibreChat": render.ResultFailed,
			"application librechat": render.ResultNotAttempted, "access librechat": render.ResultNotAttempted,
		}, results)
		assert.Equal(t, render.ReportSummary{Done: 1, Failed: 1, NotAttempted: 2}, rep.Summary)
	})
	t.Run("an error before any change", func(t *testing.T) {
		c := newCLI(t)
		delete(c.env, "AUTHENTIK_TOKEN")
		r := c.run("apply", "-f", copyManifest(t, seedManifest), "--auto-approve", "-o", "json")
		assert.Equal(t, exitError, r.code)
		assert.Empty(t, r.err)
		var rep render.ApplyReport
		require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
		assert.Equal(t, "error", rep.Status)
		assert.Contains(t, rep.Error, "AUTHENTIK_TOKEN")
	})
	t.Run("no prompt under json", func(t *testing.T) {
		c := newCLI(t)
		r := c.runWith(func(s *IOStreams) { s.StdinTTY = true }, "apply", "-f", copyManifest(t, seedManifest), "-o", "json")
		assert.Equal(t, exitError, r.code)
		assert.True(t, json.Valid([]byte(r.out)), r.out)
		assert.Contains(t, r.out, "--auto-approve")
		assert.Equal(t, 0, c.emu.Writes())
	})
}

func TestPlanMarkdownMasksSecrets(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(m, []byte("version: 1\nvariables: {SECRET: {sensitive: true}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: ${SECRET}\n    redirect_uris: [{url: 'https://a.example.com/cb'}]\n"), 0o644))
	c.env["SECRET"] = "do-not-print-me-0123456789"
	out := filepath.Join(t.TempDir(), "plan.json")
	r := c.run("plan", "-f", m, "-o", "markdown", "--out", out)
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, strings.HasPrefix(r.out, "### provision plan: 1 to add"), r.out)
	assert.Contains(t, r.out, "<details>")
	assert.NotContains(t, r.out, c.env["SECRET"])
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(data), c.env["SECRET"])
	// The secret comes back from the environment at apply time.
	require.Equal(t, exitOK, c.run("apply", out).code)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("p")).Execute()
	require.NoError(t, err)
	assert.Equal(t, c.env["SECRET"], *prov.ClientSecret)
}

func TestNoColorFlagAndDumbTerminal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	tty := func(s *IOStreams) { s.StdoutTTY = true }
	assert.Contains(t, c.runWith(tty, "plan", "-f", seedManifest).out, "\x1b[")
	assert.NotContains(t, c.runWith(tty, "plan", "-f", seedManifest, "--no-color").out, "\x1b[")
	assert.NotContains(t, c.runWith(tty, "--no-color", "plan", "-f", seedManifest).out, "\x1b[")
	c.env["TERM"] = "dumb"
	assert.NotContains(t, c.runWith(tty, "plan", "-f", seedManifest).out, "\x1b[")
}

func TestPlanJSONErrorsAreJSONOnStdout(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["AUTHENTIK_TOKEN"] = "wrong"
	r := c.run("plan", "-f", seedManifest, "-o", "json")
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.err)
	var out struct {
		FormatVersion string `json:"format_version"`
		Error         string `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &out), r.out)
	assert.NotEmpty(t, out.Error)
	assert.NotContains(t, r.out, "wrong\"", "the token is not echoed")
	// Text output keeps errors on stderr.
	r = c.run("plan", "-f", seedManifest)
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.out)
	assert.Contains(t, r.err, "Error: ")
}
