package contract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"goauthentik.io/api/v3":      "goauthentik.io/api/v3",
		"github.com/BurntSushi/toml": "github.com/!burnt!sushi/toml",
	} {
		got, err := escapeModulePath(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestRequiredVersion(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, gomod, want string }{
		{"block", "module x\n\nrequire (\n\tgoauthentik.io/api/v3 v3.1.2 // indirect\n)\n", "v3.1.2"},
		{"line", "module x\nrequire goauthentik.io/api/v3 v3.4.5\n", "v3.4.5"},
		{"absent", "module x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name+".mod")
			require.NoError(t, os.WriteFile(p, []byte(tt.gomod), 0o644))
			got, err := requiredVersion(p, APIModule)
			if tt.want == "" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSchemaPathEnv(t *testing.T) {
	t.Setenv(SchemaEnv, "/some/schema.yml")
	p, err := SchemaPath()
	require.NoError(t, err)
	assert.Equal(t, "/some/schema.yml", p)
}

func TestSchemaPathModCacheEnv(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	_, err := SchemaPath()
	assert.ErrorContains(t, err, "go mod download", "an empty module cache is reported")
}
