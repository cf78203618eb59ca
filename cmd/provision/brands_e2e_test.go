package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpBrand copies manifests/corp-brand.yaml with its PEM pair into a
// fresh directory and returns the manifest's path there.
func corpBrand(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"corp-brand.yaml", "corp.pem", "corp.key"} {
		b, err := os.ReadFile(filepath.Join("../../manifests", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	return filepath.Join(dir, "corp-brand.yaml")
}

// wireCert is a certificate as authentik's list answers it.
func wireCert(t *testing.T, c *cli, name string) map[string]any {
	t.Helper()
	l, _, err := c.api().CryptoApi.CryptoCertificatekeypairsList(context.Background()).Name(name).Execute()
	require.NoError(t, err)
	require.Len(t, l.Results, 1, "certificate %q", name)
	k := l.Results[0]
	return map[string]any{"pk": k.Pk, "fingerprint": k.GetFingerprintSha256(), "key": k.PrivateKeyAvailable}
}

// Issue 23's proof, item by item: the acceptance manifest applies and a
// second plan is empty; the imported certificate's fingerprint in the plan
// is openssl's and the wire's; the generated one is generated once; the
// brand carries its title, flow and certificate, the default brand stays;
// the private key is in no output and no export, and export --all has the
// brand.
func TestCorpBrandEndToEnd(t *testing.T) {
	c := newCLI(t)
	path := corpBrand(t)
	keyPEM, err := os.ReadFile(filepath.Join(filepath.Dir(path), "corp.key"))
	require.NoError(t, err)
	keyLine := strings.Split(strings.TrimSpace(string(keyPEM)), "\n")[1] // a line of the key's base64
	var outputs []string
	run := func(args ...string) result {
		r := c.run(args...)
		outputs = append(outputs, r.out, r.err)
		return r
	}

	plan := run("plan", "-f", path)
	require.Equal(t, exitOK, plan.code, plan.err)
	r := run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = run("plan", "-f", path, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)

	// The fingerprint: the plan's, openssl's and the wire's.
	signing := wireCert(t, c, "corp-signing")
	fp := signing["fingerprint"].(string)
	assert.Contains(t, plan.out, `fingerprint_sha256 = "`+fp+`"`)
	assert.Equal(t, true, signing["key"], "the key was sent")
	if _, err := exec.LookPath("openssl"); err == nil {
		out, err := exec.Command("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", filepath.Join(filepath.Dir(path), "corp.pem")).Output()
		require.NoError(t, err)
		_, got, _ := strings.Cut(strings.TrimSpace(string(out)), "=")
		assert.Equal(t, strings.ToLower(got), fp, "openssl x509 -fingerprint -sha256")
	}

	// The generated certificate: generated once, renamed to its entry's
	// name, and kept with its fingerprint by later applies.
	gen := wireCert(t, c, "corp-generated")
	assert.Equal(t, 1, c.emu.Count("POST", "/api/v3/crypto/certificatekeypairs/generate/"))
	r = run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, gen, wireCert(t, c, "corp-generated"))
	assert.Equal(t, 1, c.emu.Count("POST", "/api/v3/crypto/certificatekeypairs/generate/"), "never generated again")

	// The brand, and the default brand beside it.
	brands, _, err := c.api().CoreApi.CoreBrandsList(context.Background()).Execute()
	require.NoError(t, err)
	byDomain := map[string]int{}
	for i, b := range brands.Results {
		byDomain[b.Domain] = i
	}
	require.Contains(t, byDomain, "authentik-default")
	assert.True(t, brands.Results[byDomain["authentik-default"]].GetDefault())
	require.Contains(t, byDomain, "corp.example.com")
	b := brands.Results[byDomain["corp.example.com"]]
	assert.Equal(t, "Corp", b.GetBrandingTitle())
	assert.Equal(t, c.emu.FlowPK("default-authentication-flow"), b.GetFlowAuthentication())
	assert.Equal(t, signing["pk"], b.GetWebCertificate())

	// Export: the brand is there, the key nowhere.
	body := exportRoundTrip(t, c, "--all")
	outputs = append(outputs, body)
	assert.Contains(t, body, "domain: corp.example.com")
	assert.Contains(t, body, "web_certificate: corp-signing")
	for _, o := range outputs {
		assert.NotContains(t, o, keyLine, "the private key appears in no output")
		assert.NotContains(t, o, "PRIVATE KEY")
	}
}
