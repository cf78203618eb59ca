package apischema_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/apischema"
	"github.com/provision/provision/internal/apischema/gen/genlib"
	"github.com/provision/provision/internal/emulator/contract"
)

// The table is generated from the pinned module's schema.yml: regenerate
// with `go generate ./internal/apischema` when this fails.
func TestGeneratedTableMatchesSchema(t *testing.T) {
	path, err := contract.SchemaPath()
	require.NoError(t, err)
	want, err := genlib.Generate(path)
	require.NoError(t, err)
	got, err := os.ReadFile("zz_generated.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "internal/apischema/zz_generated.go is stale: run go generate ./internal/apischema")
}

func TestLookupReadsRequestBodies(t *testing.T) {
	c, ok := apischema.Lookup("FlowRequest")
	require.True(t, ok)
	f, ok := c.Field("designation")
	require.True(t, ok)
	assert.True(t, f.Required)
	assert.Contains(t, f.Enum, "authentication")
	_, ok = c.Field("pk")
	assert.False(t, ok, "read-only fields are not in request bodies")
}

// WriteOnly is exactly what authentik's answers lack: a request field not
// marked writeOnly is in the answer (so authentik returns it), one marked
// writeOnly is not. The descriptors derive from WriteOnly whether a secret
// can be compared (kinds.Field.ReadWhenDeclared).
func TestWriteOnlyIsWhatAnswersLack(t *testing.T) {
	path, err := contract.SchemaPath()
	require.NoError(t, err)
	returned, err := genlib.Returned(path)
	require.NoError(t, err)
	require.NotEmpty(t, returned)
	for name, ret := range returned {
		comp, field, _ := strings.Cut(name, ".")
		c, ok := apischema.Lookup(comp)
		require.True(t, ok, comp)
		f, ok := c.Field(field)
		require.True(t, ok, name)
		assert.Equal(t, !ret, f.WriteOnly, "%s: returned=%v, writeOnly=%v", name, ret, f.WriteOnly)
	}
	assert.True(t, returned["AuthenticatorSMSStageRequest.auth"], "an SMS stage's auth is returned")
	assert.False(t, returned["EmailStageRequest.password"], "an email stage's password is not")
}
