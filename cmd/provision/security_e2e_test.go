package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/pyregex"
)

// Issue 25's attacks against the real CLI and the emulator, one test per
// finding (those not tested closer to their code; docs/security.md lists
// every promise and its test).

// Finding 4: escape codes in an expression and an attribute key cannot
// erase "~ is_superuser = false -> true" from the screen, in plan (every
// format) or in the apply prompt.
func TestControlCharactersAreEscapedInPlanAndPrompt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, `version: 1
groups:
  - name: admins
    is_superuser: true
    attributes:
      "x\e[2K\e[1A": 1
scope_mappings:
  - name: m
    scope_name: m
    expression: "return {}  # \e[2K\e[1A\r\u202e"
`)
	for _, args := range [][]string{
		{"plan", "-f", path},
		{"plan", "-f", path, "-o", "json"},
		{"plan", "-f", path, "-o", "markdown"},
		{"apply", "-f", path}, // no terminal: it prints the plan, then refuses
		{"validate", "-f", path},
	} {
		r := c.runWith(func(s *IOStreams) { s.StdinTTY = true; s.In = strings.NewReader("no\n") }, args...)
		for _, s := range []string{r.out, r.err} {
			assert.NotContains(t, s, "\x1b", args)
			assert.NotContains(t, s, "\r", args)
			assert.NotContains(t, s, "\u202e", args)
		}
		if args[0] == "plan" {
			assert.Contains(t, r.out, "is_superuser", args)
			assert.Contains(t, r.out, `\u001b[2K`, args)
		}
		if len(args) > 3 && args[3] == "json" {
			var v map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.out), &v), "the JSON plan stays valid")
		}
	}
}

// Finding 9: a hostile server makes plan fail with one sentence and exit 1
// (never a panic's exit 2, which --detailed-exitcode reads as "changes"),
// and its error bodies' escape codes are escaped.
func TestHostileServerIsExitOne(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		groups func(w http.ResponseWriter)
		want   string
	}{
		"1e18 pages": {
			groups: func(w http.ResponseWriter) {
				fmt.Fprint(w, `{"pagination":{"total_pages":1e18},"results":[]}`)
			},
			want: "more than the 1000 provision reads",
		},
		"an error body with escape codes": {
			groups: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"detail":"\u001b[2K\u001b[1Afine"}`)
			},
			want: `\u001b[2K`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/api/v3/core/users/me/":
					fmt.Fprint(w, `{"user":{"username":"admin","is_superuser":true}}`)
				case "/api/v3/core/groups/":
					tc.groups(w)
				default:
					fmt.Fprint(w, `{"pagination":{"total_pages":1},"results":[]}`)
				}
			}))
			t.Cleanup(srv.Close)
			c := &cli{t: t, env: map[string]string{"AUTHENTIK_URL": srv.URL, "AUTHENTIK_TOKEN": "tok"}}
			path := writeManifest(t, "version: 1\ngroups:\n  - name: g\n")
			r := c.run("plan", "-f", path, "--detailed-exitcode")
			assert.Equal(t, exitError, r.code, r.err)
			assert.Contains(t, r.err, tc.want)
			assert.NotContains(t, r.err, "\x1b")
			assert.NotContains(t, r.err, "panic")
		})
	}
}

// Finding 10: plain http to a host other than this machine is warned about.
func TestPlainHTTPToARemoteHostWarns(t *testing.T) {
	t.Parallel()
	c := &cli{t: t, env: map[string]string{"AUTHENTIK_URL": "http://auth.invalid:1", "AUTHENTIK_TOKEN": "tok"}}
	path := writeManifest(t, "version: 1\ngroups:\n  - name: g\n")
	r := c.run("plan", "-f", path)
	assert.Contains(t, r.err, "Warning: AUTHENTIK_URL is plain http to a host other than this machine")
	local := newCLI(t) // the emulator, on 127.0.0.1
	r = local.run("plan", "-f", path)
	assert.NotContains(t, r.err, "plain http")
}

// Finding 7: a create that fails (authentik's 400, as when someone made
// the object by hand meanwhile) is not left marked "created" in the
// stack's record, so removing the entry later does not delete the
// hand-made object.
func TestFailedCreateIsNotOwned(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := writeManifest(t, "version: 1\nstack: s\ngroups:\n  - name: keep\n  - name: handmade\n")
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 400, Nth: 2, Times: 1})
	r := c.run("apply", "-f", path, "--auto-approve", "--parallelism", "1")
	require.Equal(t, exitError, r.code, r.out+r.err)
	c.emu.ClearFaults()

	created := func() map[string]bool {
		list, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-stack-s").Execute()
		require.NoError(t, err)
		require.Len(t, list.Results, 1)
		raw, _ := json.Marshal(list.Results[0].Context["objects"])
		var objs []struct {
			Key     string
			Created bool
		}
		require.NoError(t, json.Unmarshal(raw, &objs))
		out := map[string]bool{}
		for _, o := range objs {
			out[o.Key] = o.Created
		}
		return out
	}
	failed := "keep"
	if created()["keep"] {
		failed = "handmade"
	}
	assert.NotContains(t, created(), failed, "the failed create is not in the record")

	// Someone makes it by hand; the next apply adopts it (not "created"),
	// and removing it from the manifest releases it, never deletes it.
	_, _, err := c.api().CoreApi.CoreGroupsCreate(context.Background()).GroupRequest(*api.NewGroupRequest(failed)).Execute()
	require.NoError(t, err)
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.False(t, created()[failed], "adopted, not created")
	other := map[string]string{"keep": "handmade", "handmade": "keep"}[failed]
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nstack: s\ngroups:\n  - name: "+other+"\n"), 0o644))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	list, _, err := c.api().CoreApi.CoreGroupsList(context.Background()).Name(failed).Execute()
	require.NoError(t, err)
	assert.Len(t, list.Results, 1, "the hand-made group is still there")
}

// Finding 6: plan --out and export -o refuse a symbolic link the pull
// request committed (its target keeps its content and mode), and write
// their files with mode 0600.
func TestOutAndExportRefuseSymlinks(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("keep\n"), 0o600))
	link := filepath.Join(dir, "plan.json")
	require.NoError(t, os.Symlink(victim, link))
	r := c.run("plan", "-f", seedManifest, "--out", link)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "is a symbolic link, which provision never writes through")
	r = c.run("export", "--all", "-o", link)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "is a symbolic link, which provision never writes through")
	b, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "keep\n", string(b))
	info, err := os.Stat(victim)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	for _, args := range [][]string{
		{"plan", "-f", seedManifest, "--out", filepath.Join(dir, "saved.json")},
		{"export", "--all", "-o", filepath.Join(dir, "export.yaml")},
	} {
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, r.err)
		info, err := os.Stat(args[len(args)-1])
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), args)
	}
}

// Finding 11: a redirect URI regex with catastrophic backtracking (55 s at
// 28 characters before) stops at pyregex.MatchTimeout, and validate reports
// it at its line.
// serial: sets pyregex.MatchTimeout, a package global.
func TestHostileRegexIsTimeBounded(t *testing.T) {
	defer func(d time.Duration) { pyregex.MatchTimeout = d }(pyregex.MatchTimeout)
	pyregex.MatchTimeout = 50 * time.Millisecond
	c := newCLI(t)
	path := writeManifest(t, `version: 1
providers:
  - name: chat
    type: oauth2
    redirect_uris:
      - url: 'https://(a+)+\.example/oauth/openid/callback'
        matching_mode: regex
applications:
  - name: chat
    slug: chat
    provider: chat
    outputs:
      librechat: {url: "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
`)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "m.yaml:6:")
	assert.Contains(t, r.err, `redirect URI regex "https://(a+)+\\.example/oauth/openid/callback": matching`)
	assert.Contains(t, r.err, "catastrophic backtracking")
}

// Finding 3: client settings are part of the plan. A public_url pointing
// at an attacker (an issuer that would send LibreChat's client secret
// there) plans as an OPENID_ISSUER change in every format, counts for
// --detailed-exitcode, and makes a saved plan stale when it changes after
// review; an output with file "-" prints its secrets masked in apply.
func TestClientSettingsArePartOfThePlan(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := copyManifest(t, seedManifest)
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
	r := c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "applied: no changes, outputs included: %s", r.out)

	body, err := os.ReadFile(m)
	require.NoError(t, err)
	hostile := strings.Replace(string(body), "version: 1\n", "version: 1\nauthentik: {public_url: https://auth.attacker.example}\n", 1)
	require.NoError(t, os.WriteFile(m, []byte(hostile), 0o644))
	r = c.run("plan", "-f", m, "--detailed-exitcode")
	assert.Equal(t, exitChanges, r.code, r.out+r.err)
	assert.Contains(t, r.out, "librechat.env")
	assert.Contains(t, r.out, `~ OPENID_ISSUER = "http://127.0.0.1`)
	assert.Contains(t, r.out, `-> "https://auth.attacker.example/application/o/librechat/.well-known/openid-configuration"`)
	r = c.run("plan", "-f", m, "-o", "markdown")
	assert.Contains(t, r.out, "https://auth.attacker.example/application/o/librechat/")
	r = c.run("plan", "-f", m, "-o", "json")
	var jp struct {
		Outputs []struct {
			Destination string
			Settings    []struct{ Key, Action, Before, After string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &jp))
	require.Len(t, jp.Outputs, 1)
	assert.Contains(t, jp.Outputs[0].Destination, "librechat.env")
	var keys []string
	for _, s := range jp.Outputs[0].Settings {
		keys = append(keys, s.Key)
	}
	assert.Contains(t, keys, "OPENID_ISSUER")

	// Reviewed with one public URL, applied with another: stale.
	variable := strings.Replace(string(body), "version: 1\n", "version: 1\nauthentik: {public_url: \"${AUTH_PUBLIC_URL}\"}\n", 1)
	variable = strings.Replace(variable, "variables:", "variables:\n  AUTH_PUBLIC_URL: {}", 1)
	require.NoError(t, os.WriteFile(m, []byte(variable), 0o644))
	c.env["AUTH_PUBLIC_URL"] = "https://auth.example.com"
	saved := filepath.Join(t.TempDir(), "plan.json")
	require.Equal(t, exitOK, c.run("plan", "-f", m, "--out", saved).code)
	c.env["AUTH_PUBLIC_URL"] = "https://auth.attacker.example"
	r = c.run("apply", saved)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "the plan is stale: computed now, the client settings it writes differ")

	// file "-": apply prints the settings, the client secret masked.
	printed := strings.Replace(string(body), "file: librechat.env", "file: \"-\"", 1)
	require.NoError(t, os.WriteFile(m, []byte(printed), 0o644))
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "OPENID_CLIENT_SECRET=(sensitive)")
	assert.NotContains(t, r.out, *prov.ClientSecret)
	r = c.run("env", "-f", m, "--app", "librechat")
	assert.Contains(t, r.out, "OPENID_CLIENT_SECRET="+*prov.ClientSecret, "env's job is to print it")
}
