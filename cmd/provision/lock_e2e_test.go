package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	api "goauthentik.io/api/v3"
)

// asCLI makes the test binary act as the provision binary when re-executed
// with PROVISION_AS_CLI=1: tests start real, separate processes of the CLI
// without a separate build.
//
// Most end-to-end tests spend their time waiting (on a subprocess, a go
// build, a lock), so without -parallel the tests run 4 per CPU at once
// rather than 1.
func TestMain(m *testing.M) {
	if os.Getenv("PROVISION_AS_CLI") == "1" {
		main()
	}
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	if os.Getenv("GOGC") == "" && flag.Lookup("test.bench").Value.String() == "" {
		// Hundreds of short-lived emulators and CLI runs: the collector
		// took about a fifth of the package's CPU at the default 100.
		// Not for benchmarks: their peak-heap figures are at the default.
		debug.SetGCPercent(400)
	}
	os.Exit(m.Run())
}

// cliProcess returns a command running provision as its own process.
func cliProcess(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "PROVISION_AS_CLI=1"), env...)
	return cmd
}

// startSandbox runs `provision sandbox --latency` as a process and returns
// its URL and token.
func startSandbox(t *testing.T, latency time.Duration) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := cliProcess(ctx, nil, "sandbox", "--addr", "127.0.0.1:0", "--latency", latency.String(), "--token", "concurrency-test-token")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	urlLine := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return m[1], "concurrency-test-token"
		}
	}
	t.Fatal("the sandbox printed no URL")
	return "", ""
}

func apiFor(url, token string) *api.APIClient {
	cfg := api.NewConfiguration()
	cfg.Servers = api.ServerConfigurations{{URL: url + "/api/v3"}}
	cfg.AddDefaultHeader("Authorization", "Bearer "+token)
	return api.NewAPIClient(cfg)
}

// Two applies of one stack at once, as two processes against the sandbox
// with latency: the lock serialises them, both succeed, and authentik ends
// with exactly one of each object. PROVISION_LONG_TESTS=1 runs the issue's
// size (20 applications, 50 ms); the default keeps CI quick.
func TestConcurrentAppliesOfOneStack(t *testing.T) {
	t.Parallel()
	apps, latency := 20, 10*time.Millisecond
	if os.Getenv("PROVISION_LONG_TESTS") == "1" {
		latency = 50 * time.Millisecond
	}
	if testing.Short() {
		apps = 5
	}
	url, token := startSandbox(t, latency)
	var slugs []string
	for i := range apps {
		slugs = append(slugs, "app"+strconv.Itoa(i))
	}
	m := writeManifest(t, stackManifest("shared", slugs...))
	env := []string{"AUTHENTIK_URL=" + url, "AUTHENTIK_TOKEN=" + token}

	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = cliProcess(context.Background(), env, "apply", "-f", m, "--auto-approve", "--lock-timeout", "60s").CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range 2 {
		require.NoError(t, errs[i], "apply %d:\n%s", i, outs[i])
	}
	// One created everything; the other waited for the lock, then planned
	// against the result and found nothing to do.
	created := fmt.Sprintf("Apply complete: %d added", 3*apps+apps)
	first, second := string(outs[0]), string(outs[1])
	if !strings.Contains(first, created) {
		first, second = second, first
	}
	assert.Contains(t, first, created)
	assert.Contains(t, second, "No changes.")

	ak := apiFor(url, token)
	ctx := context.Background()
	list, _, err := ak.CoreApi.CoreApplicationsList(ctx).SuperuserFullList(true).PageSize(100).Execute()
	require.NoError(t, err)
	seen := map[string]int{}
	for _, a := range list.Results {
		seen[a.Slug]++
	}
	assert.Len(t, list.Results, apps)
	for _, s := range slugs {
		assert.Equal(t, 1, seen[s], "application %s", s)
	}
	bindings, _, err := ak.PoliciesApi.PoliciesBindingsList(ctx).PageSize(100).Execute()
	require.NoError(t, err)
	groupBindings := map[string]int{}
	for _, b := range bindings.Results {
		if g := b.Group.Get(); g != nil {
			groupBindings[b.Target+"/"+*g]++
		}
	}
	assert.Len(t, groupBindings, apps)
	for k, n := range groupBindings {
		assert.Equal(t, 1, n, "binding %s", k)
	}
	// The lock is gone, and a fresh plan is empty.
	locks, _, err := ak.ManagedApi.ManagedBlueprintsList(ctx).Name("provision-lock-shared").Execute()
	require.NoError(t, err)
	assert.Empty(t, locks.Results)
	out, err := cliProcess(ctx, env, "plan", "-f", m, "--detailed-exitcode").CombinedOutput()
	assert.NoError(t, err, "%s", out)
}

// A held lock fails a second apply at once (default --lock-timeout 0), with
// one sentence naming the holder; plan does not take it; unlock breaks it.
func TestLockHeldFailsAtOnceAndUnlockBreaksIt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x"))
	// Another apply holds the lock: its instance exists.
	req := api.NewBlueprintInstanceRequest("provision-lock-prod")
	off, content := false, "version: 1\nentries: []\n"
	req.Enabled, req.Content = &off, &content
	until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	req.Context = map[string]any{"holder": "h", "host": "ci-runner-7", "pid": 4242, "since": "2026-11-29T10:00:00Z", "expires": until}
	_, _, err := c.api().ManagedApi.ManagedBlueprintsCreate(context.Background()).BlueprintInstanceRequest(*req).Execute()
	require.NoError(t, err)

	r := c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, fmt.Sprintf(`stack "prod" is locked by another apply (host ci-runner-7, pid 4242, since 2026-11-29T10:00:00Z, lease until %s)`, until))
	assert.Empty(t, appSlugs(t, c))
	assert.Equal(t, exitChanges, c.run("plan", "-f", m, "--detailed-exitcode").code, "plan does not need the lock")

	r = c.run("state", "unlock", "--stack", "prod")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Broke the lock of stack \"prod\" held by host ci-runner-7, pid 4242")
	require.Equal(t, exitOK, c.run("apply", "-f", m, "--auto-approve").code)
}

// A lock whose lease expired (its holder died) is broken by the next apply.
func TestExpiredLockIsBroken(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	m := writeManifest(t, stackManifest("prod", "x"))
	req := api.NewBlueprintInstanceRequest("provision-lock-prod")
	off, content := false, "version: 1\nentries: []\n"
	req.Enabled, req.Content = &off, &content
	req.Context = map[string]any{"holder": "h", "host": "dead", "pid": 1, "since": "2026-01-01T00:00:00Z", "expires": "2026-01-01T00:02:00Z"}
	_, _, err := c.api().ManagedApi.ManagedBlueprintsCreate(context.Background()).BlueprintInstanceRequest(*req).Execute()
	require.NoError(t, err)
	r := c.run("apply", "-f", m, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	locks, _, err := c.api().ManagedApi.ManagedBlueprintsList(context.Background()).Name("provision-lock-prod").Execute()
	require.NoError(t, err)
	assert.Empty(t, locks.Results, "released at the end")
}
