package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/clock"
)

func TestFakeMovesOnlyWhenSleptOn(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	f := clock.NewFake(start)
	assert.Equal(t, start, f.Now())
	require.NoError(t, f.Sleep(context.Background(), time.Second))
	f.Advance(time.Minute)
	require.NoError(t, f.Sleep(context.Background(), -time.Second))
	assert.Equal(t, start.Add(time.Minute+time.Second), f.Now())
	assert.Equal(t, []time.Duration{time.Second, -time.Second}, f.Sleeps())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, f.Sleep(ctx, time.Hour), context.Canceled)
	assert.Equal(t, start.Add(time.Minute+time.Second), f.Now(), "a cancelled sleep does not move the clock")
}

func TestFakeOnSleepRunsBeforeTheClockMoves(t *testing.T) {
	t.Parallel()
	f := clock.NewFake(time.Unix(0, 0))
	var seen []time.Time
	f.OnSleep = func(context.Context, time.Duration) error { seen = append(seen, f.Now()); return nil }
	require.NoError(t, f.Sleep(context.Background(), time.Second))
	require.NoError(t, f.Sleep(context.Background(), time.Second))
	assert.Equal(t, []time.Time{time.Unix(0, 0), time.Unix(1, 0)}, seen)
}

func TestSystemSleepEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, clock.System().Sleep(ctx, time.Hour), context.Canceled)
	require.NoError(t, clock.System().Sleep(context.Background(), 0))
}
