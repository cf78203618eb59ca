package authentik_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/plan"
)

// The measurement behind docs/performance.md, "Not used: PUT /core/transactional/applications/":
// creating n applications from empty (each with an OAuth2 provider, a group
// and a binding of the group to the application) the way apply does today
// (four writes: group, provider, then application, then binding) against
// PUT /core/transactional/applications/ (two writes: the group, then one
// request with provider, application and binding), at apply's default
// parallelism, each write started as soon as what it references exists.
// The transactional answer carries no pk, so that strategy then reads the
// applications back (application pk and provider pk), as any later change
// that references them (outposts, the saved state) would have to.
//
// The database cost authentik pays is modelled as in
// BenchmarkWriteConcurrency: one server-wide lock held for `hold` per row
// written. The transactional endpoint writes every row twice (the
// blueprint importer's dry run in a rolled-back transaction, then the
// apply), so it holds the lock for 2 × 3 rows.
//
//	go test ./internal/authentik -run '^$' -bench Transactional -benchtime 1x

// txnServer counts sequential round trips (a request's depth is 1 + the
// deepest request finished when it started) and models the database lock.
type txnServer struct {
	emu      *emulator.Emulator
	hold     time.Duration
	db       sync.Mutex
	mu       sync.Mutex
	finished int
	deepest  int
	rows     int
}

func (s *txnServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	depth := s.finished + 1
	s.mu.Unlock()
	if r.Method != http.MethodGet {
		rows := 1
		if r.URL.Path == "/api/v3/core/transactional/applications/" {
			rows = 2 * 3 // dry run, then apply: provider, application, binding
		}
		s.mu.Lock()
		s.rows += rows
		s.mu.Unlock()
		if s.hold > 0 {
			s.db.Lock()
			time.Sleep(time.Duration(rows) * s.hold)
			s.db.Unlock()
		}
	}
	s.emu.ServeHTTP(w, r)
	s.mu.Lock()
	s.finished = max(s.finished, depth)
	s.deepest = max(s.deepest, depth)
	s.mu.Unlock()
}

type txnRun struct {
	requests, writes, roundtrips, rows int
	wall                               time.Duration
}

// createApps creates n applications with one strategy and returns what it
// cost. Every request holds one of `parallelism` slots.
func createApps(b testing.TB, n int, transactional bool, latency, hold time.Duration) txnRun {
	emu := emulator.New(emulator.Options{})
	seeded := emu.Counts()["binding"] // authentik's own, from its blueprints
	s := &txnServer{emu: emu, hold: hold}
	hs := httptest.NewServer(s)
	defer hs.Close()
	cfg := api.NewConfiguration()
	cfg.Servers = api.ServerConfigurations{{URL: hs.URL + "/api/v3"}}
	cfg.AddDefaultHeader("Authorization", "Bearer "+emu.Token())
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	c := api.NewAPIClient(cfg)
	ctx := context.Background()
	authz, inval := emu.FlowPK("default-provider-authorization-implicit-consent"), emu.FlowPK("default-provider-invalidation-flow")
	emu.SetLatency(latency)
	emu.ResetLog()

	slots := make(chan struct{}, plan.DefaultParallelism)
	do := func(f func() error) {
		slots <- struct{}{}
		defer func() { <-slots }()
		if err := f(); err != nil {
			if ge, ok := err.(*api.GenericOpenAPIError); ok {
				err = fmt.Errorf("%w: %s", err, ge.Body())
			}
			b.Error(err)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("app-%05d", i)
		provider := api.NewOAuth2ProviderRequest(name, authz, inval,
			[]api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://"+name+".example.com/callback")})
		wg.Add(1)
		go func() {
			defer wg.Done()
			var group string
			groupDone := make(chan struct{})
			go func() {
				defer close(groupDone)
				do(func() error {
					g, _, err := c.CoreApi.CoreGroupsCreate(ctx).GroupRequest(*api.NewGroupRequest("group-" + name)).Execute()
					if err == nil {
						group = g.Pk
					}
					return err
				})
			}()
			if transactional {
				<-groupDone
				req := api.NewTransactionApplicationRequest(*api.NewApplicationRequest(name, name),
					api.PROVIDERMODELENUM_OAUTH2_OAUTH2PROVIDER, api.OAuth2ProviderRequestAsModelRequest(provider))
				bind := api.NewTransactionPolicyBindingRequest(0)
				bind.SetGroup(group)
				req.SetPolicyBindings([]api.TransactionPolicyBindingRequest{*bind})
				do(func() error {
					out, _, err := c.CoreApi.CoreTransactionalApplicationsUpdate(ctx).TransactionApplicationRequest(*req).Execute()
					if err == nil && !out.Applied {
						err = fmt.Errorf("%s: not applied", name)
					}
					return err
				})
				return
			}
			var ppk int32
			do(func() error {
				p, _, err := c.ProvidersApi.ProvidersOauth2Create(ctx).OAuth2ProviderRequest(*provider).Execute()
				if err == nil {
					ppk = p.Pk
				}
				return err
			})
			app := api.NewApplicationRequest(name, name)
			app.SetProvider(ppk)
			var apk string
			do(func() error {
				a, _, err := c.CoreApi.CoreApplicationsCreate(ctx).ApplicationRequest(*app).Execute()
				if err == nil {
					apk = a.Pk
				}
				return err
			})
			<-groupDone
			bind := api.NewPolicyBindingRequest(apk, 0)
			bind.SetGroup(group)
			do(func() error {
				_, _, err := c.PoliciesApi.PoliciesBindingsCreate(ctx).PolicyBindingRequest(*bind).Execute()
				return err
			})
		}()
	}
	wg.Wait()
	if transactional {
		// Learn the new pks: the applications list (each with its
		// provider's pk), first page then the rest in parallel, as the
		// snapshot reads.
		pks := map[string]int32{}
		var mu sync.Mutex
		page := func(p int32) int32 {
			var pages int32
			do(func() error {
				l, _, err := c.CoreApi.CoreApplicationsList(ctx).PageSize(100).Page(p).SuperuserFullList(true).Execute()
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				for _, a := range l.Results {
					if v := a.Provider.Get(); v != nil {
						pks[a.Slug] = *v
					}
				}
				pages = int32(l.Pagination.TotalPages)
				return nil
			})
			return pages
		}
		total := page(1)
		var pw sync.WaitGroup
		for p := int32(2); p <= total; p++ {
			pw.Add(1)
			go func() { defer pw.Done(); page(p) }()
		}
		pw.Wait()
		require.Len(b, pks, n, "every application read back with its provider")
	}
	wall := time.Since(start)
	hs.Close() // waits for the emulator to log every request
	counts := emu.Counts()
	require.Equal(b, n, counts["application"])
	require.Equal(b, seeded+n, counts["binding"])
	return txnRun{requests: len(emu.Requests()), writes: emu.Writes(), roundtrips: s.deepest, rows: s.rows, wall: wall}
}

func BenchmarkTransactionalCreate(b *testing.B) {
	const n = 200
	const latency = 20 * time.Millisecond
	for _, hold := range []time.Duration{0, time.Millisecond, 2 * time.Millisecond} {
		for _, strategy := range []string{"two-request", "transactional"} {
			b.Run(fmt.Sprintf("hold=%s/%s", hold, strategy), func(b *testing.B) {
				txn := strategy == "transactional"
				base := createApps(b, n, txn, 0, 0) // the emulator's and client's CPU, no latency
				var r txnRun
				var wall time.Duration
				for i := 0; i < b.N; i++ {
					r = createApps(b, n, txn, latency, hold)
					wall += r.wall
				}
				wall /= time.Duration(b.N)
				b.ReportMetric(float64(r.requests), "requests/op")
				b.ReportMetric(float64(r.writes), "writes/op")
				b.ReportMetric(float64(r.rows), "db-rows/op")
				b.ReportMetric(float64(r.roundtrips), "roundtrips")
				b.ReportMetric(float64(wall-base.wall)/float64(latency), "wall-roundtrips")
				b.ReportMetric(wall.Seconds(), "wall-s")
			})
		}
	}
}

// TestTransactionalCreateCounts is the benchmark's short variant, counted
// and never timed: both strategies create every object, the transactional
// one in half the writes plus a read of the new pks, writing 7 rows per
// application on the server where the other writes 4.
func TestTransactionalCreateCounts(t *testing.T) {
	t.Parallel()
	const n = 12
	two := createApps(t, n, false, 0, 0)
	txn := createApps(t, n, true, 0, 0)
	require.Equal(t, 4*n, two.writes)
	require.Equal(t, 4*n, two.requests)
	require.Equal(t, 2*n, txn.writes)
	require.Equal(t, 2*n+1, txn.requests, "one page of applications read back")
	require.Equal(t, 4*n, two.rows)
	require.Equal(t, n+2*3*n, txn.rows)
}
