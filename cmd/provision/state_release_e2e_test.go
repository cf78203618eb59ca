package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// state release with a kind it does not know says so and lists the kinds,
// rather than "stack does not own app ..." (issue 8's release interface,
// issue 11's errors); a misspelt key gets a "did you mean" from the record.
func TestStateReleaseNamesUnknownKindsAndMisspeltKeys(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("team-a", "a1"))
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)

	r := c.run("state", "release", "--stack", "team-a", "--kind", "app", "--key", "a1")
	require.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: unknown --kind \"app\": use one of flow, certificate, property mapping, notification transport, role, group, notification rule, initial permissions, policy, prompt, source, provider, scope mapping, service connection, stage, user, token, application, brand, access, outpost, outpost attachment\n", r.err)

	r = c.run("state", "release", "--stack", "team-a", "--kind", "aplication", "--key", "a1")
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `unknown --kind "aplication"; did you mean "application"?`)

	r = c.run("state", "release", "--stack", "team-a", "--kind", "group", "--key", "a1 user")
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, `stack "team-a" does not own group "a1 user"; did you mean "a1 users"?`)
	assert.Contains(t, record(t, c, "team-a"), "group a1 users", "nothing released")
}

func TestStateListOfAnUnknownStack(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("team-a", "a1"))
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)

	r := c.run("state", "list", "--stack", "team-a")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "team-a")
	r = c.run("state", "list", "--stack", "team-b")
	require.Equal(t, exitError, r.code)
	assert.Equal(t, "Error: authentik holds no record of stack \"team-b\": no apply of it has run; did you mean \"team-a\"?\n", r.err)
}
