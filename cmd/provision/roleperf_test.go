package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

// A plan reads the permissions of the roles its manifest declares with
// permissions:, never of the others authentik has: two lists per role read
// (authentik lists no role's permissions with the role), all at once.

// rolesManifest declares roles role-001 … role-n, each with a global
// permission and one on group perf-group.
func rolesManifest(tb testing.TB, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\ngroups:\n  - name: perf-group\nroles:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  - name: role-%03d\n    permissions: [authentik_core.view_user, {permission: view_group, group: perf-group}]\n", i)
	}
	path := filepath.Join(tb.TempDir(), fmt.Sprintf("roles-%d.yaml", n))
	require.NoError(tb, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// rolesEnv is an emulator holding n roles with their permissions, and the
// manifest declaring the first of them; arrivals logs the requests after.
func rolesEnv(tb testing.TB, n int) (*perfEnv, *arrivals, string) {
	emu := emulator.New(emulator.Options{})
	a := &arrivals{next: &depthServer{emu: emu}}
	hs := httptest.NewServer(a)
	tb.Cleanup(hs.Close)
	p := &perfEnv{tb: tb, emu: emu, srv: a.next, cli: newCLIFor(tb, hs.URL, emu)}
	p.run("apply", "-f", rolesManifest(tb, n), "--auto-approve")
	p.srv.reset()
	a.reset()
	return p, a, rolesManifest(tb, 1)
}

// arrivals logs each request as it arrives, before it is served: the
// emulator's own log is written once the answer is, so a client may be
// done before the log is.
type arrivals struct {
	next *depthServer
	mu   sync.Mutex
	log  []*http.Request
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.log = append(a.log, r)
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

func (a *arrivals) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = nil
}

// count returns the requests, and those to the role permission lists: by
// role (?role=, ?uuid=) and the catalogue (neither).
func (a *arrivals) count() (all, byRole, catalogue int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.log {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/v3/rbac/permissions/") {
			continue
		}
		if q := r.URL.Query(); q.Has("role") || q.Has("uuid") {
			byRole++
		} else {
			catalogue++
		}
	}
	return len(a.log), byRole, catalogue
}

// TestPlanReadsOnlyDeclaredRolesPermissions plans one declared role
// against 1 and 50 live roles: the same requests, two of them for the
// declared role's permissions; export --all reads every role's.
func TestPlanReadsOnlyDeclaredRolesPermissions(t *testing.T) {
	skipLong(t, "plans and exports against 50 live roles")
	t.Parallel()
	requests, catalogues := map[int]int{}, map[int]int{}
	for _, live := range []int{1, 50} {
		p, a, path := rolesEnv(t, live)
		r := p.cli.run("plan", "-f", path, "--detailed-exitcode")
		require.Equal(t, exitOK, r.code, "the declared role is converged: %s%s", r.out, r.err)
		all, byRole, catalogue := a.count()
		t.Logf("plan of 1 role against %d: %d requests, %d for its permissions, %d for the catalogue", live, all, byRole, catalogue)
		assert.Equal(t, 2, byRole, "%d live roles: the declared role's two lists only", live)
		requests[live], catalogues[live] = all, catalogue

		// export reads every role's.
		a.reset()
		out := filepath.Join(t.TempDir(), "all.yaml")
		p.run("export", "--all", "--out", out)
		_, byRole, _ = a.count()
		assert.Equal(t, 2*live, byRole, "export --all reads the permissions of all %d roles", live)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, live, strings.Count(string(data), "view_group"), "every role's object permission exported")
	}
	assert.Equal(t, requests[1], requests[50], "a plan's requests do not grow with the roles it does not declare")
	assert.Equal(t, catalogues[1], catalogues[50])
}

// The round trips of the same plan, counted under latency: equal at 1 and
// 50 live roles (the declared role's lists and the catalogue in parallel).
// With TestPerformanceRatios: alone, without -short.
// serial: counts round trips under latency, alone.
func TestPlanRoundTripsDoNotGrowWithRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("counts round trips under latency, alone: it runs without -short (.ci/run)")
	}
	depth := map[int]int{}
	for _, live := range []int{1, 50} {
		p, a, path := rolesEnv(t, live)
		p.emu.SetLatency(100 * time.Millisecond)
		p.run("plan", "-f", path)
		depth[live] = p.srv.depth()
		all, _, _ := a.count()
		t.Logf("plan of 1 role against %d: %d requests, %d round trips", live, all, depth[live])
	}
	assert.Equal(t, depth[1], depth[50], "round trips at 1 and 50 live roles")
	assert.LessOrEqual(t, depth[50], 2, "the lists, then the role's permissions and the catalogue's later pages")
}

// BenchmarkPlanRoles plans a manifest declaring one role against an
// authentik holding 1, 50 and 500 roles, and exports every role.
//
//	go test ./cmd/provision -run '^$' -bench PlanRoles -benchtime 3x
func BenchmarkPlanRoles(b *testing.B) {
	for _, live := range []int{1, 50, 500} {
		b.Run(fmt.Sprintf("roles=%d", live), func(b *testing.B) {
			p, _, path := rolesEnv(b, live)
			p.run("plan", "-f", path) // warm up
			measure(b, p, "plan", "-f", path)
		})
	}
	for _, live := range []int{50, 500} {
		b.Run(fmt.Sprintf("export-all/roles=%d", live), func(b *testing.B) {
			p, _, _ := rolesEnv(b, live)
			args := []string{"export", "--all", "--out", filepath.Join(b.TempDir(), "all.yaml")}
			p.run(args...) // warm up
			measure(b, p, args...)
		})
	}
}
