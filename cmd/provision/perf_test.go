package main

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/redact"
)

// The performance benchmarks and the ratios they hold (docs/performance.md).
// Each runs the real CLI against the in-process emulator behind a depth
// counter: a request's depth is 1 + the deepest request that had finished
// when it started, so the deepest request is the number of sequential round
// trips, whatever the machine's speed.

// depthServer serves an emulator and counts sequential round trips.
type depthServer struct {
	emu *emulator.Emulator
	// writeLock, when set, models a database lock: every write holds it
	// for writeHold before the emulator serves it.
	writeLock *sync.Mutex
	writeHold time.Duration
	mu        sync.Mutex
	finished  int // deepest finished request
	deepest   int
	// gen counts resets: a request that arrived before one (its client
	// already has the answer; the handler is still returning) must not
	// count after it.
	gen int
}

func (d *depthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	depth, gen := d.finished+1, d.gen
	d.mu.Unlock()
	if d.writeLock != nil && r.Method != http.MethodGet {
		d.writeLock.Lock()
		time.Sleep(d.writeHold)
		d.writeLock.Unlock()
	}
	d.emu.ServeHTTP(w, r)
	d.mu.Lock()
	if gen == d.gen {
		d.finished = max(d.finished, depth)
		d.deepest = max(d.deepest, depth)
	}
	d.mu.Unlock()
}

func (d *depthServer) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.finished, d.deepest = 0, 0
	d.gen++
	d.emu.ResetLog()
}

func (d *depthServer) depth() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deepest
}

type perfEnv struct {
	tb  testing.TB
	emu *emulator.Emulator
	srv *depthServer
	cli *cli
}

func newPerfEnv(tb testing.TB, syntheticApps int) *perfEnv {
	emu := emulator.New(emulator.Options{})
	if syntheticApps > 0 {
		emu.SeedScale(syntheticApps)
	}
	d := &depthServer{emu: emu}
	hs := httptest.NewServer(d)
	tb.Cleanup(hs.Close)
	return &perfEnv{tb: tb, emu: emu, srv: d, cli: newCLIFor(tb, hs.URL, emu)}
}

// run runs the CLI and fails unless it exits 0 or 2 (changes).
func (p *perfEnv) run(args ...string) {
	p.tb.Helper()
	if r := p.cli.run(args...); r.code != exitOK && r.code != exitChanges {
		p.tb.Fatalf("provision %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.out, r.err)
	}
}

// scaleManifest declares n applications as SeedScale names them: each with
// an OAuth2 provider and a group that may use it.
func scaleManifest(tb testing.TB, n int) string {
	return scaleManifestFrom(tb, 1, n)
}

// scaleManifestFrom is scaleManifest of the n applications numbered from
// first: past the seeded ones, a plan creates them (4 objects each).
func scaleManifestFrom(tb testing.TB, first, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\ngroups:\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "  - name: group-%05d\n", i)
	}
	b.WriteString("providers:\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "  - {name: provider-%05d, type: oauth2, redirect_uris: [{url: 'https://app-%05d.example.com/callback'}]}\n", i, i)
	}
	b.WriteString("applications:\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "  - {name: app-%05d, slug: app-%05d, provider: provider-%05d, access: {groups: [group-%05d]}}\n", i, i, i, i)
	}
	path := filepath.Join(tb.TempDir(), "scale.yaml")
	require.NoError(tb, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// peakHeap runs fn and returns the most heap it used above the live heap
// before it (sampled every millisecond).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

const benchLatency = 20 * time.Millisecond

// depthLatency is the latency of the run that counts round trips: long
// enough that the emulator's own CPU, spent under one lock, cannot spread
// one wave of parallel requests over the next (at 10,000 objects a plan's
// 130 pages take about 0.3 s of it).
const depthLatency = 250 * time.Millisecond

// measure runs args b.N times without latency (the CPU of client and
// emulator), then b.N times, timed, with benchLatency, and reports
// requests, writes and sequential round trips per op (counted, see
// depthServer), round trips measured from wall time (wall time with
// latency minus wall time without, over the latency: noisy on a busy
// machine) and the peak heap.
func measure(b *testing.B, p *perfEnv, args ...string) {
	start := time.Now()
	for i := 0; i < b.N; i++ {
		p.run(args...)
	}
	base := time.Since(start) / time.Duration(b.N)
	p.emu.SetLatency(benchLatency)
	p.srv.reset()
	var peak uint64
	b.ResetTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakHeap(func() { p.run(args...) }))
	}
	wall := time.Since(start) / time.Duration(b.N)
	b.StopTimer()
	b.ReportMetric(float64(len(p.emu.Requests()))/float64(b.N), "requests/op")
	b.ReportMetric(float64(p.emu.Writes())/float64(b.N), "writes/op")
	b.ReportMetric(float64(wall-base)/float64(benchLatency), "wall-roundtrips")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	p.emu.SetLatency(depthLatency)
	p.srv.reset()
	p.run(args...)
	b.ReportMetric(float64(p.srv.depth()), "roundtrips")
}

// BenchmarkPlanScale plans a manifest of n applications (each with its
// provider, group and access) against an authentik of 10,000 objects.
//
//	go test ./cmd/provision -run '^$' -bench PlanScale -benchtime 3x
func BenchmarkPlanScale(b *testing.B) {
	for _, n := range []int{10, 200, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			p := newPerfEnv(b, 2500)
			path := scaleManifest(b, n)
			p.run("plan", "-f", path) // warm up
			measure(b, p, "plan", "-f", path)
		})
	}
}

// BenchmarkPlanText plans 1,000 applications authentik does not have yet
// (4,000 creates, about 1 MB of text) against an authentik of 10,000
// objects, whose 2,500 client secrets the run registers with its
// redactor, with the text renderer and with -o json, at 20 ms of latency.
// It reports each one's wall time, their ratio, and the redactor's steps
// per byte it masked. (BenchmarkPlanScale's plans change nothing: their
// text is one line, which is how the redactor's cost went unseen.)
//
//	go test ./cmd/provision -run '^$' -bench PlanText -benchtime 3x
func BenchmarkPlanText(b *testing.B) {
	const n = 1000
	p := newPerfEnv(b, 2500)
	path := scaleManifestFrom(b, 2501, n)
	p.run("plan", "-f", path) // warm up
	p.emu.SetLatency(benchLatency)
	wall := map[string]time.Duration{}
	var steps, masked int64
	b.ResetTimer()
	for range b.N {
		for _, format := range []string{"text", "json"} {
			r := redact.New()
			start := time.Now()
			res := p.cli.runWith(func(s *IOStreams) { s.Redactor = r }, "plan", "-f", path, "-o", format)
			wall[format] += time.Since(start)
			require.Equal(b, exitOK, res.code, res.err)
			if format == "text" {
				require.Equal(b, 4*n, strings.Count(res.out, " will be created"))
				steps, masked = steps+r.Steps(), masked+int64(len(res.out)+len(res.err))
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(wall["text"].Milliseconds())/float64(b.N), "text-ms")
	b.ReportMetric(float64(wall["json"].Milliseconds())/float64(b.N), "json-ms")
	b.ReportMetric(float64(wall["text"])/float64(wall["json"]), "text/json")
	b.ReportMetric(float64(steps)/float64(masked), "redact-steps/byte")
}

// BenchmarkExportScale exports every application of an authentik of
// 10,000 objects (2,500 applications with their providers and access).
//
//	go test ./cmd/provision -run '^$' -bench ExportScale -benchtime 3x
func BenchmarkExportScale(b *testing.B) {
	p := newPerfEnv(b, 2500)
	out := filepath.Join(b.TempDir(), "all.yaml")
	args := []string{"export", "--all", "--out", out}
	p.run(args...) // warm up
	measure(b, p, args...)
}

// BenchmarkApplyScale applies 200 applications (800 objects) to a fresh
// authentik with the default parallelism, then re-applies (0 writes).
//
//	go test ./cmd/provision -run '^$' -bench ApplyScale -benchtime 3x
func BenchmarkApplyScale(b *testing.B) {
	const n = 200
	path := scaleManifest(b, n)
	applyOnce := func(latency time.Duration) (*perfEnv, time.Duration, uint64) {
		p := newPerfEnv(b, 0)
		p.emu.SetLatency(latency)
		p.srv.reset()
		start := time.Now()
		peak := peakHeap(func() { p.run("apply", "-f", path, "--auto-approve") })
		return p, time.Since(start), peak
	}
	b.Run("from-empty", func(b *testing.B) {
		_, base, _ := applyOnce(0)
		var wall time.Duration
		var last *perfEnv
		var peak uint64
		for i := 0; i < b.N; i++ {
			p, w, pk := applyOnce(benchLatency)
			wall, last, peak = wall+w, p, max(peak, pk)
		}
		wall /= time.Duration(b.N)
		b.ReportMetric(float64(len(last.emu.Requests())), "requests/op")
		b.ReportMetric(float64(last.emu.Writes()), "writes/op")
		b.ReportMetric(float64(last.srv.depth()), "roundtrips")
		b.ReportMetric(float64(wall-base)/float64(benchLatency), "wall-roundtrips")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(last.emu.Writes())/float64(plan.DefaultParallelism), "writes/parallelism")
	})
	b.Run("re-apply", func(b *testing.B) {
		p, _, _ := applyOnce(0) // and warm up
		measure(b, p, "apply", "-f", path, "--auto-approve")
	})
}

// BenchmarkWriteConcurrency measures apply's write throughput against the
// --parallelism given, with 20 ms of latency and every write holding a
// server-wide lock (a database lock) for hold: writes/s rises with
// concurrency until the lock is busy all the time, then stays flat.
//
//	go test ./cmd/provision -run '^$' -bench WriteConcurrency -benchtime 1x
func BenchmarkWriteConcurrency(b *testing.B) {
	const n = 50 // 200 writes
	path := scaleManifest(b, n)
	for _, hold := range []time.Duration{2 * time.Millisecond, 5 * time.Millisecond} {
		for _, par := range []int{1, 2, 4, 8, 16, 32} {
			b.Run(fmt.Sprintf("hold=%s/parallelism=%d", hold, par), func(b *testing.B) {
				var wall time.Duration
				for i := 0; i < b.N; i++ {
					p := newPerfEnv(b, 0)
					p.srv.writeLock, p.srv.writeHold = &sync.Mutex{}, hold
					p.run("plan", "-f", path) // warm up connections
					p.emu.SetLatency(benchLatency)
					p.srv.reset()
					start := time.Now()
					p.run("apply", "-f", path, "--auto-approve", "--parallelism", fmt.Sprint(par))
					wall += time.Since(start)
				}
				b.ReportMetric(float64(4*n*b.N)/wall.Seconds(), "writes/s")
			})
		}
	}
}

// TestPerformanceRatios holds docs/performance.md's targets as ratios at a small
// scale, counted (requests, writes, sequential round trips), never timed.
//
// Not parallel: the round trips are counted under latency, and other tests
// sharing the CPU could spread one wave of requests over the next. It
// skips under -short for the same reason.
// serial: counts round trips under latency, alone.
func TestPerformanceRatios(t *testing.T) {
	if testing.Short() {
		t.Skip("counts round trips under latency, alone: it runs without -short (.ci/run)")
	}
	const apps = 40
	// Latencies long enough that a slow machine (-race, a loaded CI
	// runner) still starts one wave of parallel requests before any of
	// them finishes.
	const applyLatency, planLatency = 50 * time.Millisecond, 100 * time.Millisecond
	path := scaleManifest(t, apps)

	t.Run("apply", func(t *testing.T) {
		p := newPerfEnv(t, 0)
		p.emu.SetLatency(applyLatency)
		p.run("apply", "-f", path, "--auto-approve")
		writes := p.emu.Writes()
		require.Equal(t, 4*apps, writes, "a group, a provider, an application and a binding each")
		bound := 1.3 * float64(writes) / float64(plan.DefaultParallelism)
		t.Logf("apply: %d writes, %d requests, %d round trips", writes, len(p.emu.Requests()), p.srv.depth())
		reads := 4 // the plan before it: me/version, then lists, then their pages
		assert.LessOrEqual(t, float64(p.srv.depth()), bound+float64(reads),
			"apply round trips ≤ 1.3 × writes ÷ parallelism (+ the plan's reads)")

		p.srv.reset()
		p.run("apply", "-f", path, "--auto-approve")
		assert.Zero(t, p.emu.Writes(), "re-apply writes nothing")
	})

	// The text renderer's output passes through the redactor, which knows
	// every client secret authentik returned: masking it costs a few
	// look-ups per byte, whatever the number of secrets (the redactor
	// once looked at every secret on every write).
	t.Run("text plan", func(t *testing.T) {
		const live = 250
		p := newPerfEnv(t, live)
		r := redact.New()
		res := p.cli.runWith(func(s *IOStreams) { s.Redactor = r }, "plan", "-f", scaleManifestFrom(t, live+1, apps))
		require.Equal(t, exitOK, res.code, res.err)
		require.Equal(t, 4*apps, strings.Count(res.out, " will be created"))
		live1, _, err := p.cli.api().ProvidersApi.ProvidersOauth2Retrieve(t.Context(), p.emu.ProviderPK("provider-00001")).Execute()
		require.NoError(t, err)
		secret := live1.GetClientSecret()
		require.Len(t, secret, 128)
		assert.Equal(t, redact.Mask, r.String(secret), "the live client secrets are registered")
		perByte := float64(r.Steps()) / float64(len(res.out)+len(res.err))
		t.Logf("text plan: %d bytes, %d redactor steps, %.2f a byte", len(res.out)+len(res.err), r.Steps(), perByte)
		assert.LessOrEqual(t, perByte, 1.5, "redactor steps per byte of a text plan")
	})

	t.Run("plan", func(t *testing.T) {
		const live = 250 // 1,000 objects: 3 pages of each big list
		p := newPerfEnv(t, live)
		p.emu.SetLatency(planLatency)
		p.run("plan", "-f", path)
		lists := map[string]bool{}
		for _, r := range p.emu.Requests() {
			lists[r.Path] = true
		}
		t.Logf("plan: %d requests on %d lists, %d round trips", len(p.emu.Requests()), len(lists), p.srv.depth())
		pages := int(math.Ceil(float64(live+1) / 100))
		assert.LessOrEqual(t, len(p.emu.Requests()), len(lists)*pages+1, "plan requests ≤ kinds × pages + 1")
		assert.LessOrEqual(t, p.srv.depth(), 3, "plan's critical path")
	})
}

// flowsManifest declares n flows, each with 5 stages of its own bound at
// orders 10..50: 6n creates and 5n bindings.
func flowsManifest(tb testing.TB, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nstages:\n")
	for i := 1; i <= n; i++ {
		for s := 1; s <= 5; s++ {
			fmt.Fprintf(&b, "  - {name: stage-%03d-%d, type: deny, deny_message: \"no %d\"}\n", i, s, s)
		}
	}
	b.WriteString("flows:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  - slug: flow-%03d\n    name: Flow %d\n    title: Flow %d\n    designation: authentication\n    stages:\n", i, i, i)
		for s := 1; s <= 5; s++ {
			fmt.Fprintf(&b, "      - {stage: stage-%03d-%d, order: %d}\n", i, s, s*10)
		}
	}
	path := filepath.Join(tb.TempDir(), "flows.yaml")
	require.NoError(tb, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// BenchmarkApplyFlows applies 50 flows with 5 stage bindings each (550
// writes) at benchLatency: binding order within a flow never serialises
// the flows, so wall time stays near writes / parallelism round trips.
//
//	go test ./cmd/provision -run '^$' -bench ApplyFlows -benchtime 1x
func BenchmarkApplyFlows(b *testing.B) {
	path := flowsManifest(b, 50)
	applyOnce := func(latency time.Duration) (*perfEnv, time.Duration) {
		p := newPerfEnv(b, 0)
		p.emu.SetLatency(latency)
		p.srv.reset()
		start := time.Now()
		p.run("apply", "-f", path, "--auto-approve")
		return p, time.Since(start)
	}
	_, base := applyOnce(0) // the CPU time of client and emulator, no latency
	var wall time.Duration
	var last *perfEnv
	for i := 0; i < b.N; i++ {
		p, w := applyOnce(benchLatency)
		wall, last = wall+w, p
	}
	wall = wall/time.Duration(b.N) - base
	writes := float64(last.emu.Writes())
	b.ReportMetric(writes, "writes/op")
	b.ReportMetric(float64(wall)/float64(benchLatency), "wall-roundtrips")
	b.ReportMetric(writes/float64(plan.DefaultParallelism), "writes/parallelism")
	b.ReportMetric(float64(wall)/float64(benchLatency)/(writes/float64(plan.DefaultParallelism)), "ratio-to-floor")
}
