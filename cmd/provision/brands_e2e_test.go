package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	t.Parallel()
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
	assert.Contains(t, body, "certificate_data is write-only (authentik never returns it), so it is not exported: add certificate_file")
	assert.NotContains(t, body, "authentik Self-signed Certificate", "authentik's own, made at startup")
	assert.NotContains(t, body, "authentik-default", "authentik's own, from its blueprint")
	for _, o := range outputs {
		assert.NotContains(t, o, keyLine, "the private key appears in no output")
		assert.NotContains(t, o, "PRIVATE KEY")
	}
}

// selfSigned writes a self-signed PEM pair expiring in days (from now)
// into dir as name.pem and name.key.
func selfSigned(t *testing.T, dir, name string, days int) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(0, 0, days)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600))
}

// The offline and plan-time rules: files confined to the manifest's
// directory, the key never literal, a bad PEM refused before any request,
// the 30-day expiry warning, a changed PEM updating the certificate, and a
// certificate in use deleted only with the plan naming its user.
func TestCertificateRules(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	selfSigned(t, dir, "soon", 10)
	selfSigned(t, dir, "later", 400)
	write := func(body string) string {
		p := filepath.Join(dir, "m.yaml")
		require.NoError(t, os.WriteFile(p, []byte("version: 1\nstack: certs\n"+body), 0o600))
		return p
	}
	refused := func(body, want string) {
		t.Helper()
		before := c.emu.Writes()
		r := c.run("plan", "-f", write(body))
		assert.Equal(t, exitError, r.code, r.out)
		assert.Contains(t, r.err, want)
		assert.Equal(t, before, c.emu.Writes())
	}
	outside := filepath.Join(t.TempDir(), "x.pem")
	require.NoError(t, os.WriteFile(outside, []byte("x"), 0o600))
	refused("certificates:\n  - {name: a, certificate_file: ../x.pem}\n", "leaves the manifest's directory")
	refused("certificates:\n  - {name: a, certificate_file: "+outside+"}\n", "leaves the manifest's directory")
	require.NoError(t, os.Symlink(filepath.Join(dir, "soon.pem"), filepath.Join(dir, "link.pem")))
	refused("certificates:\n  - {name: a, certificate_file: link.pem}\n", "symbolic link")
	refused("certificates:\n  - {name: a, certificate_file: soon.key}\n", "is not a PEM certificate")
	refused("certificates:\n  - name: a\n    certificate_file: soon.pem\n    key_data: \"-----BEGIN PRIVATE KEY-----\"\n", "key_data is a secret and comes only from a sensitive variable")
	refused("certificates:\n  - {name: a, certificate_file: soon.pem, generate: {validity_days: 3}}\n", "not both")

	// Within 30 days: a warning. The key comes from a sensitive variable.
	key, err := os.ReadFile(filepath.Join(dir, "soon.key"))
	require.NoError(t, err)
	c.env["WEB_KEY"] = string(key)
	body := "variables:\n  WEB_KEY: {sensitive: true}\ncertificates:\n  - name: web\n    certificate_file: soon.pem\n    key_data: ${WEB_KEY}\nbrands:\n  - {domain: corp.example.com, web_certificate: web}\n"
	r := c.run("plan", "-f", write(body))
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "expires on")
	assert.Contains(t, r.out, "less than 30")
	assert.NotContains(t, r.out, "PRIVATE KEY")
	r = c.run("apply", "-f", write(body), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Equal(t, true, wireCert(t, c, "web")["key"])
	// Nothing left to change, and the expiry is still said, on the plan
	// itself, in every format; the exit code says no change.
	r = c.run("plan", "-f", write(body), "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.Contains(t, r.out, "No changes.")
	assert.Contains(t, r.out, `# warning: certificate "web"`)
	assert.Contains(t, r.out, "expires on")
	r = c.run("plan", "-f", write(body), "-o", "json")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `"warnings": [`)
	r = c.run("plan", "-f", write(body), "-o", "markdown")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "**Warning:** certificate")

	// A new PEM: an update showing the fingerprints, sending the key too.
	old := wireCert(t, c, "web")["fingerprint"].(string)
	later := strings.Replace(body, "soon.pem", "later.pem", 1)
	key, err = os.ReadFile(filepath.Join(dir, "later.key"))
	require.NoError(t, err)
	c.env["WEB_KEY"] = string(key)
	r = c.run("plan", "-f", write(later))
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `fingerprint_sha256 = "`+old+`" -> "`)
	assert.NotContains(t, r.out, "expires on")
	r = c.run("apply", "-f", write(later), "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	assert.NotEqual(t, old, wireCert(t, c, "web")["fingerprint"])
	r = c.run("plan", "-f", write(later), "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, r.out+r.err)

	// Deleting it while the brand uses it: the plan says so.
	gone := "certificates:\n  - {name: web, state: absent}\n"
	r = c.run("plan", "-f", write(gone))
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `used by brand "corp.example.com" as web_certificate: authentik sets it to null`)
}

// A SAML provider signs with a certificate the same manifest imports: the
// first apply creates the certificate, then the provider naming it; the
// second plan is empty. A signing key without its private key is refused
// offline.
func TestSAMLProviderSignsWithADeclaredCertificate(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := corpBrand(t)
	body := "version: 1\nstack: saml-cert\ncertificates:\n  - {name: corp-signing, certificate_file: corp.pem, key_file: corp.key}\n" +
		"  - {name: corp-verify, certificate_file: corp.pem}\n" +
		"providers:\n  - {name: wiki, type: saml, acs_url: https://wiki.example.com/acs, signing_kp: corp-signing, verification_kp: corp-verify}\n"
	m := filepath.Join(filepath.Dir(path), "saml.yaml")
	require.NoError(t, os.WriteFile(m, []byte(body), 0o600))
	r := c.run("plan", "-f", m)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, `signing_kp`)
	r = c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.out+r.err)
	r = c.run("plan", "-f", m, "--detailed-exitcode")
	require.Equal(t, exitOK, r.code, "a second plan is empty: %s%s", r.out, r.err)
	p, _, err := c.api().ProvidersApi.ProvidersSamlRetrieve(context.Background(), c.emu.SAMLProviderPK("wiki")).Execute()
	require.NoError(t, err)
	assert.Equal(t, wireCert(t, c, "corp-signing")["pk"], p.GetSigningKp())
	assert.Equal(t, wireCert(t, c, "corp-verify")["pk"], p.GetVerificationKp())

	bad := strings.Replace(body, "signing_kp: corp-signing", "signing_kp: corp-verify", 1)
	bad = strings.Replace(bad, "stack: saml-cert", "stack: saml-cert2", 1)
	bad = strings.Replace(bad, "corp-", "new-", -1)
	require.NoError(t, os.WriteFile(m, []byte(bad), 0o600))
	r = c.run("plan", "-f", m)
	assert.Equal(t, exitError, r.code, r.out)
	assert.Contains(t, r.err, `signing key "new-verify" has no private key`)
}
