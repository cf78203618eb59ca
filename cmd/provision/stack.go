package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// noStackNote says once, on stderr, that a manifest without a stack prunes
// nothing.
func noStackNote(streams IOStreams, m *manifest.Manifest) {
	if m.Stack == "" {
		fmt.Fprintln(streams.ErrOut, "Note: the manifest names no stack, so nothing will be pruned: objects removed from it stay in authentik. Add \"stack: NAME\" to let provision own and prune what it manages.")
	}
}

// lockStack takes the stack's lock for an apply and returns its release.
// Notes (a dead holder's lock broken, a release that failed) go to stderr.
func lockStack(ctx context.Context, c *authentik.Client, stack string, timeout time.Duration, streams IOStreams) (func(), error) {
	errOut := streams.ErrOut
	l, err := c.AcquireLock(ctx, stack, authentik.LockOptions{Timeout: timeout, Poll: streams.deps.lockPoll, OnBreak: func(h authentik.Holder, why string) {
		fmt.Fprintf(errOut, "Note: broke the lock of stack %q held by host %s, pid %d since %s: %s.\n", stack, h.Host, h.PID, h.Since.UTC().Format(time.RFC3339), why)
	}, OnLost: func(err error) {
		fmt.Fprintf(errOut, "Warning: could not renew the lock of stack %q (%v); once its lease ends, another apply of the stack may start before this one finishes: run plan again afterwards.\n", stack, err)
	}})
	if err != nil {
		return nil, err
	}
	return func() {
		// Released even when the apply's context is cancelled.
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Release(rctx); err != nil {
			fmt.Fprintf(errOut, "Warning: %v; its lease expires on its own, or run provision state unlock --stack %s.\n", err, stack)
		}
	}, nil
}

// recordWrite keeps a stack's record in step with one apply.
type recordWrite struct {
	stack string
	pk    string
	ahead []plan.Owned
	prev  []plan.Owned
}

// writeAhead stores, before the walk, the record extended with every
// object the plan adopts or creates: a crash after a create then leaves the
// object owned, and the next apply converges without a duplicate.
func writeAhead(ctx context.Context, st *state) (*recordWrite, error) {
	own := st.plan.Ownership
	if own == nil {
		return nil, nil
	}
	rec := &recordWrite{stack: own.Stack, pk: own.RecordPK, prev: own.Previous, ahead: plan.WriteAhead(st.plan)}
	if rec.pk != "" && slices.Equal(rec.ahead, own.Previous) {
		return rec, nil
	}
	if rec.pk == "" && len(rec.ahead) == 0 {
		return rec, nil
	}
	pk, err := st.client.WriteRecord(ctx, rec.stack, rec.pk, rec.ahead)
	if err != nil {
		return nil, err
	}
	rec.pk = pk
	return rec, nil
}

// finish stores the record once the walk succeeded (what the manifest
// declares and exists) and recomputes after's plan with it.
func (r *recordWrite) finish(ctx context.Context, after *state) error {
	if r == nil {
		return nil
	}
	final := plan.RecordAfter(after.manifest, after.live, r.ahead)
	if !(r.pk == "" && len(final) == 0) && !slices.Equal(final, currentRecord(after.live, r.stack)) {
		pk, err := after.client.WriteRecord(ctx, r.stack, r.pk, final)
		if err != nil {
			return err
		}
		r.pk = pk
	}
	after.live = plan.WithRecord(after.live, r.stack, r.pk, final)
	p, err := plan.Compute(after.manifest, after.live)
	if err != nil {
		return err
	}
	after.plan = p
	return nil
}

func currentRecord(live *plan.Live, stack string) []plan.Owned {
	for _, s := range live.Stacks {
		if s.Stack == stack {
			return s.Objects
		}
	}
	return nil
}
