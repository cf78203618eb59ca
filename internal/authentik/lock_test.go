package authentik_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// A lease that can no longer be renewed (the lock was broken by hand) is
// reported once, so the apply can warn that another may start.
func TestLostLeaseIsReportedOnce(t *testing.T) {
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	c := fastClient(t, srv.URL, emu.Token())
	ctx := context.Background()
	lost := make(chan error, 10)
	l, err := c.AcquireLock(ctx, "prod", authentik.LockOptions{Lease: 90 * time.Millisecond, OnLost: func(err error) { lost <- err }})
	require.NoError(t, err)

	// Renewals succeed while the lock exists.
	time.Sleep(100 * time.Millisecond)
	assert.Empty(t, lost, "renewing a held lock is not a loss")

	_, err = c.BreakLock(ctx, "prod")
	require.NoError(t, err)
	select {
	case err := <-lost:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("a failed renewal was not reported")
	}
	time.Sleep(100 * time.Millisecond) // more failed renewals
	assert.Empty(t, lost, "reported once")
	_ = l.Release(ctx) // the lock is already gone: a 404 counts as released
}
