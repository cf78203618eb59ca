package manifests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
)

func TestEveryExampleLoadsAndValidates(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			m, err := manifest.Load(f, func(k string) (string, bool) { v, ok := ExampleEnv[k]; return v, ok })
			require.NoError(t, err)
			outputs.DeriveRedirects(m)
			require.NoError(t, m.Validate(outputs.Validator(outputs.Options{ScopeMappings: outputs.ManifestScopeMappings(m)})))
		})
	}
}

// ExampleEnv and the examples' variables: sections agree: every declared
// variable has an example value, and every example value is declared.
func TestExampleEnvMatchesDeclarations(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	declared := map[string]bool{}
	for _, f := range files {
		m, err := manifest.Load(f, func(k string) (string, bool) { v, ok := ExampleEnv[k]; return v, ok })
		require.NoError(t, err)
		for name := range m.Variables {
			declared[name] = true
			require.Contains(t, ExampleEnv, name, "%s declares %s", f, name)
		}
	}
	for name := range ExampleEnv {
		require.True(t, declared[name], "ExampleEnv has %s, which no example declares", name)
	}
}
