package authentik_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// renewalClock is a fake clock whose renewal waits (the lease's third) end
// only when the test ticks; every other wait (a retry's) passes at once.
type renewalClock struct {
	*clock.Fake
	waiting chan struct{} // the renewer is waiting for its next tick
	tick    chan struct{}
}

func newRenewalClock(period time.Duration) *renewalClock {
	c := &renewalClock{Fake: clock.NewFake(time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)), waiting: make(chan struct{}), tick: make(chan struct{})}
	c.OnSleep = func(ctx context.Context, d time.Duration) error {
		if d != period {
			return nil
		}
		select {
		case c.waiting <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-c.tick:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return c
}

// renewOnce lets one renewal run and waits until it is done (the renewer
// waits for the next tick).
func (c *renewalClock) renewOnce(t *testing.T) {
	t.Helper()
	c.tick <- struct{}{}
	select {
	case <-c.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the renewal did not finish")
	}
}

// A lease that can no longer be renewed (the lock was broken by hand) is
// reported once, so the apply can warn that another may start.
func TestLostLeaseIsReportedOnce(t *testing.T) {
	t.Parallel()
	const lease = 90 * time.Second
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	clk := newRenewalClock(lease / 3)
	c, err := authentik.New(authentik.Config{URL: srv.URL, Token: emu.Token(), Clock: clk})
	require.NoError(t, err)
	ctx := context.Background()
	lost := make(chan error, 10)
	l, err := c.AcquireLock(ctx, "prod", authentik.LockOptions{Lease: lease, OnLost: func(err error) { lost <- err }})
	require.NoError(t, err)
	<-clk.waiting

	// Renewals succeed while the lock exists.
	patches := emu.Count("PATCH", "/api/v3/managed/blueprints/")
	clk.renewOnce(t)
	clk.renewOnce(t)
	assert.Equal(t, patches+2, emu.Count("PATCH", "/api/v3/managed/blueprints/"), "one PATCH each")
	assert.Empty(t, lost, "renewing a held lock is not a loss")

	_, err = c.BreakLock(ctx, "prod")
	require.NoError(t, err)
	clk.renewOnce(t)
	require.Len(t, lost, 1, "a failed renewal is reported")
	assert.Error(t, <-lost)
	clk.renewOnce(t)
	clk.renewOnce(t)
	assert.Empty(t, lost, "reported once")
	_ = l.Release(ctx) // the lock is already gone: a 404 counts as released
}
