package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/check"
	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/manifests"
)

// writeManifest writes content as m.yaml in a new directory.
func writeOutputsManifest(t *testing.T, content string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return dir, path
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	env, err := dotenv.Parse(data)
	require.NoError(t, err)
	return env
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The first "done when": one manifest, three applications, three
// files with exactly each application's variables, credentials equal to
// authentik's, and every authentik URL on the public address.
func TestThreeAppsWriteThreeFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const public = "https://auth.example.com"
	c.env["AUTH_PUBLIC_URL"] = public
	c.env["OPENWEBUI_URL"] = "https://webui.example.com"
	c.env["GRAFANA_URL"] = "https://grafana.example.com"
	dir, path := writeOutputsManifest(t, string(readExample(t, "three-apps.yaml")))

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "derived redirect URIs converge: %s%s", r.out, r.err)

	want := map[string][]string{
		"librechat.env":  {"ALLOW_SOCIAL_LOGIN", "DOMAIN_CLIENT", "DOMAIN_SERVER", "OPENID_BUTTON_LABEL", "OPENID_CALLBACK_URL", "OPENID_CLIENT_ID", "OPENID_CLIENT_SECRET", "OPENID_IMAGE_URL", "OPENID_ISSUER", "OPENID_SCOPE", "OPENID_SESSION_SECRET"},
		"open-webui.env": {"DEFAULT_USER_ROLE", "ENABLE_LOGIN_FORM", "ENABLE_OAUTH_SIGNUP", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_PROVIDER_NAME", "OAUTH_SCOPES", "OPENID_PROVIDER_URL", "OPENID_REDIRECT_URI", "WEBUI_URL"},
		"grafana.env":    {"GF_AUTH_GENERIC_OAUTH_API_URL", "GF_AUTH_GENERIC_OAUTH_AUTH_URL", "GF_AUTH_GENERIC_OAUTH_CLIENT_ID", "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "GF_AUTH_GENERIC_OAUTH_ENABLED", "GF_AUTH_GENERIC_OAUTH_LOGIN_ATTRIBUTE_PATH", "GF_AUTH_GENERIC_OAUTH_NAME", "GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH", "GF_AUTH_GENERIC_OAUTH_SCOPES", "GF_AUTH_GENERIC_OAUTH_SIGNOUT_REDIRECT_URL", "GF_AUTH_GENERIC_OAUTH_TOKEN_URL", "GF_AUTH_GENERIC_OAUTH_USE_PKCE", "GF_AUTH_GENERIC_OAUTH_USE_REFRESH_TOKEN", "GF_SERVER_ROOT_URL"},
	}
	creds := map[string][2]string{
		"librechat.env":  {"OPENID_CLIENT_ID", "OPENID_CLIENT_SECRET"},
		"open-webui.env": {"OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"},
		"grafana.env":    {"GF_AUTH_GENERIC_OAUTH_CLIENT_ID", "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"},
	}
	provider := map[string]string{"librechat.env": "LibreChat", "open-webui.env": "Open WebUI", "grafana.env": "Grafana"}
	callback := map[string]string{"librechat.env": "https://chat.example.com/oauth/openid/callback", "open-webui.env": "https://webui.example.com/oauth/oidc/callback", "grafana.env": "https://grafana.example.com/login/generic_oauth"}
	for file, names := range want {
		t.Run(file, func(t *testing.T) {
			info, err := os.Stat(filepath.Join(dir, file))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
			env := readEnv(t, filepath.Join(dir, file))
			assert.Equal(t, names, keys(env), "exactly the application's variables")
			prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK(provider[file])).Execute()
			require.NoError(t, err)
			assert.Equal(t, *prov.ClientId, env[creds[file][0]])
			assert.Equal(t, *prov.ClientSecret, env[creds[file][1]])
			var uris []string
			for _, u := range prov.RedirectUris {
				uris = append(uris, u.Url)
			}
			assert.Equal(t, []string{callback[file]}, uris, "redirect URI derived from the output")
			authURLs := 0
			for k, v := range env {
				assert.NotContains(t, v, c.url, "%s uses the API address", k)
				if strings.Contains(v, "/application/o/") {
					assert.True(t, strings.HasPrefix(v, public+"/application/o/"), "%s=%s", k, v)
					authURLs++
				}
			}
			assert.NotZero(t, authURLs)
		})
	}
	env := readEnv(t, filepath.Join(dir, "grafana.env"))
	assert.Equal(t, "contains(groups[*], 'Grafana Admins') && 'Admin' || contains(groups[*], 'Grafana Editors') && 'Editor' || 'Viewer'", env["GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH"])
	assert.Equal(t, "https://webui.example.com/oauth/oidc/callback", readEnv(t, filepath.Join(dir, "open-webui.env"))["OPENID_REDIRECT_URI"])

	// env prints one output, or all of them.
	r = c.run("env", "-f", path, "--app", "grafana", "--output", "grafana")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "GF_AUTH_GENERIC_OAUTH_AUTH_URL="+public+"/application/o/authorize/\n")
	r = c.run("env", "-f", path, "--app", "grafana", "--output", "grafna")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `did you mean "grafana"?`)
}

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "manifests", name))
	require.NoError(t, err)
	return b
}

const hashSecretManifest = `version: 1
providers:
  - name: chat
    type: oauth2
    client_secret: "abc#def"
applications:
  - name: Chat
    slug: chat
    provider: chat
    outputs:
      librechat:
        url: https://chat.example.com
        file: chat.env
`

// The second "done when": a secret dotenv cannot hold fails
// validate with its line, and apply writes nothing to authentik.
func TestSecretADotenvCannotHoldIsRefusedBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir, path := writeOutputsManifest(t, hashSecretManifest)
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, path+":5:5: provider \"chat\": the value of OPENID_CLIENT_SECRET cannot be written to a .env file unquoted: it contains '#'")
	assert.Contains(t, r.err, "remove client_secret so that authentik generates one")
	assert.NotContains(t, r.err, "abc#def", "secrets stay out of errors")

	r = c.run("apply", "-f", path, "--auto-approve")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, 0, c.emu.Writes())
	_, err := os.Stat(filepath.Join(dir, "chat.env"))
	assert.True(t, os.IsNotExist(err))

	// The same secret is fine in a JSON output.
	_, path = writeOutputsManifest(t, strings.Replace(hashSecretManifest, "file: chat.env", "file: chat.json\n        format: json", 1))
	r = c.run("validate", "-f", path)
	assert.Equal(t, exitOK, r.code, r.err)
}

// Output files stay inside the manifest's directory: a symlink to a file
// elsewhere, or a ../ path, fails validate with its line and apply writes
// nothing to authentik.
func TestOutputPathEscapesAreRefusedBeforeAnyWrite(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim.env")
	require.NoError(t, os.WriteFile(victim, []byte("KEEP=1\n"), 0o600))
	noSecret := strings.Replace(hashSecretManifest, "    client_secret: \"abc#def\"\n", "", 1)
	for name, file := range map[string]string{"Symlink": "link.env", "DotDot": "../x.env", "Absolute": victim} {
		t.Run(name, func(t *testing.T) {
			dir, path := writeOutputsManifest(t, strings.Replace(noSecret, "file: chat.env", "file: "+file, 1))
			require.NoError(t, os.Symlink(victim, filepath.Join(dir, "link.env")))
			r := c.run("validate", "-f", path)
			assert.Equal(t, exitError, r.code)
			assert.Contains(t, r.err, path+":12:9: application \"chat\", output librechat: file ")
			r = c.run("apply", "-f", path, "--auto-approve")
			assert.Equal(t, exitError, r.code)
			assert.Equal(t, 0, c.emu.Writes())
			b, _ := os.ReadFile(victim)
			assert.Equal(t, "KEEP=1\n", string(b))
		})
	}
	// --output-dir allows an absolute path inside it.
	_, path := writeOutputsManifest(t, strings.Replace(noSecret, "file: chat.env", "file: "+filepath.Join(outside, "new.env"), 1))
	r := c.run("validate", "-f", path, "--output-dir", outside)
	assert.Equal(t, exitOK, r.code, r.err)
}

const sharedFileManifest = `version: 1
providers:
  - name: a
    type: oauth2
  - name: b
    type: oauth2
applications:
  - name: A
    slug: a
    provider: a
    outputs:
      librechat:
        url: https://a.example.com
        file: shared.env
  - name: B
    slug: b
    provider: b
    outputs:
      OTHER:
        url: https://b.example.com
        file: shared.env
`

func TestSharedFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// Two LibreChat outputs in one file: the same keys.
	_, path := writeOutputsManifest(t, strings.Replace(sharedFileManifest, "OTHER:", "librechat:", 1))
	r := c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, ":21:9: application \"b\", output librechat: 11 keys (ALLOW_SOCIAL_LOGIN, ")
	assert.Contains(t, r.err, ") in shared.env are also written by application \"a\" output librechat")
	assert.Equal(t, 1, strings.Count(r.err, "also written by"), "one problem per clash, not one per key:\n%s", r.err)

	// Open WebUI and Grafana share a file: no key in common.
	dir, path := writeOutputsManifest(t, strings.NewReplacer("OTHER:", "grafana:", "librechat:", "open-webui:").Replace(sharedFileManifest))
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	env := readEnv(t, filepath.Join(dir, "shared.env"))
	assert.Contains(t, env, "OAUTH_CLIENT_ID")
	assert.Contains(t, env, "GF_AUTH_GENERIC_OAUTH_CLIENT_ID")
}

const staleManifest = `version: 1
providers:
  - name: chat
    type: oauth2
applications:
  - name: Chat
    slug: chat
    provider: chat
    outputs:
      librechat:
        url: https://chat.example.com
        file: chat.env
        env:
          OPENID_AUTO_REDIRECT: "true"
`

// A setting removed from the manifest leaves the file; the user's lines
// stay byte for byte.
func TestRemovedSettingLeavesTheFile(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir, path := writeOutputsManifest(t, staleManifest)
	envPath := filepath.Join(dir, "chat.env")
	userLines := "# mine\nMY_SETTING=1\nOPENID_AUTO_REDIRECT=false\n\n"
	require.NoError(t, os.WriteFile(envPath, []byte(userLines), 0o600))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	assert.Equal(t, "true", readEnv(t, envPath)["OPENID_AUTO_REDIRECT"])

	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(staleManifest, "        env:\n          OPENID_AUTO_REDIRECT: \"true\"\n", "        env:\n          OPENID_USE_PKCE: \"false\"\n", 1)), 0o644))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	data, err := os.ReadFile(envPath)
	require.NoError(t, err)
	// OPENID_AUTO_REDIRECT stood above the marker (the user's line that
	// provision updated in place): it stays. Below, OPENID_USE_PKCE came.
	assert.True(t, strings.HasPrefix(string(data), "# mine\nMY_SETTING=1\nOPENID_AUTO_REDIRECT=true\n\n"), string(data))
	assert.Contains(t, string(data), "OPENID_USE_PKCE=false\n")

	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(staleManifest, "        env:\n          OPENID_AUTO_REDIRECT: \"true\"\n", "", 1)), 0o644))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	data, _ = os.ReadFile(envPath)
	assert.NotContains(t, string(data), "OPENID_USE_PKCE", "a line provision wrote and no longer produces is removed")
	assert.True(t, strings.HasPrefix(string(data), "# mine\nMY_SETTING=1\nOPENID_AUTO_REDIRECT=true\n\n"), "the user's lines stay")
}

// secretShape is a v1 Secret as the Kubernetes API documents it
// (core/v1 Secret: apiVersion, kind, metadata, type, data, stringData,
// immutable); decoding with KnownFields refuses anything else, as
// kubectl's client-side schema check would.
type secretShape struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Type       string            `yaml:"type"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Immutable  *bool             `yaml:"immutable"`
}

func TestKubernetesSecretAndJSONFormats(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := strings.Replace(hashSecretManifest, "    client_secret: \"abc#def\"\n", "", 1)
	m = strings.Replace(m, "        file: chat.env\n", "        file: chat-secret.yaml\n        format: kubernetes-secret\n        secret_name: chat-oidc\n        namespace: apps\n      k8s-json:\n        preset: oidc\n        format: json\n        file: chat.json\n        vars:\n          ISSUER: issuer\n          SECRET: client_secret\n        env:\n          LITERAL: \"a#b $c\"\n", 1)
	dir, path := writeOutputsManifest(t, m)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)

	data, err := os.ReadFile(filepath.Join(dir, "chat-secret.yaml"))
	require.NoError(t, err)
	var s secretShape
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&s), string(data))
	assert.Equal(t, "v1", s.APIVersion)
	assert.Equal(t, "Secret", s.Kind)
	assert.Equal(t, "chat-oidc", s.Metadata.Name)
	assert.Equal(t, "apps", s.Metadata.Namespace)
	assert.Equal(t, "Opaque", s.Type)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("chat")).Execute()
	require.NoError(t, err)
	assert.Equal(t, *prov.ClientSecret, s.StringData["OPENID_CLIENT_SECRET"])
	for k := range s.StringData {
		assert.Regexp(t, `^[-._a-zA-Z0-9]+$`, k)
	}

	var j map[string]string
	data, err = os.ReadFile(filepath.Join(dir, "chat.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &j))
	assert.Equal(t, map[string]string{"ISSUER": c.url + "/application/o/chat/", "SECRET": *prov.ClientSecret, "LITERAL": "a#b $c"}, j)

	// A target that is not of the format is refused, not merged into.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chat.json"), []byte("A=1\n"), 0o600))
	r = c.run("validate", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "chat.json exists but cannot be read as json")
}

func TestSubModeChangeWarns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path, _ := seedInDir(t)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), "sub_mode: user_email", "sub_mode: user_username", 1)), 0o644))

	r := c.run("plan", "-f", path, "--detailed-exitcode")
	assert.Equal(t, exitChanges, r.code, "the warning does not change the exit code")
	assert.Contains(t, r.out, "# warning: sub_mode changes from user_email to user_username")
	assert.Contains(t, r.out, "will see existing users as new users")

	r = c.run("plan", "-f", path, "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var p struct {
		Changes []struct {
			Key      string   `json:"key"`
			Warnings []string `json:"warnings"`
		} `json:"changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &p))
	require.Len(t, p.Changes, 1)
	require.Len(t, p.Changes[0].Warnings, 1)
	assert.Contains(t, p.Changes[0].Warnings[0], "existing users as new users")
}

var _ = manifests.ExampleEnv

// check runs each preset's checklist; it says when the API answers but
// authentik's public URL does not.
func TestCheckPerPreset(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["OPENWEBUI_URL"] = "https://webui.example.com"
	c.env["GRAFANA_URL"] = "https://grafana.example.com"
	c.env["AUTH_PUBLIC_URL"] = c.url
	_, path := writeOutputsManifest(t, string(readExample(t, "three-apps.yaml")))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	for _, app := range []string{"librechat", "open-webui", "grafana"} {
		r := c.run("check", "-f", path, "--app", app)
		assert.Equal(t, exitOK, r.code, "%s: %s%s", app, r.out, r.err)
	}
	r := c.run("check", "-f", path, "--app", "grafana")
	assert.Contains(t, r.out, "redirect URI allows Grafana's callback")
	assert.Contains(t, r.out, "settings match authentik")

	c.env["AUTH_PUBLIC_URL"] = "http://127.0.0.1:1"
	r = c.run("check", "-f", path, "--app", "open-webui")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.out, "provision reaches authentik's API at "+c.url+", but not its public URL")
	assert.Contains(t, r.out, "settings do not match authentik: OPENID_PROVIDER_URL;", "the discovery URL written before no longer matches the public URL")
}

// file "-" writes to standard output; env prints every output of the
// application, each under a header, or only the one --output names.
func TestStdoutAndSeveralOutputs(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := strings.Replace(hashSecretManifest, "    client_secret: \"abc#def\"\n", "", 1)
	m = strings.Replace(m, "        file: chat.env\n", "        file: \"-\"\n      ids:\n        preset: oidc\n        format: json\n        vars:\n          ID: client_id\n", 1)
	_, path := writeOutputsManifest(t, m)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "# provision: managed below\nALLOW_SOCIAL_LOGIN=true\n")
	assert.Contains(t, r.out, "OPENID_ISSUER="+c.url+"/application/o/chat/.well-known/openid-configuration\n")

	r = c.run("env", "-f", path, "--app", "chat")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "# output ids (oidc, json)\n{\n  \"ID\": \"")
	assert.Contains(t, r.out, "# output librechat (librechat, dotenv)\nALLOW_SOCIAL_LOGIN=true\n")
	r = c.run("env", "-f", path, "--app", "chat", "--output", "ids")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, strings.HasPrefix(r.out, "{\n  \"ID\": \""), r.out)
	r = c.run("env", "-f", path, "--app", "chat", "--out", filepath.Join(t.TempDir(), "x"))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "choose the one --out writes with --output NAME")
}

// check reports, for each preset, only the items check.ItemNames lists for
// it (the names are constants: scripts match on them).
func TestCheckItemsAreThePresetsOwn(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["OPENWEBUI_URL"] = "https://webui.example.com"
	c.env["GRAFANA_URL"] = "https://grafana.example.com"
	c.env["AUTH_PUBLIC_URL"] = c.url
	_, path := writeOutputsManifest(t, string(readExample(t, "three-apps.yaml")))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	for _, app := range []string{"librechat", "open-webui", "grafana"} {
		r := c.run("check", "-f", path, "--app", app, "-o", "json")
		var doc struct {
			Items []struct {
				Side string `json:"side"`
				Name string `json:"name"`
			} `json:"items"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.out), &doc), r.out)
		p, ok := outputs.Lookup(app)
		require.True(t, ok)
		n := 0
		for _, it := range doc.Items {
			if it.Side == "authentik" {
				assert.Contains(t, check.ItemNames(p), it.Name, app)
				n++
			}
		}
		assert.NotZero(t, n, app)
	}
}

// --env FILE replaces the file of each output written as dotenv, whatever
// its preset (it was read for librechat outputs only, and silently ignored
// for the others); an application with no such output refuses it.
func TestCheckEnvFlagReplacesEachDotenvFile(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["OPENWEBUI_URL"] = "https://webui.example.com"
	c.env["GRAFANA_URL"] = "https://grafana.example.com"
	c.env["AUTH_PUBLIC_URL"] = c.url
	dir, path := writeOutputsManifest(t, string(readExample(t, "three-apps.yaml")))
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	r := c.run("check", "-f", path, "--app", "open-webui", "--client-url", closedAddr(t))
	require.Equal(t, exitOK, r.code, r.out+r.err)

	data, err := os.ReadFile(filepath.Join(dir, "open-webui.env"))
	require.NoError(t, err)
	other := filepath.Join(dir, "other.env")
	require.NoError(t, os.WriteFile(other, regexp.MustCompile(`(?m)^OAUTH_CLIENT_ID=.*$`).ReplaceAll(data, []byte("OAUTH_CLIENT_ID=stale")), 0o600))
	r = c.run("check", "-f", path, "--app", "open-webui", "--env", other, "--client-url", closedAddr(t))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.out, "(settings from "+other+")")
	assert.Contains(t, r.out, "settings do not match authentik: OAUTH_CLIENT_ID;")

	m := strings.Replace(hashSecretManifest, "    client_secret: \"abc#def\"\n", "", 1)
	m = strings.Replace(m, "      librechat:\n        url: https://chat.example.com\n        file: chat.env\n", "      ids:\n        preset: oidc\n        format: json\n        file: ids.json\n        vars:\n          ID: client_id\n", 1)
	_, path = writeOutputsManifest(t, m)
	require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
	r = c.run("check", "-f", path, "--app", "chat", "--env", other)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `--env replaces the file of an output written as a .env file (format: dotenv), and application "chat" has no such output to check`)
}
