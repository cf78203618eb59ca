package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// buildBinary builds provision once per test binary run, with -race when
// the tests run with it: a cold CI run then compiles every package in one
// mode only.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "provision-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "provision")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

// binRun is one run of the real binary against a sandbox.
type binRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startBinary(t *testing.T, url, token string, args ...string) *binRun {
	t.Helper()
	bin, err := buildBinary()
	require.NoError(t, err)
	r := &binRun{cmd: exec.Command(bin, args...)}
	r.cmd.Env = append(os.Environ(), "AUTHENTIK_URL="+url, "AUTHENTIK_TOKEN="+token, "LIBRECHAT_URL=https://chat.example.com", "NO_COLOR=1")
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	require.NoError(t, r.cmd.Start())
	return r
}

func (r *binRun) wait() int {
	err := r.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// killAfterWrites sends sig to the run once the emulator has handled k
// writes (POST, PUT, PATCH, DELETE).
func killAfterWrites(emu *emulator.Emulator, k int, sig os.Signal, target func() *os.Process) {
	var mu sync.Mutex
	n := 0
	emu.SetRequestLogger(func(rec emulator.RequestRecord) {
		switch rec.Method {
		case "POST", "PUT", "PATCH", "DELETE":
		default:
			return
		}
		mu.Lock()
		n++
		hit := n == k
		mu.Unlock()
		if hit {
			_ = target().Signal(sig)
		}
	})
}

// crashCampaign kills apply with SIGKILL after the k-th write for every k,
// then re-runs it: each re-run must exit 0 with no duplicates and an empty
// fresh plan, and the .env must be the old file or the new one throughout.
//
// With a stack, the record after each re-run must be a clean apply's, and
// no lock may be left: a lock whose holder was killed is broken by the
// re-run (its process is gone on this node), which says so.
func crashCampaign(t *testing.T, manifest string, wantCounts map[string]int, envFile string, stack string) {
	// How many writes a clean apply makes.
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	r := startBinary(t, srv.URL, emu.Token(), "apply", "-f", manifest, "--auto-approve")
	require.Equal(t, 0, r.wait(), r.stderr.String())
	writes := emu.Writes()
	require.Positive(t, writes)
	t.Logf("a clean apply makes %d writes", writes)
	wantRecord, _, _ := stackState(t, apiFor(srv.URL, emu.Token()))
	if stack != "" {
		require.NotEmpty(t, wantRecord)
	}
	brokenLocks := 0

	const oldEnv = "# written by hand before provision\nOPENID_CLIENT_ID=old\n"
	for k := 1; k <= writes; k++ {
		srv, emu := emulatortest.NewServer(t, emulator.Options{Latency: 5 * time.Millisecond})
		fresh := emu.Counts() // authentik's own objects (13 seeded bindings)
		dir := t.TempDir()
		path := filepath.Join(dir, filepath.Base(manifest))
		data, err := os.ReadFile(manifest)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		envPath := filepath.Join(dir, envFile)
		if envFile != "" {
			require.NoError(t, os.WriteFile(envPath, []byte(oldEnv), 0o600))
		}

		var run *binRun
		var mu sync.Mutex
		killAfterWrites(emu, k, syscall.SIGKILL, func() *os.Process { mu.Lock(); defer mu.Unlock(); return run.cmd.Process })
		mu.Lock()
		run = startBinary(t, srv.URL, emu.Token(), "apply", "-f", path, "--auto-approve")
		mu.Unlock()
		code := run.wait()
		emu.SetRequestLogger(nil)
		if k < writes {
			assert.Equal(t, -int(syscall.SIGKILL), code, "k=%d: killed", k)
		}
		if envFile != "" {
			assertOldOrNewEnv(t, envPath, oldEnv, k)
		}

		_, _, leftLocks := stackState(t, apiFor(srv.URL, emu.Token()))
		rerun := startBinary(t, srv.URL, emu.Token(), "apply", "-f", path, "--auto-approve")
		require.Equal(t, 0, rerun.wait(), "k=%d: re-run after the kill\n%s", k, rerun.stderr.String())
		if len(leftLocks) > 0 {
			brokenLocks++
			assert.Contains(t, rerun.stderr.String(), "its process is gone", "k=%d: the killed holder's lock is broken", k)
		}
		records, instances, locks := stackState(t, apiFor(srv.URL, emu.Token()))
		assert.Equal(t, wantRecord, records, "k=%d: the record of a clean apply", k)
		if stack != "" {
			assert.Equal(t, map[string]int{stack: 1}, instances, "k=%d: one record instance", k)
		}
		assert.Empty(t, locks, "k=%d: no lock left behind", k)
		for kind, n := range wantCounts {
			assert.Equal(t, n, emu.Counts()[kind]-fresh[kind], "k=%d: %s count (no duplicates)", k, kind)
		}
		plan := startBinary(t, srv.URL, emu.Token(), "plan", "-f", path, "--detailed-exitcode")
		assert.Equal(t, 0, plan.wait(), "k=%d: a fresh plan is empty\n%s", k, plan.stdout.String())
		if envFile != "" {
			got, err := os.ReadFile(envPath)
			require.NoError(t, err)
			assert.NotContains(t, string(got), "OPENID_CLIENT_ID=old", "k=%d: the re-run wrote the new .env", k)
		}
	}
	if stack != "" {
		t.Logf("%d of %d kills left the lock, each broken by the re-run", brokenLocks, writes)
		assert.Positive(t, brokenLocks, "some kill happens while the lock is held")
	}
}

// assertOldOrNewEnv checks the .env is exactly the old file, or a whole new
// one (the new one keeps the hand-written comment and has every key).
func assertOldOrNewEnv(t *testing.T, path, old string, k int) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	if string(got) == old {
		return
	}
	vals, err := dotenv.Parse(got)
	require.NoError(t, err, "k=%d: the .env parses", k)
	for _, key := range []string{"OPENID_CLIENT_ID", "OPENID_CLIENT_SECRET", "OPENID_ISSUER", "OPENID_SESSION_SECRET"} {
		assert.NotEmpty(t, vals[key], "k=%d: a new .env is whole: %s", k, key)
	}
	assert.NotEqual(t, "old", vals["OPENID_CLIENT_ID"], "k=%d: not a mix", k)
}

func TestCrashAtEveryWriteConverges(t *testing.T) {
	t.Parallel()
	skipCampaign(t)
	t.Run("librechat", func(t *testing.T) {
		crashCampaign(t, seedManifest, map[string]int{"application": 1, "binding": 1, "provider": 1}, "librechat.env", "")
	})
	t.Run("librechat stack", func(t *testing.T) {
		crashCampaign(t, withStack(t, seedManifest, "librechat"), map[string]int{"application": 1, "binding": 1, "provider": 1}, "librechat.env", "librechat")
	})
	if os.Getenv("PROVISION_CRASH_20") == "" {
		t.Log("PROVISION_CRASH_20=1 also kills a 20-application apply at each of its writes")
		return
	}
	t.Run("20 apps", func(t *testing.T) {
		crashCampaign(t, manyAppsManifest(t, 20), map[string]int{"application": 20, "binding": 20}, "", "")
	})
}

func TestInterruptFinishesInFlightAndExits130(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	srv, emu := emulatortest.NewServer(t, emulator.Options{Latency: 30 * time.Millisecond})
	seeded := emu.Counts()["binding"] // authentik's own, from its blueprints
	path := manyAppsManifest(t, 20)
	var run *binRun
	var mu sync.Mutex
	killAfterWrites(emu, 3, syscall.SIGINT, func() *os.Process { mu.Lock(); defer mu.Unlock(); return run.cmd.Process })
	mu.Lock()
	run = startBinary(t, srv.URL, emu.Token(), "apply", "-f", path, "--auto-approve")
	mu.Unlock()
	code := run.wait()
	emu.SetRequestLogger(nil)
	require.Equal(t, exitInterrupted, code, run.stderr.String())
	assert.Regexp(t, `Interrupted: \d+ done, 0 failed, \d+ not attempted\.`, run.stderr.String())
	assert.Contains(t, run.stderr.String(), "not attempted: ")
	// The summary says what to do next (issue 32, point 7).
	assert.Contains(t, run.stderr.String(), "Run apply again to finish: it adopts what was created and does the rest.")
	for _, rec := range emu.Requests() {
		assert.NotEqual(t, 499, rec.Status, "%s %s was cut off, not finished", rec.Method, rec.Path)
	}
	rerun := startBinary(t, srv.URL, emu.Token(), "apply", "-f", path, "--auto-approve")
	require.Equal(t, 0, rerun.wait(), rerun.stderr.String())
	assert.Equal(t, 20, emu.Counts()["application"])
	assert.Equal(t, seeded+20, emu.Counts()["binding"])
}
