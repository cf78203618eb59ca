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

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
)

func TestWaitReadyWaitsForTheServerThenTheToken(t *testing.T) {
	t.Parallel()
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
	clk := clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC))
	c, err := New(Config{URL: srv.URL, Token: emu.Token(), Clock: clk})
	require.NoError(t, err)
	var progress strings.Builder
	require.NoError(t, c.WaitReady(context.Background(), 10*time.Second, &progress))
	polls := 0
	for _, d := range clk.Sleeps() {
		if d == WaitPoll {
			polls++
		}
	}
	assert.Equal(t, 4, polls, "one poll after each failed probe")
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	require.Len(t, lines, 5, progress.String())
	assert.Contains(t, lines[0], "waiting for authentik at "+srv.URL)
	assert.Contains(t, lines[0], "HTTP 503")
	assert.Contains(t, lines[2], "authentik refused the token")
	assert.Contains(t, lines[4], "is ready")

	// A token never accepted: the wait ends with the last reason.
	bad, err := New(Config{URL: srv.URL, Token: "wrong", Clock: clk})
	require.NoError(t, err)
	err = bad.WaitReady(context.Background(), 3*time.Second, &strings.Builder{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "was not ready within 3s")
	assert.Contains(t, err.Error(), "authentik refused the token")
}
