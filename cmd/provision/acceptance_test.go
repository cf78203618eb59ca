//go:build acceptance

package main

// The acceptance suite: the end-to-end flow of the README against a real
// authentik (or `provision sandbox`), given by AUTHENTIK_URL and
// AUTHENTIK_TOKEN. It skips itself when they are unset, and unless
// PROVISION_ACCEPTANCE=1 says the instance is disposable. Run it with
//
//	PROVISION_ACCEPTANCE=1 go test -tags acceptance -run Acceptance ./cmd/provision/
//
// It creates the LibreChat example's objects (group, provider, application,
// binding) and deletes them again, before and after.

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

	"github.com/provision/provision/internal/render"
)

// acceptanceCLI runs provision in-process against AUTHENTIK_URL.
func acceptanceCLI(t *testing.T) *cli {
	url, token := os.Getenv("AUTHENTIK_URL"), os.Getenv("AUTHENTIK_TOKEN")
	if url == "" || token == "" {
		t.Skip("AUTHENTIK_URL and AUTHENTIK_TOKEN are not set: no authentik to run the acceptance suite against")
	}
	// It deletes objects named as the LibreChat example's: never in an
	// authentik someone merely has credentials for in their shell.
	if os.Getenv("PROVISION_ACCEPTANCE") != "1" {
		t.Skip("PROVISION_ACCEPTANCE=1 is not set: the suite creates and deletes the LibreChat example's objects (group, provider, application) in the authentik at AUTHENTIK_URL; set it only for a disposable instance")
	}
	return &cli{t: t, url: strings.TrimSuffix(url, "/"), env: map[string]string{
		"AUTHENTIK_URL":   url,
		"AUTHENTIK_TOKEN": token,
		"LIBRECHAT_URL":   "https://chat.example.com",
	}}
}

const acceptanceCleanup = `version: 1
groups:
  - {name: LibreChat Users, state: absent}
providers:
  - {name: LibreChat, type: oauth2, state: absent}
applications:
  - {name: LibreChat, slug: librechat, state: absent}
`

// cleanAcceptance deletes the example's objects and proves they are gone.
func cleanAcceptance(t *testing.T, c *cli) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cleanup.yaml")
	require.NoError(t, os.WriteFile(path, []byte(acceptanceCleanup), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "cleanup converged: "+r.out+r.err)
}

// serial: runs against one shared sandbox (acceptance).
func TestAcceptanceLibreChatFlow(t *testing.T) {
	c := acceptanceCLI(t)
	cleanAcceptance(t, c)
	t.Cleanup(func() { cleanAcceptance(t, c) })
	m := copyManifest(t, seedManifest)
	dir := t.TempDir()

	// validate is offline; plan shows the four creates (exit 2).
	r := c.run("validate", "-f", m)
	require.Equal(t, exitOK, r.code, r.err)
	r = c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitChanges, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Plan: 4 to add, 0 to change, 0 to destroy.")

	// The GitOps path: a markdown plan for the pull request, the saved
	// plan applied on merge.
	saved := filepath.Join(dir, "plan.json")
	r = c.run("plan", "-f", m, "-o", "markdown", "--out", saved)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "### provision plan: 4 to add, 0 to change, 0 to destroy")
	r = c.run("apply", saved)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Apply complete: 4 added, 0 changed, 0 destroyed. A fresh plan is empty.")

	// Re-plan is empty; apply -o json reports no changes.
	r = c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "No changes.")
	r = c.run("apply", "-f", m, "--auto-approve", "-o", "json")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	var rep render.ApplyReport
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
	assert.Equal(t, "no changes", rep.Status)
	require.Len(t, rep.Outputs, 1)

	// The client's settings, and the post-setup check.
	envFile := filepath.Join(dir, "librechat.env")
	r = c.run("env", "-f", m, "--app", "librechat", "--out", envFile)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	data, err := os.ReadFile(envFile)
	require.NoError(t, err)
	assert.Contains(t, string(data), "OPENID_CLIENT_ID=")
	assert.Contains(t, string(data), "OPENID_ISSUER="+c.url+"/application/o/librechat/")
	// No LibreChat runs here: the client half probes a closed port (a warning).
	r = c.run("check", "-f", m, "--app", "librechat", "--env", envFile, "--client-url", closedAddr(t))
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out, "✗")

	// A saved plan is refused once an object it touches is edited by hand.
	c.env["LIBRECHAT_URL"] = "https://chat2.example.com"
	r = c.run("plan", "-f", m, "--out", saved)
	require.Equal(t, exitOK, r.code, r.err)
	desc := "edited by hand"
	_, _, err = apiFor(c.url, c.env["AUTHENTIK_TOKEN"]).CoreApi.CoreApplicationsPartialUpdate(context.Background(), "librechat").
		PatchedApplicationRequest(api.PatchedApplicationRequest{MetaDescription: &desc}).Execute()
	require.NoError(t, err)
	r = c.run("apply", saved)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "the plan is stale: ")
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
}
