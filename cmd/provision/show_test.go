package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/manifests"
)

const showManifest = "../../manifests/directory-and-saml.yaml"

func withExampleURLs(c *cli) *cli {
	maps.Copy(c.env, manifests.ExampleEnv)
	return c
}

// show and env give a SAML service provider what it needs: authentik's
// metadata URL, the SSO URLs for both bindings and the issuer, as authentik
// itself reports them.
func TestShowAndEnvForASAMLApplication(t *testing.T) {
	t.Parallel()
	c := withExampleURLs(newCLI(t))
	require.Equal(t, exitOK, c.run("apply", "-f", showManifest, "--auto-approve").code)
	saml, _, err := c.api().ProvidersApi.ProvidersSamlRetrieve(t.Context(), c.emu.SAMLProviderPK("Wiki")).Execute()
	require.NoError(t, err)
	require.NotEqual(t, "-", saml.UrlSsoPost, "the provider has an application, so authentik gives it SSO URLs")

	c.emu.ResetLog()
	r := c.run("env", "-f", showManifest, "--app", "wiki")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 0, c.emu.Writes())
	want := []string{
		"SAML_ISSUER=" + saml.GetIssuer(),
		"SAML_METADATA_URL=" + saml.UrlDownloadMetadata,
		"SAML_SSO_URL_POST=" + saml.UrlSsoPost,
		"SAML_SSO_URL_REDIRECT=" + saml.UrlSsoRedirect,
	}
	for _, w := range want {
		assert.Contains(t, strings.Split(r.out, "\n"), w)
	}

	r = c.run("show", "-f", showManifest, "--app", "wiki")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, saml.UrlDownloadMetadata)
	assert.Regexp(t, `IdP entity ID \(issuer\)\s+https://auth\.example\.com\n`, r.out)

	r = c.run("show", "-f", showManifest, "--app", "wiki", "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	var doc struct {
		Settings []struct{ Key, Value string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &doc))
	got := map[string]string{}
	for _, s := range doc.Settings {
		got[s.Key] = s.Value
	}
	assert.Equal(t, saml.UrlSsoRedirect, got["SAML_SSO_URL_REDIRECT"])
}

// show never prints an OAuth2 client secret; env does (it is the config).
func TestShowMasksTheClientSecret(t *testing.T) {
	t.Parallel()
	c := withExampleURLs(newCLI(t))
	require.Equal(t, exitOK, c.run("apply", "-f", showManifest, "--auto-approve").code)
	p, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(t.Context(), c.emu.ProviderPK("Dashboards")).Execute()
	require.NoError(t, err)
	secret := p.GetClientSecret()
	require.NotEmpty(t, secret)

	r := c.run("show", "-f", showManifest, "--app", "dashboards")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, secret)
	assert.Contains(t, r.out, p.GetClientId())
	assert.Contains(t, r.out, "openid profile email roles", "the custom roles scope is listed")

	r = c.run("env", "-f", showManifest, "--app", "dashboards")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "OIDC_CLIENT_SECRET="+secret+"\n")
}

func TestShowLDAPNamesItsOutpost(t *testing.T) {
	t.Parallel()
	c := withExampleURLs(newCLI(t))
	require.Equal(t, exitOK, c.run("apply", "-f", showManifest, "--auto-approve").code)
	r := c.run("show", "-f", showManifest, "--app", "directory")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Regexp(t, `base DN\s+DC=ldap,DC=example,DC=com\n`, r.out)
	assert.Regexp(t, `served by outposts .*\s+LDAP\n`, r.out)
}

func TestShowRefusals(t *testing.T) {
	t.Parallel()
	c := withExampleURLs(newCLI(t))
	r := c.run("show", "-f", showManifest, "--app", "wikki")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: the manifest has no application with slug \"wikki\"; did you mean \"wiki\"?\n", r.err)

	r = c.run("show", "-f", showManifest, "--app", "wiki")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: application \"wiki\" does not exist in authentik yet; run apply first\n", r.err)

	r = c.run("env", "-f", showManifest, "--app", "wiki", "--out", filepath.Join(t.TempDir(), "x.env"))
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "has no outputs; --out writes an output's file only")
}

// --dir names a directory to keep the demo's files in; like any output
// directory, it is created when it does not exist yet.
func TestDemoCreatesItsDir(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := filepath.Join(t.TempDir(), "demo-out")
	r := c.run("demo", "--dir", dir, "--manifest", showManifest)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	_, err := os.Stat(filepath.Join(dir, "directory-and-saml.yaml"))
	assert.NoError(t, err)
}

func TestDemoRunsAnyManifest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	r := c.run("demo", "--dir", dir, "--manifest", showManifest)
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "Plan: 14 to add, 0 to change, 0 to destroy.")
	assert.Contains(t, r.out, "No changes. authentik matches the manifest.")
	assert.Contains(t, r.out, "What wiki's client needs")
	assert.Contains(t, r.out, "/application/saml/wiki/metadata/")
	_, err := os.Stat(filepath.Join(dir, "directory-and-saml.yaml"))
	assert.NoError(t, err, "the demo runs a copy of the manifest")
}
