package planfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/plan"
)

func inputs(secret, uri string) Inputs {
	live := &plan.Live{Providers: []plan.Provider{{PK: 3, Name: "p", Type: "oauth2", Detail: &plan.OAuth2Detail{ClientSecret: "live-secret", RedirectURIs: []plan.RedirectURI{{URL: uri}}}}}}
	p := &plan.Plan{Changes: []plan.Change{{Kind: plan.KindProvider, Key: "p", Action: plan.Update, ID: "3",
		Fields: []plan.FieldChange{{Field: "client_secret", Before: "live-secret", After: secret, Sensitive: true}, {Field: "sub_mode", Before: "a", After: []string{"b"}}}}}}
	return Inputs{Plan: p, Live: live, ManifestPath: "m.yaml", ManifestDigest: "sha256:1", Server: "http://a"}
}

func TestWriteReadCheckRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, New(inputs("new-secret", "https://x"), path, "provision/test").Write(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "new-secret")
	assert.NotContains(t, string(data), "live-secret")

	f, err := Read(path)
	require.NoError(t, err)
	assert.NoError(t, f.Check(inputs("new-secret", "https://x")), "same inputs: not stale")

	var stale *StaleError
	err = f.Check(inputs("new-secret", "https://changed"))
	require.ErrorAs(t, err, &stale)
	assert.Equal(t, `the plan is stale: provider "p" changed in authentik since the plan was made; run plan again`, err.Error())

	in := inputs("new-secret", "https://x")
	in.ManifestDigest = "sha256:2"
	require.ErrorAs(t, f.Check(in), &stale)

	in = inputs("new-secret", "https://x")
	in.Live.Providers = nil
	assert.EqualError(t, f.Check(in), `the plan is stale: provider "p" was deleted in authentik since the plan was made; run plan again`)

	in = inputs("new-secret", "https://x")
	in.Server = "http://b"
	assert.ErrorContains(t, f.Check(in), "the plan was made against http://a, not http://b")
}

func TestReadRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(m, []byte("version: 1\n"), 0o644))
	_, err := Read(m)
	assert.True(t, errors.Is(err, ErrNotPlan), err)

	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"type":"`+Type+`","format_version":"0"}`), 0o644))
	_, err = Read(old)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `format "0"`), err)
}

// Display values are masked in the file the way the run's output is (URL
// userinfo here), and apply, masking its plan the same way, still finds
// the saved plan current.
func TestMaskedValues(t *testing.T) {
	t.Parallel()
	in := inputs("new-secret", "https://x")
	in.Plan.Changes[0].Fields = append(in.Plan.Changes[0].Fields, plan.FieldChange{Field: "attributes.hook", Before: "https://u:pw-in-url@old", After: []string{"smtp://u:pw-in-url@new"}})
	in.Mask = func(s string) string { return strings.ReplaceAll(s, "u:pw-in-url@", "(sensitive)@") }
	path := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, New(in, path, "provision/test").Write(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "pw-in-url")
	assert.Contains(t, string(data), "smtp://(sensitive)@new")
	f, err := Read(path)
	require.NoError(t, err)
	assert.NoError(t, f.Check(in))
}

// A saved plan is never written through a symbolic link.
func TestWriteRefusesASymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real.json"), filepath.Join(dir, "plan.json")
	require.NoError(t, os.WriteFile(target, []byte("{}\n"), 0o644))
	if err := os.Symlink("real.json", link); err != nil {
		t.Skip("no symlinks:", err)
	}
	err := New(inputs("new-secret", "https://x"), link, "provision/test").Write(link)
	require.Error(t, err)
	assert.Equal(t, "write plan: "+link+" is a symbolic link, which provision never writes through; name the real file", err.Error())
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "{}\n", string(data))
}
