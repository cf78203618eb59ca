package authentik_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	"github.com/provision/provision/internal/plan"
)

func TestReadsRetryTransientFailures(t *testing.T) {
	t.Parallel()
	cases := map[string]emulator.Fault{
		"503":         {Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 503, Nth: 1, Times: 1},
		"429":         {Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 429, Nth: 1, Times: 1},
		"DroppedConn": {Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultDrop, Nth: 1, Times: 1},
		"500":         {Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 500, Nth: 1, Times: 1},
		"TwoInARow":   {Method: "GET", PathPrefix: "/api/v3/core/groups/", Kind: emulator.FaultStatus, Status: 502, Every: 1, Times: 2},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			srv, emu := emulatortest.NewServer(t, emulator.Options{})
			emu.InjectFault(f)
			_, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindGroup}})
			require.NoError(t, err)
			assert.Equal(t, f.Times+1, emu.Count("GET", "/api/v3/core/groups/"))
		})
	}
}

func TestReadsGiveUpAfterFourTries(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	emu.InjectFault(emulator.Fault{Method: "GET", Kind: emulator.FaultStatus, Status: 503, Every: 1})
	_, err := newClient(t, srv.URL, emu.Token()).Snapshot(context.Background(), plan.Reads{Kinds: []plan.Kind{plan.KindGroup}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "authentik answered HTTP 503")
	assert.Equal(t, 4, emu.Count("GET", "/api/v3/core/groups/"))
}

func TestRefusedWritesAreNotRetried(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	emu.InjectFault(emulator.Fault{Method: "POST", Kind: emulator.FaultStatus, Status: 400, Nth: 1, Times: 1})
	c := newClient(t, srv.URL, emu.Token())
	ch := &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}
	err := c.Executor().Execute(context.Background(), ch, plan.NewIDs(&plan.Live{}))
	require.Error(t, err)
	assert.Equal(t, 1, emu.Count("POST", "/api/v3/core/groups/"))
}
