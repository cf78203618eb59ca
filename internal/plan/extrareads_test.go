package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A plan reads a role's permissions (two lists per role) only for the
// roles its manifest declares with permissions:, under a moved role's old
// key too; export reads every role's.
func TestExtrasAreReadOnlyForDeclaringEntries(t *testing.T) {
	t.Parallel()
	r := ReadsFor(load(t, "version: 1\nmoved:\n  - {kind: role, from: old-ops, to: ops}\nroles:\n"+
		"  - {name: helpdesk, permissions: [authentik_core.view_user]}\n"+
		"  - {name: ops, permissions: []}\n"+
		"  - {name: plain}\n"+
		"  - {name: gone, permissions: [authentik_core.view_user], state: absent}\n"))
	assert.Equal(t, []string{Ref("role", "helpdesk"), Ref("role", "old-ops"), Ref("role", "ops")}, r.Extras)
	assert.True(t, r.ReadsExtras("role"))
	assert.True(t, r.ReadsExtra("role", "helpdesk"))
	for _, key := range []string{"plain", "gone", "undeclared"} {
		assert.False(t, r.ReadsExtra("role", key), key)
	}

	none := ReadsFor(load(t, "version: 1\nroles:\n  - {name: plain}\n"))
	assert.Empty(t, none.Extras)
	assert.False(t, none.ReadsExtras("role"), "no role's permissions, so not the server's either")

	all := Reads{AllExtras: true}.Add(none)
	assert.True(t, all.ReadsExtra("role", "anything"))
	assert.True(t, all.ReadsExtras("role"))
}
