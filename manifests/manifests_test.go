package manifests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
)

// exampleEnv gives the variables the examples document in their headers.
var exampleEnv = map[string]string{
	"LIBRECHAT_URL":  "https://chat.example.com",
	"WIKI_URL":       "https://wiki.example.com",
	"DASHBOARDS_URL": "https://dashboards.example.com",
}

func TestEveryExampleLoadsAndValidates(t *testing.T) {
	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			m, err := manifest.Load(f, func(k string) (string, bool) { v, ok := exampleEnv[k]; return v, ok })
			require.NoError(t, err)
			require.NoError(t, m.Validate(outputs.Validate))
		})
	}
}
