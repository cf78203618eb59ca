package outputs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONConfigMergesKeepingEveryOtherKey(t *testing.T) {
	f := jsonConfigFormat{}
	existing := []byte(`{"server": {"externalDomain": "https://p.example.com"}, "oauth": {"timeout": 30000, "enabled": false}, "ffmpeg": {"crf": 23, "accepted": ["h264", "hevc"]}, "html": "<b>&</b>"}`)
	vars := []Var{
		{Key: "oauth.enabled", Value: "true", Literal: true},
		{Key: "oauth.clientId", Value: "id"},
		{Key: "oauth.defaultStorageQuota", Value: "null", Literal: true},
		{Key: "passwordLogin.enabled", Value: "false", Literal: true},
	}
	out, changed, err := f.Render(existing, vars, Meta{})
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, `{
  "server": {
    "externalDomain": "https://p.example.com"
  },
  "oauth": {
    "timeout": 30000,
    "enabled": true,
    "clientId": "id",
    "defaultStorageQuota": null
  },
  "ffmpeg": {
    "crf": 23,
    "accepted": [
      "h264",
      "hevc"
    ]
  },
  "html": "<b>&</b>",
  "passwordLogin": {
    "enabled": false
  }
}
`, string(out))
	again, changed, err := f.Render(out, vars, Meta{})
	require.NoError(t, err)
	assert.False(t, changed, "a second render rewrites nothing")
	assert.Equal(t, out, again)

	got, err := f.Parse(out)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"server.externalDomain": "https://p.example.com", "oauth.timeout": "30000", "oauth.enabled": "true",
		"oauth.clientId": "id", "oauth.defaultStorageQuota": "null", "ffmpeg.crf": "23", "html": "<b>&</b>",
		"passwordLogin.enabled": "false",
	}, got)
}

func TestJSONConfigRefuses(t *testing.T) {
	f := jsonConfigFormat{}
	for name, tc := range map[string]struct{ existing, want string }{
		"not JSON":          {`oauth: {}`, "it is not valid JSON"},
		"not an object":     {`[1]`, "it is not a JSON object"},
		"two values":        {`{} {}`, "more than one JSON value"},
		"a scalar on a way": {`{"oauth": "off"}`, "oauth is not a JSON object in the file, so oauth.clientId cannot be set"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.Render([]byte(tc.existing), []Var{{Key: "oauth.clientId", Value: "x"}}, Meta{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Error(t, f.CheckValue("oauth..x", "v"))
}

// hostile values: everything bash could expand or split on.
var hostileValues = []string{
	`it's`, `"double"`, `$(touch pwned)`, "`touch pwned`", `${HOME}`, "two\nlines", `back\slash`, `*`, `-x`, ` spaced `, `'`, `''\''`, "tab\there", "",
}

func TestScriptQuotesHostileValuesAndRunsTheCommandWithThem(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	p, _ := Lookup("nextcloud")
	dir := t.TempDir()
	for i, hostile := range hostileValues {
		vars := []Var{
			{Key: "IDENTIFIER", Value: "authentik"},
			{Key: "CLIENT_ID", Value: hostile},
			{Key: "CLIENT_SECRET", Value: hostile + "secret", Secret: true},
			{Key: "DISCOVERY_URI", Value: "https://a.example.com/application/o/nc/.well-known/openid-configuration"},
			{Key: "END_SESSION_URI", Value: "https://a.example.com/application/o/nc/end-session/"},
			{Key: "SCOPE", Value: "openid profile email"},
			{Key: "MAPPING_GROUPS", Value: hostile},
		}
		out, changed, err := scriptFormat{}.Render(nil, vars, Meta{Scripter: p.(Scripter)})
		require.NoError(t, err)
		assert.True(t, changed)
		script := filepath.Join(dir, "nc.sh")
		require.NoError(t, os.WriteFile(script, out, 0o600))
		syntax, err := exec.Command("bash", "-n", script).CombinedOutput()
		require.NoError(t, err, "bash -n: %s", syntax)

		// The values read back are the ones written.
		got, err := scriptFormat{}.Parse(out)
		require.NoError(t, err)
		for _, v := range vars {
			assert.Equal(t, v.Value, got[v.Key], "value %d of %s", i, v.Key)
		}
		// Run with a stand-in occ that prints its arguments, one per NUL.
		stub := filepath.Join(dir, "occ")
		require.NoError(t, os.WriteFile(stub, []byte("#!/usr/bin/env bash\nprintf '%s\\0' \"$@\"\n"), 0o700))
		cmd := exec.Command("bash", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "OCC="+stub)
		res, err := cmd.Output()
		require.NoError(t, err)
		args := strings.Split(strings.TrimSuffix(string(res), "\x00"), "\x00")
		assert.Equal(t, []string{
			"user_oidc:provider", "authentik",
			"--clientid=" + hostile, "--clientsecret=" + hostile + "secret",
			"--discoveryuri=https://a.example.com/application/o/nc/.well-known/openid-configuration",
			"--endsessionendpointuri=https://a.example.com/application/o/nc/end-session/",
			"--scope=openid profile email", "--mapping-groups=" + hostile,
		}, args, "value %d", i)
		_, err = os.Stat(filepath.Join(dir, "pwned"))
		assert.True(t, os.IsNotExist(err), "value %d ran a command", i)

		again, changed, err := scriptFormat{}.Render(out, vars, Meta{Scripter: p.(Scripter)})
		require.NoError(t, err)
		assert.False(t, changed)
		assert.Equal(t, out, again)
	}
}

func TestScriptRefuses(t *testing.T) {
	f := scriptFormat{}
	_, _, err := f.Render([]byte("#!/bin/sh\necho mine\n"), nil, Meta{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "it is not a script provision wrote; provision does not overwrite it")
	assert.Error(t, f.CheckValue("client-id", "x"), "not a shell name")
	assert.Error(t, f.CheckValue("X", "nul\x00"))
	assert.NoError(t, f.CheckValue("CLIENT_ID", "any'thing\n"))
}

// The gitea script updates the source of its name when gitea admin auth
// list shows one, and adds it otherwise.
func TestGiteaScriptUpdatesOrAdds(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	p, _ := Lookup("gitea")
	vars := []Var{
		{Key: "NAME", Value: "authentik"},
		{Key: "CLIENT_ID", Value: "id'$(x)"},
		{Key: "CLIENT_SECRET", Value: "s", Secret: true},
		{Key: "DISCOVERY_URL", Value: "https://a.example.com/application/o/git/.well-known/openid-configuration"},
		{Key: "SCOPES", Value: "profile email"},
		{Key: "ADMIN_GROUP", Value: "Git Admins"},
		{Key: "GROUP_CLAIM_NAME", Value: "groups"},
		{Key: "FULL_NAME_CLAIM_NAME", Value: "name"}, // a flag of Gitea v1.27.3
	}
	out, _, err := scriptFormat{}.Render(nil, vars, Meta{Scripter: p.(Scripter)})
	require.NoError(t, err)
	dir := t.TempDir()
	script := filepath.Join(dir, "gitea.sh")
	require.NoError(t, os.WriteFile(script, out, 0o600))
	syntax, err := exec.Command("bash", "-n", script).CombinedOutput()
	require.NoError(t, err, "bash -n: %s", syntax)
	args := []string{"--name=authentik", "--provider=openidConnect", "--key=id'$(x)", "--secret=s",
		"--auto-discover-url=https://a.example.com/application/o/git/.well-known/openid-configuration",
		"--scopes=profile", "--scopes=email", "--admin-group=Git Admins", "--group-claim-name=groups", "--full-name-claim-name=name"}
	for name, tc := range map[string]struct {
		list string
		want []string
	}{
		"absent":  {"ID\tName\tType\tEnabled\n1\tGitHub\t\tOAuth2\ttrue\n", append([]string{"admin", "auth", "add-oauth"}, args...)},
		"present": {"ID\tName\t\tType\tEnabled\n1\tGitHub\t\tOAuth2\ttrue\n7\tauthentik\tOAuth2\ttrue\n", append([]string{"admin", "auth", "update-oauth", "--id=7"}, args...)},
	} {
		t.Run(name, func(t *testing.T) {
			list := filepath.Join(dir, name+".txt")
			require.NoError(t, os.WriteFile(list, []byte(tc.list), 0o600))
			stub := filepath.Join(dir, "gitea-"+name)
			require.NoError(t, os.WriteFile(stub, []byte("#!/usr/bin/env bash\nif [ \"$3\" = list ]; then cat "+list+"; exit; fi\nprintf '%s\\0' \"$@\"\n"), 0o700))
			cmd := exec.Command("bash", script)
			cmd.Env = append(os.Environ(), "GITEA="+stub)
			res, err := cmd.Output()
			require.NoError(t, err)
			assert.Equal(t, tc.want, strings.Split(strings.TrimSuffix(string(res), "\x00"), "\x00"))
		})
	}
}
