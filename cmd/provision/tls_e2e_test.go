package main

import (
	"context"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// sandboxProc is a `provision sandbox` run in process.
type sandboxProc struct {
	url, token, ca string
	out, errOut    *syncBuffer
	stop           func()
}

// runSandboxCmd runs the sandbox command with args until the test ends.
func runSandboxCmd(t *testing.T, wait bool, args ...string) *sandboxProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	streams := IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"sandbox"}, args...), streams) }()
	p := &sandboxProc{out: out, errOut: errOut}
	p.stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("sandbox did not stop")
		}
	}
	t.Cleanup(p.stop)
	if !wait {
		return p
	}
	exports := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)\n\s+export AUTHENTIK_TOKEN=([^\n]+)\n(?:\s+export AUTHENTIK_CA_FILE=(\S+))?`)
	var m []string
	require.Eventually(t, func() bool { m = exports.FindStringSubmatch(out.String()); return m != nil }, 10*time.Second, 10*time.Millisecond)
	p.url, p.token, p.ca = m[1], m[2], m[3]
	return p
}

func (p *sandboxProc) cli(t *testing.T, env map[string]string) *cli {
	c := &cli{t: t, url: p.url, deps: testDeps(), env: map[string]string{
		"AUTHENTIK_URL": p.url, "AUTHENTIK_TOKEN": p.token, "LIBRECHAT_URL": "https://chat.example.com",
	}}
	for k, v := range env {
		c.env[k] = v
	}
	return c
}

func TestTLSSandboxTrustedThroughCAFile(t *testing.T) {
	t.Parallel()
	sb := runSandboxCmd(t, true, "--addr", "127.0.0.1:0", "--tls")
	require.True(t, strings.HasPrefix(sb.url, "https://"), sb.url)
	require.NotEmpty(t, sb.ca)
	pem, err := os.ReadFile(sb.ca)
	require.NoError(t, err)
	assert.Contains(t, string(pem), "-----BEGIN CERTIFICATE-----")
	path := copyManifest(t, seedManifest)

	// Not trusted by default: one clear sentence with the fix.
	r := sb.cli(t, nil).run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "TLS verification of "+sb.url+" failed (certificate signed by an unknown authority); trust the CA that signed its certificate with --ca-file PATH (or AUTHENTIK_CA_FILE)")

	// AUTHENTIK_CA_FILE, then --ca-file.
	r = sb.cli(t, map[string]string{"AUTHENTIK_CA_FILE": sb.ca}).run("apply", "-f", path, "--auto-approve")
	require.Equal(t, exitOK, r.code, r.err)
	r = sb.cli(t, nil).run("plan", "-f", path, "--ca-file", sb.ca, "--detailed-exitcode")
	assert.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.err, "Warning")

	// A file that is not PEM is refused before any request.
	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
	r = sb.cli(t, nil).run("plan", "-f", path, "--ca-file", bad)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "CA file "+bad+" holds no PEM certificate")

	// AUTHENTIK_INSECURE=true works, with a warning on every run.
	for range 2 {
		r = sb.cli(t, map[string]string{"AUTHENTIK_INSECURE": "true"}).run("plan", "-f", path, "--detailed-exitcode")
		assert.Equal(t, exitOK, r.code, r.err)
		assert.Contains(t, r.err, "Warning: AUTHENTIK_INSECURE=true: authentik's TLS certificate is not verified")
	}
	r = sb.cli(t, map[string]string{"AUTHENTIK_INSECURE": "false"}).run("plan", "-f", path)
	assert.Equal(t, exitError, r.code, "false keeps verification on")
}

func TestWaitForATLSSandboxThatStartsLater(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	// The CA exists before the server: a first run writes it, a restart on
	// the same port keeps the path but makes a new CA, so trust it insecurely.
	c := (&sandboxProc{url: "https://" + addr, token: "wait-token"}).cli(t, map[string]string{"AUTHENTIK_INSECURE": "true"})
	// A fake clock: the first pause between probes (a probe failed) holds
	// until the sandbox has started; retries wait no time.
	clk := clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
	polling, started := make(chan struct{}), make(chan struct{})
	var once sync.Once
	clk.OnSleep = func(ctx context.Context, d time.Duration) error {
		if d != authentik.WaitPoll {
			return nil
		}
		once.Do(func() { close(polling) })
		select {
		case <-started:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.deps.clock = clk
	path := copyManifest(t, seedManifest)
	res := make(chan result, 1)
	go func() { res <- c.run("plan", "-f", path, "--wait", "20s") }()
	select {
	case <-polling:
	case r := <-res:
		t.Fatalf("plan --wait returned before the server started: exit %d\n%s", r.code, r.err)
	}
	runSandboxCmd(t, true, "--addr", addr, "--tls", "--token", "wait-token", "--ca-out", caPath)
	close(started)
	var r result
	select {
	case r = <-res:
	case <-time.After(30 * time.Second):
		t.Fatal("plan --wait did not return")
	}
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.err, "waiting for authentik at https://"+addr+" (20s left)")
	assert.Contains(t, r.err, "is ready (after 1s)")
	assert.Contains(t, r.out, "Plan: 4 to add")

	// Without --wait, the same start-up race is an error at once.
	r = (&sandboxProc{url: "https://127.0.0.1:1", token: "x"}).cli(t, nil).run("plan", "-f", path)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "cannot reach authentik")
}

func TestTimeoutBoundsEachRequest(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{Latency: 300 * time.Millisecond})
	c := newCLIFor(t, srv.URL, emu)
	r := c.run("plan", "-f", seedManifest, "--timeout", "50ms")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "did not answer in time")
	r = c.run("plan", "-f", seedManifest, "--timeout", "0s")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.err, "--timeout must be positive")
}
