package plan

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is an Executor that records calls and fails chosen keys.
type recorder struct {
	mu       sync.Mutex
	order    []string
	fail     map[string]bool
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	delay    time.Duration
}

func (r *recorder) Execute(ctx context.Context, c *Change, ids *IDs) error {
	n := r.inFlight.Add(1)
	defer r.inFlight.Add(-1)
	for {
		m := r.maxSeen.Load()
		if n <= m || r.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(r.delay)
	r.mu.Lock()
	r.order = append(r.order, string(c.Kind)+" "+c.Key)
	r.mu.Unlock()
	if r.fail[c.Key] {
		return errors.New("boom")
	}
	ids.Set(c.Kind, c.Key, "id-"+c.Key)
	return nil
}

func TestApplyRunsStagesInOrderAndBoundsParallelism(t *testing.T) {
	var cs []Change
	for _, k := range []string{"g1", "g2", "g3", "g4", "g5", "g6"} {
		cs = append(cs, Change{Kind: KindGroup, Key: k, Action: Create})
	}
	cs = append(cs, Change{Kind: KindProvider, Key: "p", Action: Create}, Change{Kind: KindApplication, Key: "a", Action: Create})
	rec := &recorder{delay: 20 * time.Millisecond}
	ids := NewIDs(&Live{})
	res := Apply(context.Background(), &Plan{Changes: cs}, rec, ids, nil, 2)
	require.Empty(t, res.Failed)
	assert.Len(t, res.Done, 8)
	assert.LessOrEqual(t, rec.maxSeen.Load(), int32(2))
	assert.Equal(t, int32(2), rec.maxSeen.Load(), "independent changes of a stage run concurrently")
	assert.Equal(t, "provider p", rec.order[6])
	assert.Equal(t, "application a", rec.order[7])
	id, err := ids.Get(KindProvider, "p")
	require.NoError(t, err)
	assert.Equal(t, "id-p", id)
}

func TestApplyStopsAfterAFailedStage(t *testing.T) {
	cs := []Change{
		{Kind: KindGroup, Key: "g1", Action: Create},
		{Kind: KindGroup, Key: "bad", Action: Create},
		{Kind: KindProvider, Key: "p", Action: Create},
		{Kind: KindApplication, Key: "a", Action: Create},
	}
	rec := &recorder{fail: map[string]bool{"bad": true}}
	res := Apply(context.Background(), &Plan{Changes: cs}, rec, NewIDs(&Live{}), nil, 4)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, "bad", res.Failed[0].Change.Key)
	assert.Len(t, res.Done, 1)
	assert.Len(t, res.Skipped, 2)
	assert.Contains(t, res.Failed[0].Error(), `create group "bad": boom`)
}

func TestApplyHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &recorder{}
	res := Apply(ctx, &Plan{Changes: []Change{{Kind: KindGroup, Key: "g", Action: Create}}}, rec, NewIDs(&Live{}), nil, 1)
	assert.Empty(t, rec.order)
	assert.Len(t, res.Skipped, 1)
}

func TestIDsUnknown(t *testing.T) {
	_, err := NewIDs(&Live{}).Get(KindGroup, "x")
	assert.EqualError(t, err, `group "x" does not exist in authentik`)
}
