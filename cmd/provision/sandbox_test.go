package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/operation"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSandboxServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	streams := IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--log-requests"}, streams) }()

	exports := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)\n\s+export AUTHENTIK_TOKEN=(\S+)`)
	var m []string
	require.Eventually(t, func() bool { m = exports.FindStringSubmatch(out.String()); return m != nil }, 10*time.Second, 10*time.Millisecond)
	url, token := m[1], m[2]
	assert.Len(t, token, 48, "a random token when none is given")

	get := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v3/core/users/me/", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, body := get("Bearer " + token)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"username":"akadmin"`)
	status, body = get("Bearer nope")
	assert.Equal(t, 403, status)
	assert.JSONEq(t, `{"detail":"Token invalid/expired"}`, body)

	require.Eventually(t, func() bool { return strings.Contains(errOut.String(), "GET /api/v3/core/users/me/ 403") }, 10*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(5 * time.Second):
		t.Fatal("sandbox did not stop on interrupt")
	}
}

func TestSandboxSeedsSyntheticApps(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	streams := IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &syncBuffer{}, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--token", "tok", "--synthetic-apps", "3"}, streams)
	}()
	exports := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)\n`)
	var m []string
	require.Eventually(t, func() bool { m = exports.FindStringSubmatch(out.String()); return m != nil }, 10*time.Second, 10*time.Millisecond)
	count := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, m[1]+"/api/v3/"+path, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return regexp.MustCompile(`"count":(\d+)`).FindStringSubmatch(string(body))[1]
	}
	assert.Equal(t, "3", count("core/applications/?superuser_full_list=true"))
	assert.Equal(t, "3", count("providers/oauth2/"))
	assert.Equal(t, "4", count("core/groups/"), "3 and authentik Admins")
	assert.Equal(t, "16", count("policies/bindings/"), "3 and authentik's own 13 (its default blueprints')")
	cancel()
	<-done
}

func TestSandboxRejectsNegativeSyntheticApps(t *testing.T) {
	t.Parallel()
	errOut := &syncBuffer{}
	streams := IOStreams{In: strings.NewReader(""), Out: &syncBuffer{}, ErrOut: errOut, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
	code := run(context.Background(), []string{"sandbox", "--addr", "127.0.0.1:0", "--synthetic-apps", "-1"}, streams)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, errOut.String(), "--synthetic-apps is -1")
}

// A random token on a public interface is easy to miss: a non-loopback
// --addr needs --token.
func TestSandboxRefusesPublicAddrWithoutToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr  string
		token bool
		ok    bool
	}{
		{"127.0.0.1:9000", false, true},
		{"[::1]:9000", false, true},
		{"localhost:9000", false, true},
		{"0.0.0.0:9000", false, false},
		{":9000", false, false},
		{"192.0.2.10:9000", false, false},
		{"0.0.0.0:9000", true, true},
	} {
		err := operation.SandboxAddrAllowed(tc.addr, tc.token)
		if tc.ok {
			assert.NoError(t, err, tc.addr)
		} else {
			assert.ErrorContains(t, err, "pass --token explicitly", tc.addr)
		}
	}
	var out, errOut bytes.Buffer
	streams := IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
	code := run(context.Background(), []string{"sandbox", "--addr", "0.0.0.0:0"}, streams)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut.String(), "is not a loopback address")
	assert.Empty(t, out.String(), "nothing served, no token printed")
}

// sandbox --enterprise acts as a licensed authentik: a password uniqueness
// policy (EnterpriseRequiredMixin) is accepted, which a fresh install
// refuses.
func TestSandboxEnterprise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want int
	}{{nil, http.StatusBadRequest}, {[]string{"--enterprise"}, http.StatusCreated}} {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		streams := IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &syncBuffer{}, LookupEnv: func(string) (string, bool) { return "", false }, Random: rand.Reader, deps: testDeps()}
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--token", "tok"}, tc.args...), streams)
		}()
		exports := regexp.MustCompile(`export AUTHENTIK_URL=(\S+)\n`)
		var m []string
		require.Eventually(t, func() bool { m = exports.FindStringSubmatch(out.String()); return m != nil }, 10*time.Second, 10*time.Millisecond)
		req, _ := http.NewRequest(http.MethodPost, m[1]+"/api/v3/policies/unique_password/", strings.NewReader(`{"name":"unique"}`))
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, "%v", tc.args)
		cancel()
		<-done
	}
}
