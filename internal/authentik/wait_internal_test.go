package authentik

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
)

func TestWaitReadyWaitsForTheServerThenTheToken(t *testing.T) {
	waitPoll = 5 * time.Millisecond
	t.Cleanup(func() { waitPoll = time.Second })
	emu := emulator.New(emulator.Options{})
	var configs, mes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v3/root/config/" && configs.Add(1) <= 8:
			w.WriteHeader(http.StatusServiceUnavailable) // starting: 2 probes of 4 tries
			return
		case r.URL.Path == "/api/v3/core/users/me/" && mes.Add(1) <= 2:
			w.WriteHeader(http.StatusForbidden) // the bootstrap token not yet created
			_, _ = w.Write([]byte(`{"detail":"Token invalid/expired"}`))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL, Token: emu.Token(), RetryBackoff: time.Millisecond})
	require.NoError(t, err)
	var progress strings.Builder
	require.NoError(t, c.WaitReady(context.Background(), 10*time.Second, &progress))
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	require.Len(t, lines, 5, progress.String())
	assert.Contains(t, lines[0], "waiting for authentik at "+srv.URL)
	assert.Contains(t, lines[0], "HTTP 503")
	assert.Contains(t, lines[2], "authentik refused the token")
	assert.Contains(t, lines[4], "is ready")

	// A token never accepted: the wait ends with the last reason.
	bad, err := New(Config{URL: srv.URL, Token: "wrong", RetryBackoff: time.Millisecond})
	require.NoError(t, err)
	err = bad.WaitReady(context.Background(), 50*time.Millisecond, &strings.Builder{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "was not ready within 50ms")
	assert.Contains(t, err.Error(), "authentik refused the token")
}
