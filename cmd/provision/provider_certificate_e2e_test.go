package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireProviderCertificates are the certificate fields of the proxy and LDAP
// providers as authentik's lists answer them, by provider name ("" null).
func wireProviderCertificates(t *testing.T, c *cli) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	proxies, _, err := c.api().ProvidersApi.ProvidersProxyList(ctx).Execute()
	require.NoError(t, err)
	for _, p := range proxies.Results {
		out[p.Name] = p.GetCertificate()
	}
	ldaps, _, err := c.api().ProvidersApi.ProvidersLdapList(ctx).Execute()
	require.NoError(t, err)
	for _, p := range ldaps.Results {
		out[p.Name] = p.GetCertificate()
	}
	return out
}

// Issue 23: a proxy and an LDAP provider serve TLS with a certificate the
// manifest names: it is created first, set on both, and a second plan is
// empty. Deleting the certificate says which providers use it, whether the
// manifest declares it absent or another stack's plan prunes it.
func TestProxyAndLDAPProvidersServeTLSWithACertificate(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := filepath.Dir(corpBrand(t))
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	certs := write("certs.yaml", "version: 1\nstack: certs\ncertificates:\n  - {name: corp-tls, certificate_file: corp.pem, key_file: corp.key}\n")
	apps := write("apps.yaml", "version: 1\nstack: apps\nproviders:\n"+
		"  - {name: web, type: proxy, external_host: https://web.example.com, mode: forward_single, certificate: corp-tls}\n"+
		"  - {name: directory, type: ldap, base_dn: 'DC=corp,DC=example', certificate: corp-tls}\n")
	for _, m := range []string{certs, apps} {
		r := c.run("apply", "-f", m, "--auto-approve")
		require.Equal(t, exitOK, r.code, r.out+r.err)
		assert.Contains(t, r.out, "corp-tls", "the plan names the certificate")
		r = c.run("plan", "-f", m, "--detailed-exitcode")
		require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	}
	pk := wireCert(t, c, "corp-tls")["pk"].(string)
	assert.Equal(t, map[string]string{"web": pk, "directory": pk}, wireProviderCertificates(t, c))

	// Export names the certificate, and its plan is empty.
	r := c.run("export", "--all")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, 2, strings.Count(r.out, "certificate: corp-tls"), r.out)

	// Declared absent, in a manifest that declares no provider.
	before := c.emu.Writes()
	gone := write("gone.yaml", "version: 1\ncertificates:\n  - {name: corp-tls, state: absent}\n")
	r = c.run("plan", "-f", gone)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `used by provider "web" as certificate: authentik sets it to null`)
	assert.Contains(t, r.out, `used by provider "directory" as certificate: authentik sets it to null`)

	// Pruned: the certs stack drops it; its plan reads the providers the
	// other stack made in a second round.
	dropped := write("certs.yaml", "version: 1\nstack: certs\n")
	r = c.run("plan", "-f", dropped)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `used by provider "web" as certificate: authentik sets it to null`)
	assert.Contains(t, r.out, `used by provider "directory" as certificate: authentik sets it to null`)
	assert.Equal(t, before, c.emu.Writes(), "plans write nothing")

	// Applied: authentik sets both to null; the apps stack's next plan sets
	// them again once the certificate is back.
	r = c.run("apply", "-f", dropped, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, map[string]string{"web": "", "directory": ""}, wireProviderCertificates(t, c))
	r = c.run("plan", "-f", apps)
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `"corp-tls"`)
}
