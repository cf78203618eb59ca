package authentik

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/plan"
)

func TestWriteRetriesHonourRetryAfterAndBackOff(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Options{})
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			switch posts.Add(1) {
			case 1:
				w.Header().Set("Retry-After", "3")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			case 2, 3:
				w.WriteHeader(http.StatusServiceUnavailable) // no Retry-After: backoff doubles
				return
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	clk := clock.NewFake(time.Unix(0, 0))
	c, err := New(Config{URL: srv.URL, Token: emu.Token(), RetryBackoff: 100 * time.Millisecond, Clock: clk})
	require.NoError(t, err)
	ch := &plan.Change{Kind: plan.KindGroup, Key: "g", Action: plan.Create, Spec: plan.NewEntrySpec("group", map[string]any{"name": "g"})}
	require.NoError(t, c.Executor().Execute(context.Background(), ch, plan.NewIDs(&plan.Live{})))
	assert.Equal(t, []time.Duration{3 * time.Second, 6 * time.Second, 10 * time.Second}, clk.Sleeps(),
		"Retry-After sets the wait, which then doubles, up to 10s")
	assert.Equal(t, int32(4), posts.Load())
	st := c.Stats()
	assert.Equal(t, int64(3), st.Writes)
	assert.Equal(t, int64(2), st.ReReads, "a 429 was not processed: no re-read; a 503 may have been")
}
