package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) LookupEnv {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestParseReportsEveryProblemWithPosition(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		yaml string
		want []string // "line:col: message substring"
	}{
		"unknown key with suggestion": {
			yaml: "version: 1\nproviders:\n  - name: a\n    type: oauth2\n    scope: [openid]\n",
			want: []string{`x.yaml:5:5: unknown field "scope" in providers; did you mean "scopes"?`},
		},
		"unknown top-level key": {
			yaml: "version: 1\napplication:\n  - slug: a\n",
			want: []string{`x.yaml:2:1: unknown field "application"; did you mean "applications"?`},
		},
		"several problems at once": {
			yaml: "version: 1\ngroups:\n  - nme: a\n  - name: b\n    superuser: true\n",
			want: []string{`x.yaml:3:5: unknown field "nme"`, `x.yaml:5:5: unknown field "superuser"`},
		},
		"undefined variable": {
			yaml: "version: 1\nvariables: {NOPE: {}}\ngroups:\n  - name: ${NOPE}\n",
			want: []string{`x.yaml:4:11: environment variable NOPE is not set`},
		},
		"wrong type": {
			yaml: "version: 1\ngroups:\n  - name: a\n    is_superuser: maybe\n",
			want: []string{`x.yaml:4:19: is_superuser: expected true or false, not "maybe"`},
		},
		"missing version": {
			yaml: "groups: []\n",
			want: []string{`x.yaml:1:1: missing "version: 1"`},
		},
		"wrong version": {
			yaml: "version: 2\n",
			want: []string{`x.yaml:1:10: unsupported version 2`},
		},
		"syntax error": {
			yaml: "version: 1\ngroups: [\n",
			want: []string{`x.yaml:2:1: invalid YAML: did not find expected node content`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("x.yaml", []byte(tc.yaml), env(nil))
			require.Len(t, ds, len(tc.want), "diagnostics: %v", ds)
			got := ds.err().Error()
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
		})
	}
}

func TestParseSubstitutesEnvironment(t *testing.T) {
	t.Parallel()
	y := "version: 1\nvariables: {ID: {}}\nproviders:\n  - name: p\n    type: oauth2\n    client_id: ${ID}\n    client_secret: \"$${literal}\"\n"
	m, ds := Parse("x.yaml", []byte(y), env(map[string]string{"ID": "12345"}))
	require.Empty(t, ds)
	require.Len(t, m.Providers, 1)
	// A number-looking value from the environment stays a string.
	assert.Equal(t, "12345", *m.Providers[0].ClientID)
	assert.Equal(t, "${literal}", *m.Providers[0].ClientSecret)
}

func TestParseRecordsSources(t *testing.T) {
	t.Parallel()
	y := "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    signing_key: null\n    redirect_uris:\n      - url: https://a/cb\n"
	m, ds := Parse("dir/x.yaml", []byte(y), env(nil))
	require.Empty(t, ds)
	p := m.Providers[0]
	assert.Equal(t, "dir/x.yaml:3:5", p.Src.Pos.String())
	assert.True(t, p.Src.Has("signing_key"), "explicit null is declared")
	assert.Nil(t, p.SigningKey)
	assert.False(t, p.Src.Has("scopes"))
	assert.Equal(t, "dir/x.yaml:7:9", p.Src.At("redirect_uris[0]").String())
	assert.Equal(t, p.Src.Pos, p.Src.At("nothing"), "absent keys fall back to the entry")
}

func TestLoadDirectoryMergesFilesInOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("version: 1\ngroups:\n  - name: from-b\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yml"), []byte("version: 1\ngroups:\n  - name: from-a\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644))
	m, err := Load(dir, env(nil))
	require.NoError(t, err)
	groups := m.EntriesOf("group")
	require.Len(t, groups, 2)
	assert.Equal(t, "from-a", groups[0].Key)
	assert.Equal(t, "from-b", groups[1].Key)
	assert.True(t, strings.HasSuffix(groups[1].Src.Pos.File, "b.yaml"))
}

func TestLoadCollectsErrorsAcrossFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("version: 1\ngroups:\n  - nam: x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("version: 1\noutpost: []\n"), 0o644))
	_, err := Load(dir, env(nil))
	var ds Diagnostics
	require.True(t, errors.As(err, &ds))
	assert.Len(t, ds, 2)
}

func TestLoadEmptyDirectory(t *testing.T) {
	t.Parallel()
	_, err := Load(t.TempDir(), env(nil))
	assert.ErrorContains(t, err, "no *.yaml")
}

func TestMissingManifestIsOneSentence(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), func(string) (string, bool) { return "", false })
	require.Error(t, err)
	assert.Regexp(t, `^manifest .*nope\.yaml does not exist$`, err.Error())
}
