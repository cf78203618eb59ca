package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadAndValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
providers:
  - name: chat
    type: oauth2
    redirect_uri: https://chat.example.com/cb
applications:
  - name: Chat
    slug: chat
    provider: chat
  - name: Chat again
    slug: chat
outposts:
  - name: edge
    type: proxy
    providers: [chat]
`), 0o644))
	_, err := LoadAndCheck(path, env(nil), func(m *Manifest) error { return m.Validate(nil) })
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, path+`:5:5: unknown field "redirect_uri"`, "the typo")
	assert.Contains(t, msg, path+`:10:5: duplicate application slug "chat"`, "the duplicate slug")
	assert.Contains(t, msg, path+`:15:17: outpost "edge" lists OAuth2 provider "chat"`, "the OAuth2 provider in an outpost")
	assert.Len(t, strings.Split(msg, "\n"), 3, msg)
	// Load alone still stops at load problems.
	_, err = Load(path, env(nil))
	require.Error(t, err)
	assert.Equal(t, path+`:5:5: unknown field "redirect_uri" in providers; did you mean "redirect_uris"?`, err.Error())
}

func TestYAMLSyntaxErrorsNameTheLineAndHint(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ doc, want string }{
		"tab indent": {"version: 1\ngroups:\n\t- name: a\n",
			"3:1: invalid YAML: a tab character; YAML indents with spaces only"},
		"tab after spaces": {"version: 1\ngroups:\n  - name: a\n  \tattributes: {}\n",
			"4:3: invalid YAML: a tab character"},
		"bad indent": {"version: 1\ngroups:\n  - name: a\n   attributes: {}\n",
			"4:4: invalid YAML: bad indentation: this line must start in the same column as the keys of the list item above"},
		"missing dash": {"version: 1\napplications:\n  - name: a\n    slug: a\n  name: b\n  slug: b\n",
			"5:3: invalid YAML: expected a list item: add \"- \" before this entry"},
		"too deep": {"version: 1\napplications:\n  - name: a\n    slug: b\n      provider: c\n",
			"5:7: invalid YAML: a key where none is allowed; this line is indented deeper than the key above it"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("m.yaml", []byte(tc.doc), env(nil))
			require.Len(t, ds, 1)
			assert.Contains(t, ds[0].Error(), "m.yaml:"+tc.want)
		})
	}
}
