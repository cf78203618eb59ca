package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// What a stack costs a plan: two more list requests, read in the same
// parallel round as the others (the client starts every list at once; see
// BenchmarkSnapshotStack for the round trips): every stack's record in one
// request (authentik's search, name or path contains, keeps other
// blueprint instances out), and the outposts, to prune attachments and
// outposts the manifest may not mention. The other kinds a record may
// hold are the ones a manifest with applications reads anyway. Reading
// only what the record names would need the record first: a second
// sequential round trip to save one parallel request.
func TestStackPlanReads(t *testing.T) {
	t.Parallel()
	planReads := func(t *testing.T, stack string, others int) []emulator.RequestRecord {
		c := newCLI(t)
		for i := range others {
			path := writeManifest(t, stackManifest(fmt.Sprintf("other%d", i), fmt.Sprintf("o%d", i)))
			require.Equal(t, exitOK, c.run("apply", "-f", path, "--auto-approve").code)
		}
		path := writeManifest(t, stackManifest(stack, "a", "b"))
		r := c.run("apply", "-f", path, "--auto-approve")
		require.Equal(t, exitOK, r.code, r.err)
		c.emu.ResetLog()
		r = c.run("plan", "-f", path, "--detailed-exitcode")
		require.Equal(t, exitOK, r.code, r.out+r.err)
		return c.emu.Requests()
	}
	without, with, withOthers := planReads(t, "", 0), planReads(t, "team", 0), planReads(t, "team", 5)
	t.Logf("plan requests: without a stack %d, with %d, with 5 other stacks %d", len(without), len(with), len(withOthers))
	assert.Len(t, with, len(without)+2)
	assert.Len(t, withOthers, len(with), "every stack's record comes in one request")
	paths := func(rs []emulator.RequestRecord) map[string]int {
		out := map[string]int{}
		for _, r := range rs {
			require.Equal(t, "GET", r.Method, "a plan only reads")
			out[r.Path]++
		}
		return out
	}
	extra := paths(with)
	for p, n := range paths(without) {
		extra[p] -= n
		if extra[p] == 0 {
			delete(extra, p)
		}
	}
	assert.Equal(t, map[string]int{"/api/v3/managed/blueprints/": 1, "/api/v3/outposts/instances/": 1}, extra)
	for _, r := range withOthers {
		if strings.HasPrefix(r.Path, "/api/v3/managed/blueprints/") {
			q, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			assert.Equal(t, "provision-stack-", q.Get("search"), "filtered by authentik, not by provision")
		}
	}
}
