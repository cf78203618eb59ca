package plan

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
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

// Result says what an apply did. Each list is in plan order.
type Result struct {
	Done    []Change
	Failed  []ChangeError
	Skipped []Change // not attempted: a change it depends on failed, or ctx ended
}

// ChangeError is a change that failed.
type ChangeError struct {
	Change Change
	Err    error
}

func (e ChangeError) Error() string {
	return fmt.Sprintf("%s %s %q: %v", e.Change.Action, e.Change.Kind, e.Change.Key, e.Err)
}

// DefaultParallelism is how many changes apply runs at once unless told
// otherwise. authentik serialises writes on its database, so past a few
// concurrent writes more concurrency buys little and loads the server; the
// docs/performance.md has the measurement behind the figure.
const DefaultParallelism = 8

// Apply runs the plan's changes, at most parallelism at a time, each as
// soon as what it depends on is done (Dependencies): a create starts once
// the objects it references exist, so the binding of the first application
// need not wait for the last provider. A change whose dependency failed is
// skipped; changes that do not depend on it still run, and a re-run
// converges on whatever this run left (the next plan adopts it). When ctx
// ends, no further change starts.
func Apply(ctx context.Context, p *Plan, exec Executor, ids *IDs, obs Observer, parallelism int) Result {
	if parallelism < 1 {
		parallelism = 1
	}
	cs := p.Changes
	deps := Dependencies(cs)
	waiting := make([]int, len(cs))
	dependents := make([][]int, len(cs))
	for i, ds := range deps {
		waiting[i] = len(ds)
		for _, d := range ds {
			dependents[d] = append(dependents[d], i)
		}
	}
	const (
		pending = iota
		done
		failed
		skipped
	)
	state := make([]int, len(cs))
	errs := make([]error, len(cs))
	ready := &indexHeap{}
	for i := range cs {
		if waiting[i] == 0 {
			ready.push(i)
		}
	}
	finished := make(chan int)
	running := 0
	for {
		for running < parallelism && ready.len() > 0 && ctx.Err() == nil {
			i := ready.pop()
			running++
			go func() {
				c := &cs[i]
				if obs != nil {
					obs.Started(c)
				}
				errs[i] = exec.Execute(ctx, c, ids)
				if obs != nil {
					obs.Finished(c, errs[i])
				}
				finished <- i
			}()
		}
		if running == 0 {
			break // nothing left that can start
		}
		i := <-finished
		running--
		if errs[i] != nil {
			state[i] = failed
			// Everything that depends on it, directly or not, is skipped.
			stack := append([]int(nil), dependents[i]...)
			for len(stack) > 0 {
				j := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if state[j] == pending {
					state[j] = skipped
					stack = append(stack, dependents[j]...)
				}
			}
			continue
		}
		state[i] = done
		for _, j := range dependents[i] {
			if waiting[j]--; waiting[j] == 0 && state[j] == pending {
				ready.push(j)
			}
		}
	}
	var res Result
	for i, c := range cs {
		switch state[i] {
		case done:
			res.Done = append(res.Done, c)
		case failed:
			res.Failed = append(res.Failed, ChangeError{Change: c, Err: errs[i]})
		default:
			res.Skipped = append(res.Skipped, c)
		}
	}
	return res
}

// Dependencies returns, for each change, the indexes of the changes that
// must finish before it starts:
//   - a create or update waits for the creates of the objects it refers to
//     (KindSpec.Needs), or, for a kind without Needs, for every create of
//     its Refs kinds; one that may take what a delete of its own kind
//     frees (KindSpec.TakesFromDeletes) also waits for those deletes;
//   - deletes run in reverse dependency order: a delete waits for the
//     deletes of the kinds after its own in the registry (which lists each
//     kind after those it refers to: an application's delete, taking its
//     bindings with it, goes before its group's), for every create and
//     update of the kinds that refer to its kind, directly or not (an
//     update may move the last reference away; a change PartOf its kind
//     only when it has the same key), and for any create or update of the
//     same object;
//   - any change also waits for the creates and updates its After names.
func Dependencies(cs []Change) [][]int {
	specs := map[Kind]*KindSpec{}
	for _, k := range registry {
		specs[k.Kind] = k
	}
	referrers := referrerKinds()
	later := map[Kind][]Kind{} // the kinds after each in the registry
	for i, k := range registry {
		for _, l := range registry[i+1:] {
			later[k.Kind] = append(later[k.Kind], l.Kind)
		}
	}
	created := map[string]int{}
	byKind := map[Kind][]int{}    // creates and updates
	deletesOf := map[Kind][]int{} // deletes
	changed := map[string][]int{} // creates and updates by object
	for i, c := range cs {
		if c.Action == Delete {
			deletesOf[c.Kind] = append(deletesOf[c.Kind], i)
			continue
		}
		if c.Action == Create {
			if _, dup := created[Ref(c.Kind, c.Key)]; !dup {
				created[Ref(c.Kind, c.Key)] = i
			}
		}
		byKind[c.Kind] = append(byKind[c.Kind], i)
		changed[Ref(c.Kind, c.Key)] = append(changed[Ref(c.Kind, c.Key)], i)
	}
	deps := make([][]int, len(cs))
	for i, c := range cs {
		seen := map[int]bool{i: true}
		add := func(j int) {
			if !seen[j] {
				seen[j] = true
				deps[i] = append(deps[i], j)
			}
		}
		for _, ref := range c.After {
			for _, j := range changed[ref] {
				add(j)
			}
		}
		k := specs[c.Kind]
		switch {
		case c.Action == Delete:
			for _, r := range referrers[c.Kind] {
				for _, j := range byKind[r] {
					if specs[r].PartOf == c.Kind && cs[j].Key != c.Key {
						continue // part of another object of this kind
					}
					if slices.Contains(specs[r].Parents, c.Kind) && !strings.HasPrefix(cs[j].Key, c.Key+"/") {
						continue // a child of another object of this kind
					}
					add(j)
				}
			}
			for _, l := range later[c.Kind] {
				for _, j := range deletesOf[l] {
					add(j)
				}
			}
			for _, j := range changed[Ref(c.Kind, c.Key)] {
				add(j)
			}
		case k != nil && k.Needs != nil && c.Spec != nil:
			for _, ref := range k.Needs(&cs[i]) {
				if j, ok := created[ref]; ok {
					add(j)
				}
			}
			if k.TakesFromDeletes != nil && k.TakesFromDeletes(&cs[i]) {
				for _, j := range deletesOf[c.Kind] {
					add(j)
				}
			}
		case k != nil:
			for _, r := range k.Refs {
				for _, j := range byKind[r] {
					if cs[j].Action == Create {
						add(j)
					}
				}
			}
		}
		sort.Ints(deps[i])
	}
	return deps
}

// referrerKinds maps each managed kind to the kinds that refer to it,
// directly or through others.
func referrerKinds() map[Kind][]Kind {
	direct := map[Kind][]Kind{}
	for _, k := range registry {
		for _, r := range k.Refs {
			if !slices.Contains(k.Nulled, r) {
				direct[r] = append(direct[r], k.Kind)
			}
		}
	}
	out := map[Kind][]Kind{}
	for _, k := range registry {
		seen := map[Kind]bool{k.Kind: true}
		stack := append([]Kind(nil), direct[k.Kind]...)
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[r] {
				continue
			}
			seen[r] = true
			out[k.Kind] = append(out[k.Kind], r)
			stack = append(stack, direct[r]...)
		}
	}
	return out
}

// indexHeap hands out ready changes lowest plan index first, so apply
// follows the plan's order wherever dependencies leave a choice.
type indexHeap struct{ h intHeap }

func (q *indexHeap) push(i int) { heap.Push(&q.h, i) }
func (q *indexHeap) pop() int   { return heap.Pop(&q.h).(int) }
func (q *indexHeap) len() int   { return q.h.Len() }

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
