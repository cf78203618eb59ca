package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/outputs"
)

func homelabCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.env["AUTH_PUBLIC_URL"] = "https://auth.example.com"
	c.env["VAULTWARDEN_URL"] = "https://vault.example.com"
	c.env["MEALIE_URL"] = "https://recipes.example.com"
	c.env["IMMICH_URL"] = "https://photos.example.com"
	c.env["NEXTCLOUD_URL"] = "https://cloud.example.com"
	return c
}

// Issue 29's first "done when": manifests/homelab.yaml's four outputs are
// written, each with authentik's client id and secret and every authentik
// URL on the public URL; a second apply rewrites nothing; Immich's file
// keeps the keys it had; Nextcloud's script passes bash -n and names the
// client id.
func TestHomelabWritesFourFiles(t *testing.T) {
	t.Parallel()
	c := homelabCLI(t)
	const public = "https://auth.example.com"
	dir, path := writeOutputsManifest(t, string(readExample(t, "homelab.yaml")))
	immichBefore := `{"server": {"externalDomain": "https://photos.example.com"}, "oauth": {"timeout": 30000}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "immich.json"), []byte(immichBefore), 0o600))

	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	files := map[string]struct {
		format, provider, idKey, secretKey string
	}{
		"vaultwarden.env": {"dotenv", "Vaultwarden", "SSO_CLIENT_ID", "SSO_CLIENT_SECRET"},
		"mealie.env":      {"dotenv", "Mealie", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"},
		"immich.json":     {"json-config", "Immich", "oauth.clientId", "oauth.clientSecret"},
		"nextcloud.sh":    {"script", "Nextcloud", "CLIENT_ID", "CLIENT_SECRET"},
	}
	stat := map[string]os.FileInfo{}
	for file, want := range files {
		t.Run(file, func(t *testing.T) {
			p := filepath.Join(dir, file)
			info, err := os.Stat(p)
			require.NoError(t, err)
			stat[file] = info
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			f, err := outputs.FormatOf(want.format)
			require.NoError(t, err)
			settings, err := f.Parse(data)
			require.NoError(t, err)
			prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK(want.provider)).Execute()
			require.NoError(t, err)
			assert.Equal(t, *prov.ClientId, settings[want.idKey])
			assert.Equal(t, *prov.ClientSecret, settings[want.secretKey])
			authURLs := 0
			for k, v := range settings {
				assert.NotContains(t, v, c.url, "%s uses the API address", k)
				if strings.Contains(v, "/application/o/") {
					assert.True(t, strings.HasPrefix(v, public+"/application/o/"), "%s=%s", k, v)
					authURLs++
				}
			}
			assert.NotZero(t, authURLs)
		})
	}

	// Immich's config keeps what it had, and reads as JSON with typed values.
	var immich map[string]map[string]any
	data, err := os.ReadFile(filepath.Join(dir, "immich.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &immich))
	assert.Equal(t, "https://photos.example.com", immich["server"]["externalDomain"])
	assert.Equal(t, float64(30000), immich["oauth"]["timeout"])
	assert.Equal(t, true, immich["oauth"]["enabled"])
	assert.Equal(t, false, immich["oauth"]["autoLaunch"])

	// Nextcloud's script is valid bash and names the client id.
	script := filepath.Join(dir, "nextcloud.sh")
	out, err := exec.Command("bash", "-n", script).CombinedOutput()
	require.NoError(t, err, "bash -n: %s", out)
	prov, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK("Nextcloud")).Execute()
	require.NoError(t, err)
	data, err = os.ReadFile(script)
	require.NoError(t, err)
	assert.Contains(t, string(data), "CLIENT_ID='"+*prov.ClientId+"'\n")
	assert.Contains(t, string(data), `"${RUN[@]}" user_oidc:provider "$IDENTIFIER" "${args[@]}"`)

	// Redirect URIs derived from the outputs, every callback of each app.
	uris := func(name string) []string {
		p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(context.Background(), c.emu.ProviderPK(name)).Execute()
		require.NoError(t, err)
		var out []string
		for _, u := range p.RedirectUris {
			out = append(out, u.Url)
		}
		return out
	}
	assert.Equal(t, []string{"https://vault.example.com/identity/connect/oidc-signin"}, uris("Vaultwarden"))
	assert.Equal(t, []string{"https://recipes.example.com/login", "https://recipes.example.com/login?direct=1"}, uris("Mealie"))
	assert.Equal(t, []string{"https://photos.example.com/auth/login", "https://photos.example.com/user-settings", "app.immich:///oauth-callback"}, uris("Immich"))
	assert.Equal(t, []string{"https://cloud.example.com/apps/user_oidc/code"}, uris("Nextcloud"))

	// A second apply changes nothing and rewrites no file.
	r = c.run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	for file := range files {
		assert.Contains(t, r.out, file+": unchanged")
		info, err := os.Stat(filepath.Join(dir, file))
		require.NoError(t, err)
		assert.Equal(t, stat[file].ModTime(), info.ModTime(), "%s rewritten", file)
	}
}

// Issue 29's fourth "done when": Vaultwarden without a scope that sends
// email_verified True fails plan, naming the fix; nothing is written.
func TestHomelabVaultwardenNeedsEmailVerified(t *testing.T) {
	t.Parallel()
	c := homelabCLI(t)
	m := strings.Replace(string(readExample(t, "homelab.yaml")), "scopes: [openid, profile, email, offline_access, email_verified]", "scopes: [openid, profile, email, offline_access]", 1)
	dir, path := writeOutputsManifest(t, m)
	for _, cmd := range []string{"validate", "plan"} {
		r := c.run(cmd, "-f", path)
		require.Equal(t, exitError, r.code, r.out+r.err)
		assert.Contains(t, r.err, `m.yaml:44:5: provider "Vaultwarden": Vaultwarden refuses a login whose email_verified claim is False, and the scope mapping "authentik default OAuth Mapping: OpenID 'email'" sends False; declare a scope mapping that sends it`)
		assert.Contains(t, r.err, "add email_verified to the provider's scopes")
	}
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitError, r.code)
	_, err := os.Stat(filepath.Join(dir, "vaultwarden.env"))
	assert.True(t, os.IsNotExist(err), "nothing written")

	// Without offline_access, the other requirement.
	m = strings.Replace(string(readExample(t, "homelab.yaml")), "scopes: [openid, profile, email, offline_access, email_verified]", "scopes: [openid, profile, email, email_verified]", 1)
	_, path = writeOutputsManifest(t, m)
	r = c.run("plan", "-f", path)
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `provider "Vaultwarden": Vaultwarden needs the offline_access scope (without a refresh token the session ends with the access token; or set SSO_AUTH_ONLY_NOT_SESSION: "true" under env); add offline_access to the provider's scopes`)
}

// Issue 29's third "done when": check --app passes for each app with a
// probe, against its stand-in started from the file apply wrote; a stale
// stand-in fails.
func TestHomelabCheckAgainstStandIns(t *testing.T) {
	t.Parallel()
	c := homelabCLI(t)
	c.env["AUTH_PUBLIC_URL"] = c.url // the stand-ins read discovery from it
	dir, path := writeOutputsManifest(t, string(readExample(t, "homelab.yaml")))
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	cases := map[string]struct {
		file, format string
		want         []string
	}{
		"vaultwarden": {"vaultwarden.env", "dotenv", []string{"✓ Vaultwarden: login button shown", "✓ Vaultwarden: login redirects to authentik", "✓ Vaultwarden: client id sent", "✓ Vaultwarden: redirect URI sent", "✓ Vaultwarden: scope sent"}},
		"mealie":      {"mealie.env", "dotenv", []string{"✓ Mealie: login button shown", "✓ Mealie: client id sent", "✓ Mealie: redirect URI sent", "✓ Mealie: scope sent"}},
		"immich":      {"immich.json", "json-config", []string{"✓ Immich: login button shown", "Immich: login redirects to authentik"}},
	}
	for app, tc := range cases {
		t.Run(app, func(t *testing.T) {
			f, err := outputs.FormatOf(tc.format)
			require.NoError(t, err)
			s, ok, err := operation.StartStandIn(context.Background(), app, filepath.Join(dir, tc.file), f)
			require.NoError(t, err)
			require.True(t, ok)
			defer s.Stop()
			r := c.run("check", "-f", path, "--app", app, "--client-url", s.URL, "--require-client")
			assert.Equal(t, exitOK, r.code, r.out+r.err)
			for _, w := range tc.want {
				assert.Contains(t, r.out, w)
			}
			assert.NotContains(t, r.out, "✗")
		})
	}

	// A Vaultwarden still running with the settings from before apply.
	data, err := os.ReadFile(filepath.Join(dir, "vaultwarden.env"))
	require.NoError(t, err)
	stale := filepath.Join(dir, "stale.env")
	require.NoError(t, os.WriteFile(stale, []byte(strings.Replace(string(data), "SSO_CLIENT_ID=", "SSO_CLIENT_ID=old", 1)), 0o600))
	f, _ := outputs.FormatOf("dotenv")
	s, _, err := operation.StartStandIn(context.Background(), "vaultwarden", stale, f)
	require.NoError(t, err)
	defer s.Stop()
	r = c.run("check", "-f", path, "--app", "vaultwarden", "--client-url", s.URL)
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.out, "✗ Vaultwarden: client id sent")
	assert.Contains(t, r.out, "SSO_CLIENT_ID is stale")
}

const outlineManifest = `version: 1
scope_mappings:
  - name: email verified
    scope_name: email_verified
    expression: 'return {"email_verified": True}'
providers:
  - name: Outline
    type: oauth2
    scopes: [openid, profile, email, email_verified]
applications:
  - name: Outline
    slug: outline
    provider: Outline
    outputs:
      outline:
        url: https://docs.example.com
        file: outline.env
`

func TestOutlineCheckAgainstItsStandIn(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir, path := writeOutputsManifest(t, outlineManifest)
	r := c.run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	f, _ := outputs.FormatOf("dotenv")
	s, ok, err := operation.StartStandIn(context.Background(), "outline", filepath.Join(dir, "outline.env"), f)
	require.NoError(t, err)
	require.True(t, ok)
	defer s.Stop()
	r = c.run("check", "-f", path, "--app", "outline", "--client-url", s.URL, "--require-client")
	assert.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "✓ Outline: login redirects to authentik")
	assert.Contains(t, r.out, "✓ Outline: redirect URI sent")

	// Without the email_verified scope, plan names the fix.
	_, path = writeOutputsManifest(t, strings.Replace(outlineManifest, ", email_verified]", "]", 1))
	r = c.run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "Outline refuses a login whose email_verified claim is False")
}
