package authentik

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/provision/provision/internal/manifest"
)

// The manifest's offline checks accept exactly what the generated client
// (authentik's OpenAPI schema) lists, field by field and in its order.
func TestManifestEnumsEqualClientEnums(t *testing.T) {
	t.Parallel()
	client := ManifestEnums()
	own := manifest.EnumValues()
	assert.ElementsMatch(t, keys(client), keys(own), "enum fields")
	for k, want := range client {
		assert.Equal(t, want, own[k], "allowed values of %s", k)
	}
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
