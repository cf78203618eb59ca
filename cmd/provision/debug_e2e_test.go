package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// --debug and PROVISION_DEBUG=1 log each request on stderr, each attempt
// of a retried one marked, and never a header or a body.
func TestDebugLogsEachRequest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := copyManifest(t, seedManifest)
	c.emu.InjectFault(emulator.Fault{Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 503, Nth: 1, Times: 1})
	c.emu.InjectFault(emulator.Fault{Method: "POST", PathPrefix: "/api/v3/core/applications/", Kind: emulator.FaultStatus, Status: 502, Nth: 1, Times: 1})
	r := c.run("apply", "-f", m, "--auto-approve", "--debug")
	require.Equal(t, exitOK, r.code, r.err)
	line := regexp.MustCompile(`(?m)^debug: (GET|POST|PATCH|PUT|DELETE) /api/v3/\S+ -> (\d{3} .+|failed: .+) in \d+m?s( \(attempt \d+\)| \(write sent again\))?$`)
	lines := line.FindAllString(r.err, -1)
	assert.Equal(t, strings.Count(r.err, "debug: "), len(lines), "every debug line has the format:\n%s", r.err)
	assert.Len(t, lines, len(c.emu.Requests()), "one line per request authentik saw")
	assert.Regexp(t, `debug: GET /api/v3/core/groups/\?\S*page=1\S* -> 503 Service Unavailable in \S+\n`, r.err)
	assert.Regexp(t, `debug: GET /api/v3/core/groups/\?\S*page=1\S* -> 200 OK in \S+ \(attempt 2\)`, r.err)
	assert.Regexp(t, `debug: POST /api/v3/core/applications/ -> 502 Bad Gateway in \S+\n`, r.err)
	assert.Regexp(t, `debug: POST /api/v3/core/applications/ -> 201 Created in \S+ \(write sent again\)`, r.err)

	// Never the token, a header or a body (the client secret is in one).
	lc, _, err := c.api().ProvidersApi.ProvidersOauth2Retrieve(t.Context(), c.emu.ProviderPK("LibreChat")).Execute()
	require.NoError(t, err)
	secret := lc.GetClientSecret()
	require.NotEmpty(t, secret)
	for _, s := range []string{c.emu.Token(), "Bearer", "Authorization", secret, "client_secret"} {
		assert.NotContains(t, r.err, s)
	}

	c.env["PROVISION_DEBUG"] = "1"
	r = c.run("plan", "-f", m)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Regexp(t, `debug: GET /api/v3/core/applications/\S* -> 200 OK`, r.err)
	delete(c.env, "PROVISION_DEBUG")
	r = c.run("plan", "-f", m)
	assert.NotContains(t, r.err, "debug:")
}
