package authentik_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/plan"
)

// Two kinds read through the same list (the hand-written providers and
// the engine's RADIUS, SCIM and RAC providers both list providers/all/;
// access and policy bindings both list policies/bindings/) fetch each page
// once in one read round, and both get every object.
func TestOneReadRoundFetchesASharedListOnce(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	emu.SeedSynthetic(150) // providers/all/ has 2 pages
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c := fastClient(t, srv.URL, emu.Token())
	emu.ResetLog()
	live, err := c.Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindProvider, plan.KindEngineProvider}})
	require.NoError(t, err)
	assert.Len(t, live.Providers, 150)
	pages := map[string]int{}
	for _, r := range emu.Requests() {
		if r.Path == "/api/v3/providers/all/" {
			pages[r.Query]++
		}
	}
	assert.Len(t, pages, 2, "both pages read")
	for q, n := range pages {
		assert.Equal(t, 1, n, "providers/all/?%s fetched once", q)
	}
}
