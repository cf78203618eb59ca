package manifest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A kind's file fields (kinds.Kind.Files) read the file next to the
// manifest into the request field, confined to the manifest's directory;
// a sensitive-only field is refused as literal text; the create-only
// action's mapping is decoded against its own schema.
func TestEntryFilesAndActions(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "certs"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "certs", "a.pem"), []byte("PEM DATA"), 0o600))
	require.NoError(t, os.Symlink(filepath.Join(dir, "certs", "a.pem"), filepath.Join(dir, "link.pem")))
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"KEY": "secret-key", "PLAIN": "plain"}[k]
		return v, ok
	}
	load := func(body string) (*Manifest, Diagnostics) {
		t.Helper()
		path := filepath.Join(dir, "m.yaml")
		require.NoError(t, os.WriteFile(path, []byte("version: 1\nvariables:\n  KEY: {sensitive: true}\n  PLAIN: {}\n"+body), 0o600))
		return Parse(path, []byte("version: 1\nvariables:\n  KEY: {sensitive: true}\n  PLAIN: {}\n"+body), env)
	}
	m, ds := load("certificates:\n  - {name: a, certificate_file: certs/a.pem, key_data: '${KEY}'}\n  - {name: b, generate: {validity_days: 30, alg: ecdsa}}\n")
	require.Empty(t, ds)
	es := m.EntriesOf("certificate")
	require.Len(t, es, 2)
	assert.Equal(t, "PEM DATA", es[0].Fields["certificate_data"])
	assert.Equal(t, "certificate_file", es[0].FromFile["certificate_data"])
	assert.Equal(t, "secret-key", es[0].Fields["key_data"])
	assert.Equal(t, map[string]any{"validity_days": int64(30), "alg": "ecdsa"}, es[1].Via)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "k.pem"), []byte("KEY FROM FILE\n"), 0o600))
	m, ds = load("certificates:\n  - {name: a, certificate_file: certs/a.pem, key_file: k.pem}\n")
	require.Empty(t, ds)
	assert.Contains(t, m.SensitiveValues(), "KEY FROM FILE", "a secret field's file is masked like a sensitive variable")
	assert.NotContains(t, m.SensitiveValues(), "PEM DATA", "a certificate is public")

	for body, want := range map[string]string{
		"certificates:\n  - {name: a, certificate_file: ../x.pem}\n":                         "certificate_file: file ../x.pem leaves the manifest's directory",
		"certificates:\n  - {name: a, certificate_file: /etc/hosts}\n":                       "leaves the manifest's directory",
		"certificates:\n  - {name: a, certificate_file: link.pem}\n":                         "through a symbolic link",
		"certificates:\n  - {name: a, certificate_file: none.pem}\n":                         "does not exist next to the manifest",
		"certificates:\n  - {name: a, key_data: '${PLAIN}'}\n":                               "key_data is a secret and comes only from a sensitive variable",
		"certificates:\n  - {name: a, generate: {validity: 3}}\n":                            `generate: unknown field "validity"`,
		"certificates:\n  - {name: a, generate: {alg: dsa}}\n":                               "generate.alg",
		"certificates:\n  - {name: a, certificate_data: x, certificate_file: certs/a.pem}\n": "give one of certificate_file and certificate_data",
	} {
		_, ds := load(body)
		require.NotEmpty(t, ds, body)
		assert.Contains(t, ds.Error(), want, body)
		assert.NotContains(t, ds.Error(), "secret-key")
	}
	assert.Equal(t, []string{"certs/a.pem", "b.key"}, InputFiles([]byte("certificates:\n  - {certificate_file: certs/a.pem, key_file: b.key}\n  - {certificate_file: ../up.pem}\n")))
}
