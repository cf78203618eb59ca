package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/manifest"
)

var update = flag.Bool("update", false, "rewrite manifest.schema.json and docs/manifest.md")

// generated files, relative to this package, and what they hold.
var generated = []struct {
	path string
	gen  func() ([]byte, error)
}{
	{"../../manifest.schema.json", JSON},
	{"../../docs/manifest.md", func() ([]byte, error) { return Markdown(), nil }},
}

func TestGeneratedFilesAreCurrent(t *testing.T) {
	t.Parallel()
	for _, g := range generated {
		want, err := g.gen()
		require.NoError(t, err)
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(g.path), 0o755))
			require.NoError(t, os.WriteFile(g.path, want, 0o644))
			continue
		}
		got, err := os.ReadFile(g.path)
		require.NoError(t, err)
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./internal/schema -update", strings.TrimPrefix(g.path, "../../"))
		}
	}
}

// TestEveryFieldDescribed: a new manifest field needs a line in
// descriptions.go (or a doc tag) before it reaches the reference.
func TestEveryFieldDescribed(t *testing.T) {
	t.Parallel()
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(rt reflect.Type) {
		rt = elem(rt)
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for _, f := range fields(rt) {
			if f.Doc == "" {
				t.Errorf("manifest field %s.%s has no description: add %q to internal/schema/descriptions.go", f.Owner.Name(), f.Key, f.Owner.Name()+"."+f.Key)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(manifest.Manifest{}))
	assert.Greater(t, len(seen), 5)
}

// compile loads the generated schema into an independent validator.
func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := JSON()
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(ID, doc))
	s, err := c.Compile(ID)
	require.NoError(t, err)
	return s
}

// instance turns YAML into what a JSON Schema validator reads.
func instance(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(src, &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return out
}

func TestExampleManifestsValidate(t *testing.T) {
	t.Parallel()
	s := compile(t)
	files, err := filepath.Glob("../../manifests/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			first, _, _ := strings.Cut(string(src), "\n")
			assert.Equal(t, "# yaml-language-server: $schema=../manifest.schema.json", first, "the modeline editors read")
			assert.NoError(t, s.Validate(instance(t, src)))
		})
	}
}

func TestSchemaRejects(t *testing.T) {
	t.Parallel()
	s := compile(t)
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"misspelt field", "version: 1\napplications:\n  - {name: Chat, slug: chat, provder: chat}\n", "provder"},
		{"misspelt top-level section", "version: 1\nprovders: []\n", "provders"},
		{"enum value from the client's list", "version: 1\nproviders:\n  - {name: p, type: oauth2, sub_mode: email}\n", "sub_mode"},
		{"another provider type's field", "version: 1\nproviders:\n  - {name: p, type: saml, acs_url: 'https://x', client_id: abc}\n", "client_id"},
		{"unknown provider type", "version: 1\nproviders:\n  - {name: p, type: oidc}\n", "/providers/0/type"},
		{"wrong type", "version: 1\ngroups:\n  - {name: g, is_superuser: maybe}\n", "is_superuser"},
		{"outpost config key", "version: 1\noutposts:\n  - {name: o, type: proxy, providers: [p], config: {log_levl: debug}}\n", "log_levl"},
		{"missing version", "groups: []\n", "version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Validate(instance(t, []byte(tc.yaml)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// What the loader accepts, the schema accepts: nulls, ${VAR} booleans.
	ok := "version: 1\ngroups:\n  - {name: g, is_superuser: '${ADMIN}'}\napplications:\n  - {name: a, slug: a, provider: null, open_in_new_tab: true}\nproviders:\n  - {name: p, type: oauth2, signing_key: null, redirect_uris: [{url: 'https://x/cb'}]}\n"
	assert.NoError(t, s.Validate(instance(t, []byte(ok))))
}
