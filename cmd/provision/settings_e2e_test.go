package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// System settings as code: a mapping whose declared fields alone are
// planned and PATCHed to admin/settings/, a second plan empty, export
// --all round-tripping, a misspelt field refused at its line.
func TestSystemSettingsEndToEnd(t *testing.T) {
	t.Parallel()
	_, emu := emulatortest.NewServer(t, emulator.Options{})
	var mu sync.Mutex
	var patches []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/admin/settings/" && r.Method != http.MethodGet {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			mu.Lock()
			patches = append(patches, map[string]any{"method": r.Method, "body": m})
			mu.Unlock()
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c := newCLIFor(t, srv.URL, emu)
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nsystem_settings:\n  avatars: initials\n  default_user_change_email: true\n"), 0o600))

	plan := c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitChanges, plan.code, plan.out+plan.err)
	assert.Contains(t, plan.out, "~ system settings {")
	assert.NotContains(t, plan.out, `"system settings"`, "a singleton is named once")
	assert.Contains(t, plan.out, `avatars`)
	assert.Contains(t, plan.out, `"gravatar,initials" -> "initials"`)
	assert.Contains(t, plan.out, `default_user_change_email`)
	for _, other := range []string{"impersonation", "event_retention", "gdpr_compliance", "footer_links", "flags"} {
		assert.NotContains(t, plan.out, other, "only declared fields are planned")
	}
	assert.Contains(t, plan.out, "0 to add, 1 to change, 0 to destroy")

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	mu.Lock()
	assert.Equal(t, []map[string]any{{"method": "PATCH", "body": map[string]any{"avatars": "initials", "default_user_change_email": true}}}, patches,
		"one PATCH of only the changed fields")
	mu.Unlock()
	assert.Zero(t, emu.Count("POST", "/api/v3/admin/settings/"))
	assert.Zero(t, emu.Count("DELETE", "/api/v3/admin/settings/"))

	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	body := exportRoundTrip(t, c, "--all")
	assert.Contains(t, body, "system_settings:\n    avatars: initials\n    default_user_change_email: true\n", "the mapping, without fields at their defaults")
	for _, def := range []string{"gdpr_compliance", "reputation_lower_limit", "pagination_max_page_size", "footer_links"} {
		assert.NotContains(t, body, def, "defaults are left out")
	}

	// footer_links is a list of JSON objects, round-tripped.
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nsystem_settings:\n  footer_links:\n    - {name: Docs, href: \"https://docs.example.com\"}\n"), 0o600))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	body = exportRoundTrip(t, c, "--all")
	assert.Contains(t, body, "href: https://docs.example.com")
	assert.Contains(t, body, "avatars: initials", "what an earlier apply set, still not the default")

	r = c.run("validate", "-f", path)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "0 outposts, system settings.")

	// A stack neither records nor prunes them: the manifest without them
	// plans nothing, and the settings stay.
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nstack: corp\nsystem_settings:\n  impersonation: false\n"), 0o600))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nstack: corp\n"), 0o600))
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "never pruned: %s%s", r.out, r.err)
	r = c.run("state", "release", "--stack", "corp", "--kind", "system_settings", "--key", "system settings")
	assert.Equal(t, exitError, r.code, "no record holds them")
	assert.Contains(t, r.err, `unknown --kind "system_settings"`)

	// A typo is refused at its line, with the field meant, and nothing is written.
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nsystem_settings:\n  avatars: initials\n  default_user_change_emial: true\n"), 0o600))
	before := emu.Count("PATCH", "/api/v3/admin/settings/")
	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, path+`:4:3: unknown field "default_user_change_emial" in the system settings`)
	assert.Contains(t, r.err, `did you mean "default_user_change_email"?`)
	assert.Equal(t, before, emu.Count("PATCH", "/api/v3/admin/settings/"))

	// A list where the mapping belongs says so.
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nsystem_settings:\n  - avatars: initials\n"), 0o600))
	r = c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.True(t, strings.Contains(r.err, "system_settings: expected a mapping of fields"), r.err)
}
