package manifest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDigestFollowsContentNotLocation(t *testing.T) {
	t.Parallel()
	write := func(dir, name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		write(d, "1.yaml", "version: 1\n")
		write(d, "2.yaml", "groups: []\n")
	}
	da, err := Digest(a)
	require.NoError(t, err)
	db, err := Digest(b)
	require.NoError(t, err)
	assert.Equal(t, da, db, "same files elsewhere: same digest")

	write(b, "2.yaml", "groups: [] # edited\n")
	db, err = Digest(b)
	require.NoError(t, err)
	assert.NotEqual(t, da, db)

	// Moving bytes from one file to the other is a change too.
	write(b, "1.yaml", "version: 1\ngroups: []\n")
	write(b, "2.yaml", "")
	db, err = Digest(b)
	require.NoError(t, err)
	assert.NotEqual(t, da, db)
}
