package authentik_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
	desc "github.com/provision/provision/internal/kinds"
	"github.com/provision/provision/internal/plan"
)

// loseAnswers handles the first n requests matching method and path, then
// answers 502 instead of their response (the write happened, the answer is
// lost, as a proxy that timed out reports it).
type loseAnswers struct {
	next         http.Handler
	method, path string
	mu           sync.Mutex
	n            int
}

func (l *loseAnswers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	lose := l.n > 0 && r.Method == l.method && r.URL.Path == l.path
	if lose {
		l.n--
	}
	l.mu.Unlock()
	if !lose {
		l.next.ServeHTTP(w, r)
		return
	}
	l.next.ServeHTTP(httptest.NewRecorder(), r)
	w.WriteHeader(http.StatusBadGateway)
}

func fastClient(t *testing.T, url, token string) *authentik.Client {
	t.Helper()
	c, err := authentik.New(authentik.Config{URL: url, Token: token, Clock: clock.NewFake(time.Unix(0, 0))})
	require.NoError(t, err)
	return c
}

func TestAmbiguousCreatesAreReReadNeverDuplicated(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		path   string
		change func(ids *plan.IDs) *plan.Change
		count  string
	}{
		{name: "group", path: "/api/v3/core/groups/", count: "group",
			change: func(*plan.IDs) *plan.Change {
				return &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}
			}},
		{name: "scope mapping", path: "/api/v3/propertymappings/provider/scope/", count: "scopemapping",
			change: func(*plan.IDs) *plan.Change {
				return &plan.Change{Kind: plan.KindScopeMapping, Key: "m", Action: plan.Create, Spec: &plan.EntrySpec{Kind: desc.Family("scope mapping")[0],
					Body: map[string]any{"name": "m", "expression": "return {}", "scope_name": "roles"}}}
			}},
		{name: "application", path: "/api/v3/core/applications/", count: "application",
			change: func(*plan.IDs) *plan.Change {
				n := "App"
				return &plan.Change{Kind: plan.KindApplication, Key: "app", Action: plan.Create, Spec: &plan.ApplicationSpec{Slug: "app", Name: &n}}
			}},
		{name: "binding", path: "/api/v3/policies/bindings/", count: "binding"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu := emulator.New(emulator.Options{})
			lose := &loseAnswers{next: emu, method: http.MethodPost, path: tc.path, n: 1}
			srv := httptest.NewServer(lose)
			t.Cleanup(srv.Close)
			c := fastClient(t, srv.URL, emu.Token())
			ids := plan.NewIDs(&plan.Live{})
			ex := c.Executor()
			ctx := context.Background()
			var ch *plan.Change
			if tc.change != nil {
				ch = tc.change(ids)
			} else {
				// A binding needs an application and a group.
				n := "App"
				require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}, ids))
				require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindApplication, Key: "app", Action: plan.Create, Spec: &plan.ApplicationSpec{Slug: "app", Name: &n}}, ids))
				ch = &plan.Change{Kind: plan.KindAccess, Key: "app", Action: plan.Update, Spec: &plan.AccessSpec{AppSlug: "app", AddGroups: []string{"g"}, FirstOrder: 0}}
			}
			before := emu.Counts()[tc.count]
			require.NoError(t, ex.Execute(ctx, ch, ids))
			assert.Equal(t, before+1, emu.Counts()[tc.count], "exactly one object, though the first answer was lost")
			st := c.Stats()
			assert.Equal(t, int64(1), st.ReReads)
			assert.Equal(t, int64(1), st.Settled)
			assert.Equal(t, int64(0), st.Writes, "the create was not sent again")
			if tc.change != nil {
				_, err := ids.Get(ch.Kind, ch.Key)
				assert.NoError(t, err, "the pk found by the re-read is recorded")
			}
		})
	}
}

func TestCreateNotProcessedIsSentAgain(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	emu.InjectFault(emulator.Fault{Method: "POST", Kind: emulator.FaultStatus, Status: 503, Nth: 1, Times: 1})
	emu.InjectFault(emulator.Fault{Method: "POST", Kind: emulator.FaultDrop, Nth: 2, Times: 1})
	c := fastClient(t, srv.URL, emu.Token())
	ids := plan.NewIDs(&plan.Live{})
	groups := emu.Counts()["group"]
	ch := &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}
	require.NoError(t, c.Executor().Execute(context.Background(), ch, ids))
	assert.Equal(t, groups+1, emu.Counts()["group"])
	assert.Equal(t, 3, emu.Count("POST", "/api/v3/core/groups/"))
	st := c.Stats()
	assert.Equal(t, int64(2), st.Writes)
	assert.Equal(t, int64(2), st.ReReads, "each unknown outcome is re-read before the create is sent again")
	assert.Equal(t, int64(0), st.Settled)
}

func TestWritesGiveUpAfterFiveAttempts(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	emu.InjectFault(emulator.Fault{Method: "PATCH", Kind: emulator.FaultStatus, Status: 500, Every: 1})
	c := fastClient(t, srv.URL, emu.Token())
	ids := plan.NewIDs(&plan.Live{})
	ex := c.Executor()
	ctx := context.Background()
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}, ids))
	pk, _ := ids.Get(plan.KindGroup, "g")
	yes := true
	err := ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", ID: pk, Action: plan.Update, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g", "is_superuser": yes})}, ids)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "authentik answered HTTP 500")
	assert.Equal(t, 5, emu.Count("PATCH", "/api/v3/core/groups/"))
	assert.Equal(t, int64(4), c.Stats().Writes)
}

func TestAmbiguousDeleteIsDone(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	lose := &loseAnswers{next: emu, method: http.MethodDelete, n: 1}
	srv := httptest.NewServer(lose)
	t.Cleanup(srv.Close)
	c := fastClient(t, srv.URL, emu.Token())
	ids := plan.NewIDs(&plan.Live{})
	ex := c.Executor()
	ctx := context.Background()
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}, ids))
	pk, _ := ids.Get(plan.KindGroup, "g")
	lose.path = "/api/v3/core/groups/" + pk + "/"
	groups := emu.Counts()["group"]
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", ID: pk, Action: plan.Delete}, ids))
	assert.Equal(t, groups-1, emu.Counts()["group"])
	assert.Equal(t, int64(1), c.Stats().Writes, "sent again; its 404 says it is gone")
}

// The re-read of a binding whose answer was lost finds it past the first
// page: an application with more bindings than a page holds gets no
// duplicate (the new binding has the highest order, so it is listed last).
func TestAmbiguousBindingIsFoundBeyondTheFirstPage(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	seeded := emu.Counts()["binding"] // authentik's own, from its blueprints
	lose := &loseAnswers{next: emu, method: http.MethodPost, path: "/api/v3/policies/bindings/"}
	srv := httptest.NewServer(lose)
	t.Cleanup(srv.Close)
	c := fastClient(t, srv.URL, emu.Token())
	ids := plan.NewIDs(&plan.Live{})
	ex := c.Executor()
	ctx := context.Background()
	n := "App"
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}, ids))
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindApplication, Key: "app", Action: plan.Create, Spec: &plan.ApplicationSpec{Slug: "app", Name: &n}}, ids))
	groups := make([]string, 100)
	for i := range groups {
		groups[i] = "g"
	}
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindAccess, Key: "app", Action: plan.Update, Spec: &plan.AccessSpec{AppSlug: "app", AddGroups: groups}}, ids))
	require.Equal(t, seeded+100, emu.Counts()["binding"])

	lose.mu.Lock()
	lose.n = 1
	lose.mu.Unlock()
	require.NoError(t, ex.Execute(ctx, &plan.Change{Kind: plan.KindAccess, Key: "app", Action: plan.Update, Spec: &plan.AccessSpec{AppSlug: "app", AddGroups: []string{"g"}, FirstOrder: 100}}, ids))
	assert.Equal(t, seeded+101, emu.Counts()["binding"], "exactly one new binding, though its answer was lost")
	assert.Equal(t, int64(1), c.Stats().Settled)
}

// Providers have no name filter, only search (name or application name
// contains): the re-read of a provider whose answer was lost finds it past
// the first page of matches (it is the newest, so listed last) and the
// create is not sent again.
func TestAmbiguousProviderIsFoundBeyondTheFirstPage(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	emu.SeedSynthetic(150) // provider-0000 … provider-0149: all contain "provider"
	lose := &loseAnswers{next: emu, method: http.MethodPost, path: "/api/v3/providers/oauth2/", n: 1}
	srv := httptest.NewServer(lose)
	t.Cleanup(srv.Close)
	c := fastClient(t, srv.URL, emu.Token())
	ctx := context.Background()
	live, err := c.Snapshot(ctx, plan.Reads{Kinds: []plan.Kind{plan.KindFlow}})
	require.NoError(t, err)
	flow := func(slug string) *string {
		for _, f := range live.Flows {
			if f.Slug == slug {
				return &f.PK
			}
		}
		t.Fatalf("no flow %s", slug)
		return nil
	}
	ids := plan.NewIDs(&plan.Live{})
	before := emu.Counts()["provider"]
	ch := &plan.Change{Kind: plan.KindProvider, Key: "provider", Action: plan.Create, Spec: &plan.ProviderSpec{Name: "provider",
		AuthorizationFlow: flow("default-provider-authorization-implicit-consent"), InvalidationFlow: flow("default-provider-invalidation-flow"),
		Detail: &plan.OAuth2Spec{}}}
	require.NoError(t, c.Executor().Execute(ctx, ch, ids))
	assert.Equal(t, before+1, emu.Counts()["provider"], "exactly one provider, though its answer was lost")
	assert.Equal(t, int64(1), c.Stats().Settled)
	_, err = ids.Get(plan.KindProvider, "provider")
	assert.NoError(t, err, "the pk found by the re-read is recorded")
}
