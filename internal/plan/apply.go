package plan

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Executor performs one change against authentik. Implementations must be
// idempotent enough that a re-run after a partial failure converges: the
// next plan adopts whatever an interrupted run created.
type Executor interface {
	Execute(ctx context.Context, c *Change, ids *IDs) error
}

// Observer is told about each change as it starts and finishes (progress).
// Its methods may be called concurrently.
type Observer interface {
	Started(c *Change)
	Finished(c *Change, err error)
}

// IDs maps "kind key" (see Ref) to the live pk of each object, so changes
// can reference objects created earlier in the same run. Safe for
// concurrent use.
type IDs struct {
	mu sync.Mutex
	m  map[string]string
}

// NewIDs returns the registry filled from a live snapshot, for every
// managed kind that has objects of its own.
func NewIDs(live *Live) *IDs {
	ids := &IDs{m: map[string]string{}}
	for _, k := range registry {
		if k.IDs == nil {
			continue
		}
		for key, pk := range k.IDs(live) {
			ids.m[Ref(k.Kind, key)] = pk
		}
	}
	return ids
}

// Resolve returns the pk a reference points at.
func (ids *IDs) Resolve(r Reference) (string, error) {
	if r.PK != "" {
		return r.PK, nil
	}
	return ids.Get(r.Kind, r.Key)
}

// Get returns the pk of an object, or an error naming it.
func (ids *IDs) Get(kind Kind, key string) (string, error) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	id, ok := ids.m[Ref(kind, key)]
	if !ok {
		return "", fmt.Errorf("%s %q does not exist in authentik", kind, key)
	}
	return id, nil
}

// Set records the pk of an object created or found during apply.
func (ids *IDs) Set(kind Kind, key, id string) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	ids.m[Ref(kind, key)] = id
}

// Result says what an apply did.
type Result struct {
	Done    []Change
	Failed  []ChangeError
	Skipped []Change // not attempted because an earlier stage failed or ctx ended
}

// ChangeError is a change that failed.
type ChangeError struct {
	Change Change
	Err    error
}

func (e ChangeError) Error() string {
	return fmt.Sprintf("%s %s %q: %v", e.Change.Action, e.Change.Kind, e.Change.Key, e.Err)
}

// Apply runs the plan's changes stage by stage (the registry's kinds in
// order, then deletes in reverse). Changes within a
// stage run concurrently, at most parallelism at a time. After a stage with
// a failure, later stages are skipped: they may depend on it.
func Apply(ctx context.Context, p *Plan, exec Executor, ids *IDs, obs Observer, parallelism int) Result {
	if parallelism < 1 {
		parallelism = 1
	}
	var res Result
	stages := splitStages(p.Changes)
	for si, stage := range stages {
		if len(res.Failed) > 0 || ctx.Err() != nil {
			for _, later := range stages[si:] {
				res.Skipped = append(res.Skipped, later...)
			}
			break
		}
		errs := make([]error, len(stage))
		g := &errgroup.Group{}
		g.SetLimit(parallelism)
		for i := range stage {
			c := &stage[i]
			g.Go(func() error {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					return nil
				}
				if obs != nil {
					obs.Started(c)
				}
				errs[i] = exec.Execute(ctx, c, ids)
				if obs != nil {
					obs.Finished(c, errs[i])
				}
				return nil
			})
		}
		_ = g.Wait() // goroutines report through errs
		for i, err := range errs {
			if err != nil {
				res.Failed = append(res.Failed, ChangeError{Change: stage[i], Err: err})
			} else {
				res.Done = append(res.Done, stage[i])
			}
		}
	}
	return res
}

// splitStages groups consecutive changes of the same kind and direction.
func splitStages(cs []Change) [][]Change {
	var stages [][]Change
	for i, c := range cs {
		if i == 0 || c.Kind != cs[i-1].Kind || (c.Action == Delete) != (cs[i-1].Action == Delete) {
			stages = append(stages, nil)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], c)
	}
	return stages
}
