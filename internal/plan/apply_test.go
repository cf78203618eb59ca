package plan

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/kinds"
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

func strp(s string) *string { return &s }

func appCreate(slug, provider string) Change {
	return Change{Kind: KindApplication, Key: slug, Action: Create, Spec: &ApplicationSpec{Slug: slug, Provider: strp(provider)}}
}

func accessCreate(slug string, groups ...string) Change {
	return Change{Kind: KindAccess, Key: slug, Action: Update, Spec: &AccessSpec{AppSlug: slug, AddGroups: groups}}
}

func TestApplyRunsDependenciesFirstAndBoundsParallelism(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the executor's sleeps are on a fake clock that
	// moves only once every goroutine waits: the order is deterministic.
	synctest.Test(t, func(t *testing.T) {
		var cs []Change
		for _, k := range []string{"g1", "g2", "g3", "g4", "g5", "g6"} {
			cs = append(cs, Change{Kind: KindGroup, Key: k, Action: Create, Spec: NewEntrySpec("group", map[string]any{"name": k})})
		}
		cs = append(cs, Change{Kind: KindProvider, Key: "p", Action: Create, Spec: &ProviderSpec{Name: "p"}},
			appCreate("a", "p"), accessCreate("a", "g6"))
		rec := &recorder{delay: 20 * time.Millisecond}
		ids := NewIDs(&Live{})
		res := Apply(context.Background(), &Plan{Changes: cs}, rec, ids, nil, 2)
		require.Empty(t, res.Failed)
		assert.Len(t, res.Done, 9)
		assert.Equal(t, int32(2), rec.maxSeen.Load(), "at most parallelism, and that many when enough is ready")
		pos := map[string]int{}
		for i, k := range rec.order {
			pos[k] = i
		}
		assert.Less(t, pos["provider p"], pos["application a"])
		assert.Less(t, pos["application a"], pos["access a"])
		assert.Less(t, pos["group g6"], pos["access a"])
		id, err := ids.Get(KindProvider, "p")
		require.NoError(t, err)
		assert.Equal(t, "id-p", id)
	})
}

// slowKeys is an executor whose chosen keys take long; it records when each
// change finished.
type slowKeys struct {
	recorder
	slow map[string]bool
}

func (s *slowKeys) Execute(ctx context.Context, c *Change, ids *IDs) error {
	if s.slow[c.Key] {
		time.Sleep(150 * time.Millisecond)
	}
	return s.recorder.Execute(ctx, c, ids)
}

func TestApplyStartsAChangeAsSoonAsWhatItReferencesExists(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the executor's sleeps are on a fake clock that
	// moves only once every goroutine waits: the order is deterministic.
	synctest.Test(t, func(t *testing.T) {
		cs := []Change{
			{Kind: KindGroup, Key: "g1", Action: Create, Spec: NewEntrySpec("group", map[string]any{"name": "g1"})},
			{Kind: KindGroup, Key: "g2", Action: Create, Spec: NewEntrySpec("group", map[string]any{"name": "g2"})},
			{Kind: KindProvider, Key: "p1", Action: Create, Spec: &ProviderSpec{Name: "p1"}},
			{Kind: KindProvider, Key: "p2", Action: Create, Spec: &ProviderSpec{Name: "p2"}},
			appCreate("a1", "p1"), appCreate("a2", "p2"),
			accessCreate("a1", "g1"), accessCreate("a2", "g2"),
		}
		ex := &slowKeys{slow: map[string]bool{"p2": true}}
		res := Apply(context.Background(), &Plan{Changes: cs}, ex, NewIDs(&Live{}), nil, 4)
		require.Empty(t, res.Failed)
		pos := map[string]int{}
		for i, k := range ex.order {
			pos[k] = i
		}
		assert.Less(t, pos["access a1"], pos["provider p2"], "application 1 and its access do not wait for provider 2")
		assert.Less(t, pos["application a1"], pos["access a1"])
		assert.Less(t, pos["provider p2"], pos["application a2"])
	})
}

func TestApplySkipsOnlyWhatDependsOnAFailure(t *testing.T) {
	t.Parallel()
	cs := []Change{
		{Kind: KindGroup, Key: "g1", Action: Create, Spec: NewEntrySpec("group", map[string]any{"name": "g1"})},
		{Kind: KindGroup, Key: "bad", Action: Create, Spec: NewEntrySpec("group", map[string]any{"name": "bad"})},
		{Kind: KindProvider, Key: "p", Action: Create, Spec: &ProviderSpec{Name: "p"}},
		appCreate("a", "p"), appCreate("b", "p"),
		accessCreate("a", "g1"), accessCreate("b", "bad"),
		{Kind: KindGroup, Key: "old", Action: Delete},
	}
	rec := &recorder{fail: map[string]bool{"bad": true}}
	res := Apply(context.Background(), &Plan{Changes: cs}, rec, NewIDs(&Live{}), nil, 4)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, "bad", res.Failed[0].Change.Key)
	assert.Contains(t, res.Failed[0].Error(), `create group "bad": boom`)
	var done, skipped []string
	for _, c := range res.Done {
		done = append(done, string(c.Kind)+" "+c.Key)
	}
	for _, c := range res.Skipped {
		skipped = append(skipped, string(c.Action)+" "+string(c.Kind)+" "+c.Key)
	}
	assert.Equal(t, []string{"group g1", "provider p", "application a", "application b", "access a"}, done, "in plan order")
	assert.Equal(t, []string{"update access b", "delete group old"}, skipped,
		"the access that binds the failed group, and the group delete that waits for every access change")
}

func TestApplyDeletesInReverseDependencyOrder(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the executor's sleeps are on a fake clock that
	// moves only once every goroutine waits: the order is deterministic.
	synctest.Test(t, func(t *testing.T) {
		cs := []Change{
			{Kind: KindProvider, Key: "p-new", Action: Create, Spec: &ProviderSpec{Name: "p-new"}},
			{Kind: KindApplication, Key: "keep", Action: Update, Spec: &ApplicationSpec{Slug: "keep", Provider: strp("p-new")}},
			{Kind: KindApplication, Key: "gone", Action: Delete},
			{Kind: KindProvider, Key: "p-old", Action: Delete},
			{Kind: KindScopeMapping, Key: "m", Action: Delete},
			{Kind: KindGroup, Key: "unrelated", Action: Delete},
		}
		rec := &recorder{delay: 10 * time.Millisecond}
		res := Apply(context.Background(), &Plan{Changes: cs}, rec, NewIDs(&Live{}), nil, 8)
		require.Empty(t, res.Failed)
		pos := map[string]int{}
		for i, k := range rec.order {
			pos[k] = i
		}
		assert.Less(t, pos["application keep"], pos["provider p-old"], "the update moving the reference away comes first")
		assert.Less(t, pos["application gone"], pos["provider p-old"])
		assert.Less(t, pos["provider p-old"], pos["scope mapping m"])
		assert.Less(t, pos["scope mapping m"], pos["group unrelated"], "registry order, reversed: groups last")
	})
}

func TestDependenciesWithoutSpecsFallBackToKinds(t *testing.T) {
	t.Parallel()
	cs := []Change{
		{Kind: KindGroup, Key: "g", Action: Create},
		{Kind: KindProvider, Key: "p", Action: Create},
		{Kind: KindProvider, Key: "q", Action: Update},
		{Kind: KindApplication, Key: "a", Action: Create},
		{Kind: KindAccess, Key: "a", Action: Update},
	}
	assert.Equal(t, [][]int{nil, nil, nil, {1}, {0, 3}}, Dependencies(cs),
		"every create of the kinds it refers to")
}

func TestApplyHonoursCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &recorder{}
	res := Apply(ctx, &Plan{Changes: []Change{{Kind: KindGroup, Key: "g", Action: Create}}}, rec, NewIDs(&Live{}), nil, 1)
	assert.Empty(t, rec.order)
	assert.Len(t, res.Skipped, 1)
}

func TestIDsUnknown(t *testing.T) {
	t.Parallel()
	_, err := NewIDs(&Live{}).Get(KindGroup, "x")
	assert.EqualError(t, err, `group "x" does not exist in authentik`)
}

// An application's provider is one-to-one in authentik: a new application
// taking the provider of one being deleted (a slug renamed in a stack)
// is created after that delete, or authentik refuses it ("Application with
// this provider already exists"). The delete does not wait for the new
// application's access in turn (no cycle: everything runs).
func TestApplicationTakingAProviderWaitsForApplicationDeletes(t *testing.T) {
	t.Parallel()
	// In a synctest bubble the executor's sleeps are on a fake clock that
	// moves only once every goroutine waits: the order is deterministic.
	synctest.Test(t, func(t *testing.T) {
		cs := []Change{
			appCreate("new", "p"),
			accessCreate("new", "g"),
			{Kind: KindApplication, Key: "old", Action: Delete},
			{Kind: KindAccess, Key: "old", Action: Delete},
		}
		deps := Dependencies(cs)
		assert.Contains(t, deps[0], 2, "the create waits for the delete that frees the provider")
		assert.NotContains(t, deps[2], 1, "deleting application old waits for no other application's access")
		rec := &recorder{delay: 5 * time.Millisecond}
		res := Apply(context.Background(), &Plan{Changes: cs}, rec, NewIDs(&Live{}), nil, 8)
		require.Empty(t, res.Failed)
		require.Empty(t, res.Skipped, "no dependency cycle")
		pos := map[string]int{}
		for i, k := range rec.order {
			pos[k] = i
		}
		assert.Less(t, pos["application old"], pos["application new"])
	})
}

// A dependency cycle would leave its changes "not attempted" with no
// failure to explain why: a plan with every kind created, updated and
// deleted (two objects each, every reference between them) has none.
func TestDependenciesHaveNoCycle(t *testing.T) {
	t.Parallel()
	specs := func(k Kind, key, other string) any {
		switch k {
		case KindGroup:
			return NewEntrySpec("group", map[string]any{"name": key})
		case KindScopeMapping:
			return &EntrySpec{Kind: kinds.Family("scope mapping")[0], Body: map[string]any{"name": key}}
		case KindProvider:
			return &ProviderSpec{Name: key, PropertyMappings: []Reference{Later(KindScopeMapping, other)}}
		case KindApplication:
			return &ApplicationSpec{Slug: key, Provider: strp(other)}
		case KindAccess:
			return &AccessSpec{AppSlug: key, AddGroups: []string{key, other}}
		case KindOutpost:
			return &OutpostSpec{Name: key, AddProviders: []string{key, other}}
		}
		return nil
	}
	var cs []Change
	for _, k := range registry {
		for _, key := range []string{"a", "b"} {
			other := map[string]string{"a": "b", "b": "a"}[key]
			cs = append(cs, Change{Kind: k.Kind, Key: key + "-new", Action: Create, Spec: specs(k.Kind, key+"-new", other+"-new")},
				Change{Kind: k.Kind, Key: key, Action: Update, Spec: specs(k.Kind, key, other+"-new")},
				Change{Kind: k.Kind, Key: key + "-old", Action: Delete})
		}
	}
	res := Apply(context.Background(), &Plan{Changes: cs}, &recorder{}, NewIDs(&Live{}), nil, 4)
	assert.Empty(t, res.Skipped)
	assert.Len(t, res.Done, len(cs))
}
