package manifest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Findings 1 and 8 of issue 25, as a pull request would try them with
// PROVISION_ALLOW_VARS set: an allowed variable declared sensitive is
// refused in server code (so the plan cannot show "expression =
// (sensitive)"), in redirect URIs, and in every public field (client_id,
// SAML issuer and audience, names, slugs, URLs, references).
func TestSensitiveRefusedInCodeAndPublicFields(t *testing.T) {
	vars := env(map[string]string{AllowVarsEnv: "CHAT_URL", "CHAT_URL": "https://chat.example.com"})
	head := "version: 1\nvariables: {CHAT_URL: {sensitive: true}}\n"
	cases := map[string]struct {
		yaml  string
		field string
	}{
		"hidden server code": {
			yaml:  "scope_mappings:\n  - name: m\n    scope_name: m\n    expression: |\n      __import__(\"os\").system(\"${CHAT_URL}\")\n",
			field: "expression",
		},
		"a redirect URI": {
			yaml:  "providers:\n  - name: p\n    type: oauth2\n    redirect_uris:\n      - url: ${CHAT_URL}/cb\n",
			field: "url",
		},
		"a redirect URI, short form": {
			yaml:  "providers:\n  - name: p\n    type: oauth2\n    redirect_uris: [\"${CHAT_URL}/cb\"]\n",
			field: "redirect_uris",
		},
		"a descriptor kind's code field (a prompt's placeholder)": {
			yaml:  "prompts:\n  - name: p\n    field_key: p\n    type: text\n    placeholder_expression: true\n    placeholder: \"return '${CHAT_URL}'\"\n",
			field: "placeholder",
		},
		"client_id": {
			yaml:  "providers:\n  - name: p\n    type: oauth2\n    client_id: ${CHAT_URL}\n",
			field: "client_id",
		},
		"SAML issuer": {
			yaml:  "providers:\n  - name: p\n    type: saml\n    acs_url: https://x.example.com/acs\n    issuer: ${CHAT_URL}\n",
			field: "issuer",
		},
		"SAML audience": {
			yaml:  "providers:\n  - name: p\n    type: saml\n    acs_url: https://x.example.com/acs\n    audience: ${CHAT_URL}\n",
			field: "audience",
		},
		"SAML acs_url": {
			yaml:  "providers:\n  - name: p\n    type: saml\n    acs_url: ${CHAT_URL}/acs\n",
			field: "acs_url",
		},
		"a group reference": {
			yaml:  "applications:\n  - name: a\n    slug: a\n    access: {groups: [\"X${CHAT_URL}\"]}\n",
			field: "groups",
		},
		"a slug": {
			yaml:  "applications:\n  - name: a\n    slug: a${CHAT_URL}\n",
			field: "slug",
		},
		"an output url": {
			yaml:  "applications:\n  - name: a\n    slug: a\n    outputs: {librechat: {url: \"${CHAT_URL}\"}}\n",
			field: "url",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("x.yaml", []byte(head+tc.yaml), vars)
			require.NotEmpty(t, ds)
			assert.Contains(t, ds.err().Error(), "sensitive variable CHAT_URL cannot be used in "+tc.field+": ")
		})
	}
}

func TestFieldClasses(t *testing.T) {
	for key, want := range map[string]FieldClass{
		"expression": ServerCode, "placeholder": ServerCode, "initial_value": ServerCode, "client_id": Public, "issuer": Public, "audience": Public,
		"redirect_uris": Public, "meta_launch_url": Public, "external_host": Public,
		"authorization_flow": Public, "admin_group": Public, "public_url": Public,
		"client_secret": Ordinary, "webhook": Ordinary, "attributes.name": Ordinary,
	} {
		assert.Equal(t, want, ClassOf(key), key)
	}
}

// Finding 2 of issue 25: "did you mean" as an oracle. Groups named one
// character off a guess, and a reference that holds the secret: the
// reference is refused (a name is public), and no hint is printed for a
// value that shows a sensitive value.
func TestNoSuggestionLeaksASensitiveValue(t *testing.T) {
	vars := env(map[string]string{SensitiveVarsEnv: "SECRET", "SECRET": "hunter22"})
	y := "version: 1\nvariables: {SECRET: {}}\ngroups:\n  - name: Xhunter21\n  - name: Xhunter23\napplications:\n  - name: a\n    slug: a\n    access: {groups: [\"X${SECRET}\"]}\n"
	_, ds := Parse("x.yaml", []byte(y), vars)
	require.NotEmpty(t, ds)
	got := ds.err().Error()
	assert.Contains(t, got, "sensitive variable SECRET cannot be used in groups")
	assert.NotContains(t, got, "did you mean")
	assert.NotContains(t, got, "hunter2")

	// The hint itself: a reference that shows the secret's value (written
	// out literally beside it) gets none.
	lit := "version: 1\nvariables: {SECRET: {}}\ngroups:\n  - name: Xhunter21\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: ${SECRET}\napplications:\n  - name: a\n    slug: a\n    provider: p\n    access: {groups: [Xhunter22]}\n"
	m, ds := Parse("x.yaml", []byte(lit), vars)
	require.Empty(t, ds)
	err := m.Validate(nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "did you mean", err.Error())
	assert.Contains(t, err.Error(), "not declared in the manifest")
}

// Finding 12 of issue 25: a second YAML document is refused, not ignored.
func TestSecondDocumentIsRefused(t *testing.T) {
	_, ds := Parse("x.yaml", []byte("version: 1\ngroups: [{name: a}]\n---\ngroups: [{name: admins, is_superuser: true}]\n"), env(nil))
	require.Len(t, ds, 1)
	assert.Contains(t, ds[0].Error(), "x.yaml:")
	assert.Contains(t, ds[0].Error(), "a second YAML document (after ---)")
	for _, ok := range []string{"---\nversion: 1\n", "version: 1\n...\n", "version: 1\n"} {
		_, ds := Parse("x.yaml", []byte(ok), env(nil))
		assert.Empty(t, ds, "%q", ok)
	}
}

// Finding 12: a directory's file that is a symbolic link out of it is
// refused; one inside it is read.
func TestManifestDirectoryStaysInside(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.yaml"), []byte("version: 1\ngroups: [{name: outside}]\n"), 0o644))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("version: 1\ngroups: [{name: a}]\n"), 0o644))
	require.NoError(t, os.Symlink("a.yaml", filepath.Join(dir, "b.yaml")))
	m, err := Load(dir, env(nil))
	require.NoError(t, err)
	assert.Len(t, m.EntriesOf("group"), 2, "a link inside the directory is read")

	require.NoError(t, os.Remove(filepath.Join(dir, "b.yaml")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "b.yaml")))
	_, err = Load(dir, env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a symbolic link that leads out of the directory")
}
